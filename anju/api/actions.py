"""Which body fields each transition takes, and how they become service arguments.

The transition table (``anju.complaints.transitions``) says which actions exist and
who may take them; ``services.SERVICES`` says which function performs each. This
table only says, per action, which fields of ``ActionIn`` the service reads. A field
sent to an action that does not use it is refused rather than silently dropped.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.accounts.models import User
from anju.api.schemas import ActionIn
from anju.complaints import services, transitions
from anju.complaints.models import RatingSource
from anju.lib.errors import InvalidInput
from anju.staff.models import Department

DISPATCH = ("department", "handler", "plan", "category", "urgency")
RATING = ("satisfaction", "solved", "comment")
RATED = frozenset({"rate", "rate_reopen"})

FIELDS: dict[str, tuple[str, ...]] = {
    "verify": ("note", "category", "urgency"),
    "refer_out": ("reason", "advice"),
    "assign": DISPATCH,
    "reassign": DISPATCH,
    "accept": ("note",),
    "hold": ("reason",),
    "resume": ("note",),
    "resolve": ("result", "root_cause"),
    "rate": RATING,  # complaint_rate closes or reopens by the rating itself
    "rate_reopen": RATING,
    "close_unreachable": ("note",),
    "reopen": ("reason",),
    "withdraw": ("reason",),
    "merge": ("into_number", "note"),
    "escalate": ("reason",),
    "note": ("note",),
    "contact": ("note",),
    "classify": ("category", "urgency", "note"),
}
TEXT = frozenset({"note", "reason", "advice", "plan", "result", "comment", "into_number",
                  "root_cause"})


def arguments(action: str, payload: ActionIn | None) -> dict[str, Any]:
    """Keyword arguments for ``services.SERVICES[action]``, or InvalidInput."""
    transitions.get(action)  # unknown_action
    used = FIELDS[action]
    payload = payload or ActionIn.model_validate({})
    unused = sorted(payload.model_fields_set - set(used) - {"version"})
    if unused:
        raise InvalidInput(_("The action “%(action)s” does not use these fields."),
                           errors={name: ["unused"] for name in unused}, action=action)
    kwargs: dict[str, Any] = {"version": payload.version}
    for name in used:
        value = getattr(payload, name)
        if name in TEXT:
            # Required texts go to the service empty, so it names them in its error.
            value = "" if value is None else str(value)
        elif name == "department":
            value = _department(value)
        elif name == "handler":
            value = _handler(value)
        kwargs[name] = value
    if action in RATED:
        kwargs["source"] = RatingSource.API
    return kwargs


def service(action: str) -> Any:
    return services.SERVICES[action]


def _department(code: str | None) -> Department | None:
    if code is None:
        return None
    found = Department.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise InvalidInput(_("Unknown department “%(value)s”."), errors={"department": [code]},
                           value=code)
    return found


def _handler(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = User.objects.select_related("staff").filter(pk=user_id, is_active=True).first()
    if found is None:
        raise InvalidInput(_("Unknown handler %(value)s."), errors={"handler": [str(user_id)]},
                           value=user_id)
    return found
