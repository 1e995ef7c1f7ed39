"""/complaints: intake, lists, detail, transitions, notes and attachments.

Thin: validate the input, reach complaints only through the access policy, call the
service, present. Errors go to ``anju.api.errors``; a complaint the caller may not
see is a 404, so numbers cannot be probed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import field_validator

from anju.api import actions, present
from anju.api.estates import estates_in_reach
from anju.api.schemas import (
    ActionIn,
    Complainant,
    ComplaintCreatedOut,
    ComplaintCreateIn,
    ComplaintDetail,
    ComplaintPage,
    ErrorOut,
    NoteIn,
    RevealIn,
    sane_datetime,
)
from anju.complaints import access, disclosure, selectors, services
from anju.complaints.models import Category, Channel, Complaint, Urgency
from anju.complaints.models import Status as ComplaintStatus
from anju.complaints.reference import categories
from anju.complaints.transitions import RESIDENT
from anju.estates.models import Building, Estate, Facility, Room
from anju.estates.reference import active_estates
from anju.lib.errors import InvalidInput, NotFound

router = Router(tags=["complaints"])


def errors(*codes: int) -> dict[int, Any]:
    return dict.fromkeys(codes, ErrorOut)


# --------------------------------------------------------------------------- create


@router.post(
    "", response={201: ComplaintCreatedOut, 200: ComplaintCreatedOut, **errors(400, 401, 403, 422)},
    operation_id="complaints_create", summary="Record a new complaint",
    description="Issues a number and tells the complainant. With an `Idempotency-Key` header, "
                "a retry returns the complaint the first call recorded, with status 200 and "
                "the header `Idempotent-Replayed: true`.")
def create_complaint(request: HttpRequest, response: HttpResponse, payload: ComplaintCreateIn,
                     idempotency_key: str | None = Header(
                         None, alias="Idempotency-Key", min_length=1, max_length=100)) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    estate = _estate(user, payload.estate)
    intake = services.complaint_create(
        actor=user, channel=_channel(user, payload), estate=estate,
        description=payload.description, title=payload.title,
        category=_category(payload.category), urgency=payload.urgency,
        room=_by_id(Room.objects.select_related("unit__building"), payload.room_id, "room_id"),
        building=_by_id(Building.objects, payload.building_id, "building_id"),
        facility=_by_id(Facility.objects, payload.facility_id, "facility_id"),
        address=payload.address, latitude=payload.latitude, longitude=payload.longitude,
        occurred_at=payload.occurred_at, people_involved=payload.people_involved,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        contact_email=payload.contact_email, anonymous=payload.anonymous,
        confidential=payload.confidential, idempotency_key=idempotency_key)
    if intake.created:
        return Status(201, present.created(intake.complaint))
    response["Idempotent-Replayed"] = "true"
    return Status(200, present.created(intake.complaint))


def _estate(user: Any, code: str) -> Estate:
    # Residents file about the estates they live in; staff reach is the service's check.
    if access.role_of(user) == RESIDENT:
        estate = estates_in_reach(user).filter(code=code).first()
    else:
        estate = active_estates.get(code)
    if estate is None:
        raise InvalidInput(_("Unknown estate “%(value)s”."), errors={"estate": [code]},
                           value=code)
    return estate


def _channel(user: Any, payload: ComplaintCreateIn) -> str:
    if access.role_of(user) != RESIDENT:
        return payload.channel.value
    if "channel" in payload.model_fields_set and payload.channel != Channel.API:
        raise InvalidInput(_("Residents' complaints through the API have the channel “api”."),
                           errors={"channel": [payload.channel.value]})
    return Channel.API.value


def _category(code: str | None) -> Category | None:
    if code is None:
        return None
    category = categories.get(code)
    if category is None:
        raise InvalidInput(_("Unknown category “%(value)s”."), errors={"category": [code]},
                           value=code)
    return category


def _by_id(qs: Any, pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    try:
        return qs.get(pk=pk)
    except ObjectDoesNotExist:
        raise InvalidInput(_("No such place: %(value)s."), errors={field: [str(pk)]},
                           value=pk) from None


# --------------------------------------------------------------------------- read


class ComplaintFilters(Schema):
    status: ComplaintStatus | None = None
    estate: str | None = Field(None, max_length=40, description="Estate code.")
    category: str | None = Field(None, max_length=40, description="Category code.")
    urgency: Urgency | None = None
    channel: Channel | None = None
    escalated: bool | None = None
    q: str | None = Field(None, max_length=100,
                          description="Number, phone, room number or words of the text.")
    created_after: datetime | None = Field(
        None, description="Date or date-time; local time when it has no offset.")
    created_before: datetime | None = Field(
        None, description="Date or date-time; local time when it has no offset.")
    limit: int = Field(20, ge=1, le=100)
    # Bounded: the databases take at most a 64-bit OFFSET (a larger one was a 500).
    offset: int = Field(0, ge=0, le=1_000_000_000)

    _dates = field_validator("created_after", "created_before")(sane_datetime)


@router.get("", response={200: ComplaintPage, **errors(401, 422)},
            operation_id="complaints_list", summary="List complaints, newest first",
            description="Only complaints within the caller's reach. Paginated with limit/offset; "
                        "`count` is the number matching the filters, counted up to 1,000: "
                        "`count_exact` is false when there are more.")
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> Any:
    qs = selectors.search(
        access.visible_complaints(request.auth),  # type: ignore[attr-defined]
        text=filters.q or "", status=filters.status or "", estate=filters.estate or "",
        category=filters.category or "", urgency=filters.urgency or "",
        channel=filters.channel or "", escalated=filters.escalated)
    if filters.created_after is not None:
        qs = qs.filter(created_at__gte=_aware(filters.created_after))
    if filters.created_before is not None:
        qs = qs.filter(created_at__lt=_aware(filters.created_before))
    page = qs.select_related(*present.LIST_RELATED).order_by("-created_at", "-id")
    page = page[filters.offset:filters.offset + filters.limit]
    count, exact = selectors.capped_count(qs)
    return {"count": count, "count_exact": exact, "limit": filters.limit, "offset": filters.offset,
            "items": [present.list_item(c) for c in page]}


def _aware(value: datetime) -> datetime:
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _detail_qs(user: Any) -> QuerySet[Complaint]:
    return (access.visible_complaints(user).select_related(*present.DETAIL_RELATED)
            .prefetch_related(*present.DETAIL_PREFETCH))


def _detail(user: Any, number: str) -> dict[str, Any]:
    complaint = _detail_qs(user).filter(number=number).first()
    if complaint is None:
        raise NotFound()
    return present.detail(complaint, user)


def _visible_id(user: Any, number: str) -> int:
    pk = access.visible_complaints(user).filter(number=number).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound()
    return pk


@router.get("/{number}", response={200: ComplaintDetail, **errors(401, 404)},
            operation_id="complaints_get", summary="One complaint with its timeline",
            description="Includes the events, attachments, supervisions, the actions the caller "
                        "may take now, and `version` for optimistic concurrency.")
def get_complaint(request: HttpRequest, number: str) -> Any:
    return _detail(request.auth, number)  # type: ignore[attr-defined]


@router.post("/{number}/reveal", response={200: Complainant, **errors(400, 401, 403, 404, 422)},
             operation_id="complaints_reveal", summary="The complainant's contact details in full",
             description="Staff see names and phone numbers masked. Roles that contact the "
                         "complainant may ask for them in full, with a reason; every reveal is "
                         "written to the audit log (`pii.reveal`).")
def reveal_contact(request: HttpRequest, number: str, payload: RevealIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    complaint = access.get_visible(user, number=number)
    disclosure.reveal(user, complaint, reason=payload.reason, note=payload.note, request=request)
    return present.complainant(complaint, user, revealed=True) or {
        "name": "", "phone": "", "email": "", "masked": False, "can_reveal": False}


# --------------------------------------------------------------------------- change


@router.post(
    "/{number}/actions/{action}", response={200: ComplaintDetail, **errors(400, 401, 403, 404, 409, 422)},
    operation_id="complaints_act", summary="Take an action (a lifecycle transition)",
    description="`action` is one of the actions below (anju/complaints/transitions.py), "
                "each with the body fields it takes (* required); a field the action does not "
                "take is refused. Send `version` to get a 409 `conflict` instead of "
                "overwriting someone else's change.\n\n" + actions.describe())
def perform_action(request: HttpRequest, number: str, action: str,
                   payload: ActionIn | None = None) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    kwargs = actions.arguments(action, payload)
    complaint_id = _visible_id(user, number)
    actions.service(action)(actor=user, complaint_id=complaint_id, **kwargs)
    return _detail(user, number)


@router.post("/{number}/notes", response={201: ComplaintDetail, **errors(400, 401, 403, 404, 409, 422)},
             operation_id="complaints_add_note", summary="Add a progress note")
def add_note(request: HttpRequest, number: str, payload: NoteIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    services.complaint_add_note(actor=user, complaint_id=_visible_id(user, number),
                                note=payload.note, version=payload.version)
    return Status(201, _detail(user, number))


@router.post("/{number}/attachments",
             response={201: ComplaintDetail, **errors(400, 401, 403, 404, 409, 413, 422)},
             operation_id="complaints_upload", summary="Attach photos or files",
             description="multipart/form-data with one or more `file` parts (photos, PDF, video, "
                         "voice) and an optional `note`. The type is checked from the content.")
def upload(request: HttpRequest, number: str, file: File[list[UploadedFile]],
           note: Form[str] = "", version: Form[int | None] = None) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    complaint_id = _visible_id(user, number)
    try:
        services.complaint_add_note(actor=user, complaint_id=complaint_id, note=note, files=file,
                                    version=version)
    except InvalidInput as error:
        if not error.errors:  # the upload checks name no field; it is always `file`
            error.errors = {"file": [error.code]}
        raise
    return Status(201, _detail(user, number))
