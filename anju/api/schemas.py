"""Input and output shapes of the API, one pair per operation where they differ.

Inputs forbid unknown fields, so a misspelt field is a 422 instead of being ignored.
Outputs are plain schemas filled by the routers; nothing here touches the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict, create_model, field_validator

from anju.complaints.models import Channel, RatingReason, Status, Urgency
from anju.complaints.transitions import TABLE, Kind
from anju.complaints.transitions import Input as ActionInput

COORDINATE = Decimal("0.000001")
# Dates outside these years are typos; near year 1 or 9999 the conversion to UTC
# overflows, which was a 500.
YEARS = (1900, 2999)


def sane_datetime(value: datetime | None) -> datetime | None:
    """Refuse dates outside YEARS; give aware ones in UTC (Python allows offsets up to
    ±23:59, PostgreSQL only up to ±15:59: a -16:47 offset was a 500)."""
    if value is None:
        return None
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(_("Enter a date between the years %(first)s and %(last)s.")
                         % {"first": YEARS[0], "last": YEARS[1]})
    return value.astimezone(UTC) if value.tzinfo is not None else value


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------- errors


class ErrorDetail(Schema):
    code: str = Field(..., examples=["invalid_input"],
                      description="Stable machine-readable code, e.g. invalid_input, not_found, "
                                  "forbidden, conflict, illegal_transition, unknown_action.")
    message: str = Field(..., description="Human-readable, in the request's language.")
    fields: dict[str, list[str]] = Field(default_factory=dict,
                                         description="Messages per input field, if any.")


class ErrorOut(Schema):
    error: ErrorDetail


# --------------------------------------------------------------------------- complaints: write


class ComplaintCreateIn(Input):
    estate: str = Field(..., max_length=40, description="Estate code.")
    channel: Channel = Field(Channel.API, description="How the complaint came in.")
    description: str = Field(..., max_length=5000, description="What happened.")
    title: str = Field("", max_length=200)
    category: str | None = Field(None, max_length=40, description="Category code.")
    urgency: Urgency = Urgency.NORMAL
    room_id: int | None = None
    building_id: int | None = None
    facility_id: int | None = None
    address: str = Field("", max_length=300)
    latitude: Decimal | None = Field(None, ge=-90, le=90)
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    occurred_at: AwareDatetime | None = Field(None, description="When it happened, with offset.")
    people_involved: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=30)
    contact_email: str = Field("", max_length=254)
    anonymous: bool = False
    confidential: bool = False

    _occurred_at = field_validator("occurred_at")(sane_datetime)

    @field_validator("latitude", "longitude")
    @classmethod
    def _six_decimals(cls, value: Decimal | None) -> Decimal | None:
        # The columns keep six decimals (about 10 cm); round rather than reject.
        return None if value is None else value.quantize(COORDINATE, rounding=ROUND_HALF_UP)

    @field_validator("contact_email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(_("Enter a valid email address.")) from None
        return value


class ComplaintCreatedOut(Schema):
    id: int
    number: str
    status: Status
    created_at: datetime
    url: str


class ActionBase(Input):
    """What every action takes: the version the caller saw."""

    version: int | None = Field(None, description="The version you saw; a stale one is a 409.")


# The API's spelling of each kind of input (anju.complaints.transitions.Kind): its type and
# what the OpenAPI document says of it. Files are uploaded with POST …/attachments instead.
K = Kind
API_KINDS: dict[Kind, tuple[Any, dict[str, Any]]] = {
    K.TEXT: (str, {}),
    K.LINE: (str, {}),
    K.NUMBER: (str, {"description": "A complaint number."}),
    K.INT: (int, {}),
    K.BOOL: (bool, {}),
    K.CATEGORY: (str, {"max_length": 40, "description": "Category code."}),
    K.URGENCY: (Urgency, {}),
    K.DEPARTMENT: (str, {"max_length": 40, "description": "Department code."}),
    K.HANDLER: (int, {"description": "User id of the handler."}),
    K.REASONS: (list[RatingReason], {"description": "What the rating is about."}),
}


def api_type(spec: ActionInput) -> Any:
    """The body field's type for an input, or None when the API does not take it (files)."""
    if spec.kind == K.CHOICE:
        return spec.choices
    known = API_KINDS.get(spec.kind)
    return known[0] if known else None


def _action_fields() -> dict[str, Any]:
    """One body field per input name of the transition table: the actions that take it, the
    loosest limit any of them sets (``anju.api.actions`` applies each action's own)."""
    specs: dict[str, list[tuple[str, ActionInput]]] = {}
    for transition in TABLE.values():
        for spec in transition.inputs:
            if api_type(spec) is not None:
                specs.setdefault(spec.name, []).append((transition.action, spec))
    fields: dict[str, Any] = {}
    for name, uses in specs.items():
        types = {repr(api_type(spec)) for _action, spec in uses}
        if len(types) != 1:
            raise ImproperlyConfigured(f"The input {name!r} has different kinds: {sorted(types)}")
        first = uses[0][1]
        options = dict(API_KINDS.get(first.kind, (None, {}))[1])
        lengths = [spec.max_length for _action, spec in uses if spec.max_length]
        if lengths and "max_length" not in options:
            options["max_length"] = max(lengths)
        if first.min_value is not None:
            options["ge"] = first.min_value
        if first.max_value is not None:
            options["le"] = first.max_value
        takers = ", ".join(f"`{a}`{_terms(spec, options.get('max_length'))}" for a, spec in uses)
        said = options.pop("description", "")
        options["description"] = f"{said} Taken by {takers}.".strip()
        fields[name] = (api_type(first) | None, Field(None, **options))
    return fields


def _terms(spec: ActionInput, loosest: int | None) -> str:
    terms = ["required"] if spec.required else []
    if spec.max_length and spec.max_length != loosest:
        terms.append(f"at most {spec.max_length} characters")
    return f" ({', '.join(terms)})" if terms else ""


if TYPE_CHECKING:
    ActionIn = ActionBase
else:
    ActionIn = create_model(
        "ActionIn", __base__=ActionBase, __module__=__name__,
        __doc__="Everything any action takes (from anju/complaints/transitions.py); each "
                "action accepts only the fields it uses.",
        **_action_fields())


class NoteIn(Input):
    note: str = Field(..., max_length=5000)
    version: int | None = None


# --------------------------------------------------------------------------- complaints: read


class Ref(Schema):
    code: str
    name: str


class Person(Schema):
    id: int
    name: str


class ComplaintListItem(Schema):
    id: int
    number: str
    status: Status
    status_label: str
    title: str
    summary: str
    estate: Ref
    category: Ref | None
    urgency: Urgency
    channel: Channel
    escalated: bool
    department: Ref | None
    handler: Person | None
    created_at: datetime
    updated_at: datetime
    resolve_due_at: datetime | None
    version: int
    url: str


class ComplaintPage(Schema):
    count: int
    count_exact: bool
    limit: int
    offset: int
    items: list[ComplaintListItem]


class Complainant(Schema):
    name: str
    phone: str
    email: str
    masked: bool = Field(..., description="True when the caller sees only part of it "
                                           "(`138****5678`, `张*`).")
    can_reveal: bool = Field(False, description="True when the caller may ask for it in full "
                                                "with `POST /complaints/{number}/reveal`.")


class RevealIn(Input):
    reason: str = Field(..., max_length=20, description="callback, return_visit, site_visit, "
                                                          "verify or other")
    note: str = Field("", max_length=200, description="Required with reason `other`.")


class EventOut(Schema):
    id: int
    action: str
    actor: str
    from_status: str
    to_status: str
    note: str
    data: dict
    created_at: datetime


class AttachmentOut(Schema):
    id: int
    kind: str = Field(..., description="intake, before, after or note.")
    name: str
    content_type: str
    size: int
    url: str
    created_at: datetime


class SupervisionOut(Schema):
    by: str
    level: str
    reason: str
    created_at: datetime


class ActionOut(Schema):
    code: str
    label: str
    primary: bool


class Place(Schema):
    room_id: int | None
    building_id: int | None
    facility_id: int | None
    label: str
    address: str
    latitude: float | None
    longitude: float | None


class RouteSuggestionOut(Schema):
    department: Ref | None
    handler: Person | None
    reasons: list[str]
    text: str = Field(..., description="The route and its reasons in one line, as the console "
                                       "shows it: `Lifts → Engineering → 王师傅: on duty, 0 open`.")


class ComplaintDetail(ComplaintListItem):
    description: str
    place: Place
    occurred_at: datetime | None
    people_involved: str
    complainant: Complainant | None
    anonymous: bool
    confidential: bool
    in_scope: bool | None
    scope_reason: str
    referral_advice: str
    plan: str
    result: str
    root_cause: str
    merged_into: str | None
    reopen_count: int
    satisfaction: int | None
    solved: bool | None
    satisfaction_comment: str
    feedback_due_at: datetime | None
    visit_due_at: datetime | None
    first_feedback_at: datetime | None
    assigned_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[ActionOut]
    route_suggestion: RouteSuggestionOut | None = Field(
        None, description="Read only. The suggested department and handler for a complaint "
                          "waiting for dispatch (received or verified), computed now; shown to "
                          "staff only. What a dispatch is compared with is the suggestion at the "
                          "moment of the dispatch, recorded by the server.")
    events: list[EventOut]
    attachments: list[AttachmentOut]
    supervisions: list[SupervisionOut]


# --------------------------------------------------------------------------- reference data


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    department: str = Field(..., description="Code of the default department.")


class DepartmentOut(Schema):
    code: str
    name: str
    name_en: str


class EstateOut(Schema):
    code: str
    name: str
    address: str
    phone: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str | None = Field(..., description="A staff role, 'resident', or null.")
    role_label: str
    all_estates: bool
    estates: list[str] = Field(..., description="Codes of the estates in reach.")
    departments: list[str]
