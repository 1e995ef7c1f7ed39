"""Complaints as the API shows them: model rows in, plain dicts for the schemas out.

The querysets handed in must carry the related rows named in ``LIST_RELATED`` (and
the prefetches of ``DETAIL_PREFETCH`` for a detail), so presenting does not query - except
one check, for a merged complaint, that the caller may see the one it went into, and the
route suggestion of a complaint waiting for dispatch (``anju.routing.services.suggest``,
a read).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse

from anju.complaints import access, disclosure
from anju.complaints.models import Complaint, Supervision
from anju.complaints.transitions import BEFORE_WORK
from anju.routing.services import suggest

LIST_RELATED = ("estate", "category", "department", "handler")
DETAIL_RELATED = (*LIST_RELATED, "room__unit__building__estate", "building__estate", "facility__estate",
                  "resident", "merged_into")
DETAIL_PREFETCH = ("events", "attachments",
                   Prefetch("supervisions", queryset=Supervision.objects.select_related("by")))


@functools.cache
def _api_root() -> str:
    return reverse("api:api-root")


def complaint_url(number: str) -> str:
    return f"{_api_root()}complaints/{number}"


def created(c: Complaint) -> dict[str, Any]:
    return {"id": c.pk, "number": c.number, "status": c.status, "created_at": c.created_at,
            "url": complaint_url(c.number)}


def _ref(obj: Any) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


def list_item(c: Complaint) -> dict[str, Any]:
    handler = c.handler
    return {
        "id": c.pk, "number": c.number, "status": c.status, "status_label": c.get_status_display(),
        "title": c.title, "summary": c.summary, "estate": _ref(c.estate),
        "category": _ref(c.category), "urgency": c.urgency, "channel": c.channel,
        "escalated": c.escalated, "department": _ref(c.department),
        "handler": None if handler is None else {"id": handler.pk, "name": handler.display_name},
        "created_at": c.created_at, "updated_at": c.updated_at, "resolve_due_at": c.resolve_due_at,
        "version": c.version, "url": complaint_url(c.number),
    }


def complainant(c: Complaint, user: Any, *, revealed: bool = False) -> dict[str, Any] | None:
    """The complainant as ``user`` may see them (``anju.complaints.disclosure``): masked for
    staff unless revealed, and nothing at all when hidden or there is nothing to show."""
    view = disclosure.contact_view(user, c, revealed=revealed)
    if view.hidden or view.empty:
        return None
    return {"name": view.name, "phone": view.phone, "email": view.email, "masked": view.masked,
            "can_reveal": view.can_reveal}


def _merged_into(c: Complaint, user: Any) -> str | None:
    """The number of the complaint this one was merged into, when the caller may see it."""
    merged = c.merged_into
    if merged is None or not access.visible_complaints(user).filter(pk=merged.pk).exists():
        return None
    return merged.number


def _place(c: Complaint) -> dict[str, Any]:
    return {
        "room_id": c.room_id, "building_id": c.building_id, "facility_id": c.facility_id,
        "label": c.place, "address": c.address,
        "latitude": None if c.latitude is None else float(c.latitude),
        "longitude": None if c.longitude is None else float(c.longitude),
    }


def detail(c: Complaint, user: Any) -> dict[str, Any]:
    return {
        **list_item(c),
        "description": c.description, "place": _place(c), "occurred_at": c.occurred_at,
        "people_involved": c.people_involved, "complainant": complainant(c, user),
        "anonymous": c.anonymous, "confidential": c.confidential, "in_scope": c.in_scope,
        "scope_reason": c.scope_reason, "referral_advice": c.referral_advice, "plan": c.plan,
        "result": c.result, "root_cause": c.root_cause,
        "merged_into": _merged_into(c, user),
        "reopen_count": c.reopen_count, "satisfaction": c.satisfaction, "solved": c.solved,
        "satisfaction_comment": c.satisfaction_comment, "feedback_due_at": c.feedback_due_at,
        "visit_due_at": c.visit_due_at, "first_feedback_at": c.first_feedback_at,
        "assigned_at": c.assigned_at, "resolved_at": c.resolved_at, "closed_at": c.closed_at,
        "allowed_actions": [{"code": t.action, "label": str(t.label), "primary": t.primary}
                            for t in access.allowed_actions(user, c)],
        "route_suggestion": _route_suggestion(c, user),
        "events": [_event(e) for e in c.events.all()],
        "attachments": [_attachment(a) for a in c.attachments.all() if a.file],  # retention
        "supervisions": [{"by": s.by.display_name if s.by else "", "level": s.level,
                          "reason": s.reason, "created_at": s.created_at}
                         for s in c.supervisions.all()],
    }


def _route_suggestion(c: Complaint, user: Any) -> dict[str, Any] | None:
    """What the console's complaint page suggests, for staff, while the complaint waits for
    dispatch. Only read: nothing is stored when it is shown."""
    if c.status not in BEFORE_WORK or not access.is_staff_member(user):
        return None
    route = suggest(c)
    handler = route.handler
    return {"department": _ref(route.department),
            "handler": None if handler is None else {"id": handler.pk, "name": handler.display_name},
            "reasons": [str(r) for r in route.reasons], "text": route.text}


def _event(e: Any) -> dict[str, Any]:
    return {"id": e.pk, "action": e.action, "actor": e.actor_label, "from_status": e.from_status,
            "to_status": e.to_status, "note": e.note, "data": e.data, "created_at": e.created_at}


def _attachment(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "kind": a.kind, "name": a.original_name, "content_type": a.content_type,
            "size": a.size, "url": reverse("files:attachment", args=[a.pk]),
            "created_at": a.created_at}
