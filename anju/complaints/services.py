"""Every write to a complaint. Console, portal, API, imports and the demo call these.

Each transition has one shape (``_transition``): lock the row through the caller's
access policy, guard the version and the transition table, change the fields,
``save(update_fields=…)``, append an event, queue what the complainant is told, and
run side effects after commit. Callers may rely on:

* a returned complaint reflects the committed state;
* a refused action raises a ``DomainError`` and changes nothing;
* passing ``version`` (the one the user saw) turns a lost update into ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from anju.complaints import access, filestore, hooks, numbering, transitions
from anju.complaints.events import Event
from anju.complaints.models import (
    FINAL_STATUSES,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    RatingReason,
    RatingSource,
    RootCause,
    Status,
    Supervision,
    Urgency,
)
from anju.complaints.reference import categories
from anju.complaints.transitions import RESIDENT, performs, target_status
from anju.estates.models import Building, Estate, Facility, Resident, Room
from anju.lib import phones
from anju.lib.errors import Conflict, InvalidInput, NotAllowed, NotFound
from anju.staff import policy
from anju.staff.models import Department

MAX_TEXT = 5000
CLOCK_SKEW = timedelta(minutes=10)


# --------------------------------------------------------------------------- intake


@dataclass(frozen=True)
class Intake:
    complaint: Complaint
    created: bool  # False when an Idempotency-Key replayed an earlier create


def _require_text(value: str, field: str, label: Any, *, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("Please fill in: %(field)s."), errors={field: [str(label)]},
                           field=label)
    if len(value) > limit:
        raise InvalidInput(_("“%(field)s” is too long (at most %(limit)s characters)."),
                           errors={field: [str(label)]}, field=label, limit=limit)
    return value


def _check_place(estate: Estate, room: Room | None, building: Building | None,
                 facility: Facility | None) -> Building | None:
    if room is not None:
        if room.unit.building.estate_id != estate.pk:
            raise InvalidInput(_("The room is not in this estate."), errors={"room": ["estate"]})
        building = room.unit.building
    if building is not None and building.estate_id != estate.pk:
        raise InvalidInput(_("The building is not in this estate."), errors={"building": ["estate"]})
    if facility is not None and facility.estate_id != estate.pk:
        raise InvalidInput(_("The facility is not in this estate."), errors={"facility": ["estate"]})
    return building


def _check_intake_actor(actor: Any, estate: Estate, resident: Resident | None,
                        room: Room | None) -> Resident | None:
    role = access.role_of(actor)
    if role == RESIDENT:
        own = actor.resident
        if resident is not None and resident.pk != own.pk:
            raise NotAllowed()
        if room is not None and not own.rooms.filter(pk=room.pk).exists():
            raise InvalidInput(_("Please choose one of your own rooms."), errors={"room": ["own"]})
        if room is None and not own.rooms.filter(unit__building__estate=estate).exists():
            # Residents complain about the estates they live in; the room check covers it
            # when a room is given.
            raise NotAllowed(_("This estate is outside your reach."))
        return own
    if not access.may_record(actor):
        raise NotAllowed(_("Handlers do not record complaints: please pass it to the service desk."))
    staff = actor.staff
    if not staff.reaches(estate.pk):
        raise NotAllowed(_("This estate is outside your reach."))
    return resident


def complaint_create(
    *,
    actor: Any,
    channel: str,
    estate: Estate,
    description: str,
    title: str = "",
    resident: Resident | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    room: Room | None = None,
    building: Building | None = None,
    facility: Facility | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    occurred_at: datetime | None = None,
    people_involved: str = "",
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    files: Iterable[Any] = (),
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Intake:
    """Record a new complaint (受理), issue its number and tell the complainant.

    With ``idempotency_key`` a repeated call by the same actor returns the first
    complaint (``created=False``) instead of recording a second one.
    """
    now = now or timezone.now()
    if idempotency_key:
        earlier = Complaint.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return Intake(earlier, created=False)

    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), errors={"channel": [channel]})
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), errors={"urgency": [urgency]})
    description = _require_text(description, "description", _("description"))
    resident = _check_intake_actor(actor, estate, resident, room)
    building = _check_place(estate, room, building, facility)
    contact_phone = phones.normalise(contact_phone)
    if contact_phone and not phones.is_valid(contact_phone):
        raise InvalidInput(_("“%(phone)s” is not a valid phone number."),
                           errors={"contact_phone": [contact_phone]}, phone=contact_phone)
    if occurred_at is not None and occurred_at.year < 1900:  # year 1 overflowed the DB write (a 500)
        raise InvalidInput(_("Enter a date between the years %(first)s and %(last)s."),
                           errors={"occurred_at": ["past"]}, first=1900, last=2999)
    if occurred_at is not None and occurred_at > now + CLOCK_SKEW:
        raise InvalidInput(_("The time it happened cannot be in the future."),
                           errors={"occurred_at": ["future"]})
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer used."), errors={"category": [category.code]})
    checked = filestore.check(Attachment.Kind.INTAKE, files)

    complaint = Complaint(
        number=numbering.next_number(now), channel=channel, estate=estate, resident=resident,
        contact_name=contact_name.strip()[:100], contact_phone=contact_phone,
        contact_email=contact_email.strip(), anonymous=anonymous, confidential=confidential,
        room=room, building=building, facility=facility, address=address.strip()[:300],
        latitude=latitude, longitude=longitude, occurred_at=occurred_at,
        people_involved=people_involved.strip()[:300], title=title.strip()[:200],
        description=description, category=category, urgency=urgency, created_by=actor,
        idempotency_key=idempotency_key or None, created_at=now, updated_at=now,
    )
    # The apps above the core prepare the new complaint (no query): the triage rules raise
    # the urgency at once on danger words, the SLA app stamps the due columns.
    received: dict[str, Any] = {"channel": channel}
    hooks.run_before_intake(complaint, received)
    try:
        # Photos are re-encoded and files written before the transaction; if it rolls
        # back (the IntegrityError of a lost idempotent race too), they are deleted.
        with filestore.staging(checked) as staged, transaction.atomic():
            complaint.save(force_insert=True)
            _attach(complaint, staged, actor=actor)
            event = _append_event(complaint, actor=actor, action=Event.RECEIVED,
                                  to_status=Status.RECEIVED, data=received, now=now)
            hooks.run_after_events([hooks.Change(complaint, event)])
    except IntegrityError:
        if idempotency_key:  # a concurrent retry with the same key won the race
            earlier = Complaint.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
            if earlier is not None:
                return Intake(earlier, created=False)
        raise
    return Intake(complaint, created=True)


def _attach(complaint: Complaint, staged: filestore.Staging, *, actor: Any) -> list[Attachment]:
    """The rows of files already prepared and stored (``filestore.staging``); inside the
    change's transaction, which must commit for the files to be kept."""
    attachments = []
    for stored in staged.files:
        attachment = Attachment(complaint=complaint, kind=stored.kind, file=stored.name,
                                content_type=stored.content_type, size=stored.size,
                                original_name=stored.display_name,
                                uploaded_by=actor if getattr(actor, "pk", None) else None)
        attachment.save()
        attachments.append(attachment)
    staged.keep()
    return attachments


def _append_event(complaint: Complaint, *, actor: Any, action: Event, from_status: str = "",
                  to_status: str = "", note: str = "", data: dict | None = None,
                  now: datetime) -> ComplaintEvent:
    return ComplaintEvent.objects.create(**_event_fields(
        complaint, actor=actor, action=action, from_status=from_status, to_status=to_status,
        note=note, data=data, now=now))


def _event_fields(complaint: Complaint | int, *, actor: Any, action: Event, from_status: str = "",
                  to_status: str = "", note: str = "", data: dict | None = None,
                  now: datetime) -> dict[str, Any]:
    has_user = getattr(actor, "pk", None) is not None
    return {"complaint_id": complaint if isinstance(complaint, int) else complaint.pk,
            "action": Event(action).value, "actor": actor if has_user else None,
            "actor_label": (actor.display_name if has_user else "system")[:100],
            "from_status": from_status, "to_status": to_status, "note": note, "data": data or {},
            "created_at": now}


def record_event(complaint: Complaint, *, actor: Any, action: Event, note: str = "",
                 data: dict | None = None, now: datetime | None = None) -> ComplaintEvent:
    """Append an event that is not a transition (the status stays) and run the hooks.

    For changes made by the apps above the core in their own transaction with the
    complaint locked (the retention run's ``retention.anonymised``). The complainant is
    not told.
    """
    event = _append_event(complaint, actor=actor, action=action, from_status=complaint.status,
                          to_status=complaint.status, note=note, data=data,
                          now=now or timezone.now())
    hooks.run_after_events([hooks.Change(complaint, event, tell=False)])
    return event


# --------------------------------------------------------------------------- transitions

# Each action's service registers itself with ``@performs`` (``transitions.performs``);
# interfaces that take an action code find it with ``transitions.service(action)``.

Changes = Callable[[Complaint, datetime], list[str]]


def _transition(*, actor: Any, complaint_id: int, action: str, version: int | None = None,
                note: str = "", data: dict | None = None, changes: Changes | None = None,
                files: Iterable[Any] = (), file_kind: str = Attachment.Kind.NOTE,
                checked_files: Sequence[filestore.Checked] = (),
                tell: bool = True, extra: dict[str, Any] | None = None,
                now: datetime | None = None) -> Complaint:
    now = now or timezone.now()
    # Files of other kinds already checked by the caller (resolve's before photos) come first.
    checked = [*checked_files, *filestore.check(file_kind, files)]
    # Photos are re-encoded and files written before the transaction (no lock is held
    # meanwhile); a rollback — Conflict, IllegalTransition, a failing hook — deletes them.
    with filestore.staging(checked) as staged, transaction.atomic():
        try:
            complaint = (access.visible_complaints(actor).select_related("resident")
                         .select_for_update(of=("self",)).get(pk=complaint_id))
        except (Complaint.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        if version is not None and complaint.version != version:
            raise Conflict()
        transition = access.check_action(actor, complaint, action)
        from_status = complaint.status
        to_status = target_status(transition, current=from_status,
                                  before_hold=complaint.status_before_hold)
        fields = changes(complaint, now) if changes else []
        complaint.status = to_status
        complaint.version += 1
        complaint.updated_at = now
        complaint.save(update_fields=[*fields, "status", "version", "updated_at"])
        _attach(complaint, staged, actor=actor)
        event = _append_event(complaint, actor=actor, action=transition.event, from_status=from_status,
                              to_status=complaint.status, note=note, data=data, now=now)
        # SLA deadlines, the complainant's message, the audit entry, the subscribers' deliveries.
        hooks.run_after_events([hooks.Change(complaint, event, tell=tell, extra=extra or {})])
    return complaint


def _category(code_or_obj: Category | str | None) -> Category | None:
    if code_or_obj is None or isinstance(code_or_obj, Category):
        return code_or_obj
    category = categories.get(code_or_obj)
    if category is None or not category.is_active:
        raise InvalidInput(_("Unknown category “%(value)s”."), errors={"category": [code_or_obj]},
                           value=code_or_obj)
    return category


def _classify(complaint: Complaint, category: Category | str | None, urgency: str | None) -> list[str]:
    fields = []
    category_obj = _category(category)
    if category_obj is not None and category_obj.pk != complaint.category_id:
        complaint.category = category_obj
        fields.append("category")
    if urgency:
        if urgency not in Urgency.values:
            raise InvalidInput(_("Unknown urgency."), errors={"urgency": [urgency]})
        if urgency != complaint.urgency:
            complaint.urgency = urgency
            fields.append("urgency")
    return fields


@performs("verify")
def complaint_verify(*, actor: Any, complaint_id: int, note: str = "",
                     category: Category | str | None = None, urgency: str | None = None,
                     version: int | None = None, now: datetime | None = None) -> Complaint:
    """Confirm the complaint is within property-service scope (核实)."""

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.in_scope = True
        c.scope_reason = note.strip()[:300]
        return ["in_scope", "scope_reason", *_classify(c, category, urgency)]

    return _transition(actor=actor, complaint_id=complaint_id, action="verify", version=version,
                       note=note, changes=changes, now=now)


@performs("refer_out")
def complaint_refer_out(*, actor: Any, complaint_id: int, reason: str, advice: str,
                        version: int | None = None, now: datetime | None = None) -> Complaint:
    """Decline as outside property services (不予受理/转介), saying where to go instead."""
    reason = _require_text(reason, "reason", _("reason"), limit=300)
    advice = _require_text(advice, "advice", _("where to go instead"), limit=300)

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.in_scope = False
        c.scope_reason, c.referral_advice = reason, advice
        c.first_feedback_at = c.first_feedback_at or now
        c.closed_at = now
        return ["in_scope", "scope_reason", "referral_advice", "first_feedback_at", "closed_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="refer_out", version=version,
                       note=reason, data={"advice": advice}, changes=changes, now=now)


def _check_handler(complaint: Complaint, department: Department, handler: Any) -> None:
    if handler is None:
        return
    staff = getattr(handler, "staff", None)
    if staff is None or staff.role not in policy.ASSIGNEES or not handler.is_active:
        raise InvalidInput(_("%(name)s cannot handle complaints."), errors={"handler": ["role"]},
                           name=str(handler))
    if complaint.confidential and staff.role not in access.CONFIDENTIAL_ROLES:
        # They could not even open it (anju/complaints/access.py): dispatch it to the
        # department without a handler, for the quality department to follow.
        raise InvalidInput(_("%(name)s cannot see confidential complaints; leave the handler "
                             "empty."), errors={"handler": ["confidential"]}, name=str(handler))
    if not staff.departments.filter(pk=department.pk).exists():
        raise InvalidInput(_("%(name)s does not work in %(department)s."),
                           errors={"handler": ["department"]}, name=str(handler),
                           department=str(department))
    if not staff.reaches(complaint.estate_id):
        raise InvalidInput(_("%(name)s does not work at this estate."),
                           errors={"handler": ["estate"]}, name=str(handler))


def _dispatch(action: str, *, actor: Any, complaint_id: int, department: Department,
              plan: str, handler: Any = None, category: Category | str | None = None,
              urgency: str | None = None, version: int | None = None,
              now: datetime | None = None) -> Complaint:
    plan = _require_text(plan, "plan", _("handling plan"))
    if department is None or not department.is_active:
        raise InvalidInput(_("Please choose a department."), errors={"department": ["required"]})

    def changes(c: Complaint, now: datetime) -> list[str]:
        _check_handler(c, department, handler)
        c.department, c.handler, c.plan = department, handler, plan
        c.assigned_at = now
        c.first_feedback_at = c.first_feedback_at or now
        fields = ["department", "handler", "plan", "assigned_at", "first_feedback_at"]
        if c.in_scope is None:
            c.in_scope = True
            fields.append("in_scope")
        return fields + _classify(c, category, urgency)

    data = {"department": department.code, "handler": getattr(handler, "pk", None)}
    return _transition(actor=actor, complaint_id=complaint_id, action=action, version=version,
                       note=plan, data=data, changes=changes, now=now)


@performs("assign")
def complaint_assign(**kwargs: Any) -> Complaint:
    """Dispatch (派单) to a department and optionally a handler, with a plan the complainant is told."""
    return _dispatch("assign", **kwargs)


@performs("reassign")
def complaint_reassign(**kwargs: Any) -> Complaint:
    """Move an assigned or in-progress complaint to another department or handler."""
    return _dispatch("reassign", **kwargs)


@performs("accept")
def complaint_accept(*, actor: Any, complaint_id: int, note: str = "", version: int | None = None,
                     now: datetime | None = None) -> Complaint:
    """The handler signs for the complaint (签收); an unassigned one becomes theirs."""

    def changes(c: Complaint, now: datetime) -> list[str]:
        if c.handler_id is None:
            c.handler = actor
            return ["handler"]
        return []

    return _transition(actor=actor, complaint_id=complaint_id, action="accept", version=version,
                       note=note, changes=changes, tell=False, now=now)


@performs("hold")
def complaint_hold(*, actor: Any, complaint_id: int, reason: str, version: int | None = None,
                   now: datetime | None = None) -> Complaint:
    """Pause: waiting on the resident or a third party. Deadline clocks stop meanwhile."""
    reason = _require_text(reason, "reason", _("reason"), limit=500)

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.status_before_hold = c.status
        c.hold_started_at = now
        return ["status_before_hold", "hold_started_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="hold", version=version,
                       note=reason, changes=changes, now=now)


@performs("resume")
def complaint_resume(*, actor: Any, complaint_id: int, note: str = "", version: int | None = None,
                     now: datetime | None = None) -> Complaint:
    """End a hold; the status returns to what it was and the held time is added up."""

    def changes(c: Complaint, now: datetime) -> list[str]:
        if c.hold_started_at is not None:
            c.held_seconds += max(int((now - c.hold_started_at).total_seconds()), 0)
        c.hold_started_at = None
        c.status_before_hold = ""
        return ["held_seconds", "hold_started_at", "status_before_hold"]

    return _transition(actor=actor, complaint_id=complaint_id, action="resume", version=version,
                       note=note, changes=changes, tell=False, now=now)


@performs("resolve")
def complaint_resolve(*, actor: Any, complaint_id: int, result: str, root_cause: str = "",
                      before_files: Iterable[Any] = (), after_files: Iterable[Any] = (),
                      version: int | None = None, now: datetime | None = None) -> Complaint:
    """Record the result (办结) with optional before/after photos; the complainant is asked to rate."""
    result = _require_text(result, "result", _("result"))
    if root_cause and root_cause not in RootCause.values:
        raise InvalidInput(_("Unknown root cause."), errors={"root_cause": [root_cause]})
    before = filestore.check(Attachment.Kind.BEFORE, before_files)

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.result, c.root_cause, c.resolved_at = result, root_cause, now
        return ["result", "root_cause", "resolved_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="resolve", version=version,
                       note=result, changes=changes, checked_files=before, files=after_files,
                       file_kind=Attachment.Kind.AFTER, now=now)


def is_dissatisfied(satisfaction: int, solved: bool | None) -> bool:
    """The one rule for reopening: two stars or fewer, or the resident says it is not solved."""
    return satisfaction <= 2 or solved is False


def rating_summary(satisfaction: int, solved: bool | None, reasons: Sequence[str], comment: str) -> str:
    """What a supervisor reads of a rating: stars, solved or not, the reasons, the comment —
    in the staff's language, whoever gave the rating."""
    labels = dict(RatingReason.choices)
    with translation.override(settings.LANGUAGE_CODE):
        parts = []
        if solved is False:
            parts.append(gettext("Not solved"))
        parts.append(ngettext("%(stars)d star", "%(stars)d stars", satisfaction) % {"stars": satisfaction})
        if reasons:
            parts.append(gettext("about: %(reasons)s") % {
                "reasons": gettext(", ").join(str(labels[r]) for r in reasons)})
        text = gettext("; ").join(parts)
        if not comment:
            return text
        return gettext("%(rating)s. %(comment)s") % {"rating": text, "comment": comment}


@performs("rate", "rate_reopen")
def complaint_rate(*, actor: Any, complaint_id: int, satisfaction: int, solved: bool | None = None,
                   reasons: Sequence[str] = (), comment: str = "", source: str = RatingSource.OTHER,
                   visit_id: int | None = None, version: int | None = None,
                   now: datetime | None = None) -> Complaint:
    """Record the satisfaction rating: THE rating service, whichever way it was given.

    Satisfied closes; dissatisfied (``is_dissatisfied``) reopens and escalates with a
    supervision that says why (``rating_summary``). The console, the API, the portal, the
    return-call screen and the signed survey link all call this with their ``source``; the
    return-visit app's hook (``anju.visits.hooks``) stores the survey answer with that
    source, finishes the open visit (``visit_id``, else the complaint's open one) and tells
    the supervisors of a dissatisfied rating — the same effects on every path.
    """
    if not isinstance(satisfaction, int) or isinstance(satisfaction, bool) or not 1 <= satisfaction <= 5:
        raise InvalidInput(_("Please give between one and five stars."),
                           errors={"satisfaction": ["range"]})
    reasons = list(dict.fromkeys(reasons or ()))
    unknown = [r for r in reasons if r not in RatingReason.values]
    if unknown:
        raise InvalidInput(_("Unknown reason “%(value)s”."), errors={"reasons": unknown},
                           value=unknown[0])
    if source not in RatingSource.values:
        raise InvalidInput(_("Unknown source of the rating."), errors={"source": [source]})
    comment = (comment or "").strip()[:MAX_TEXT]
    reopen = is_dissatisfied(satisfaction, solved)

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.satisfaction, c.solved, c.satisfaction_comment = satisfaction, solved, comment
        fields = ["satisfaction", "solved", "satisfaction_comment"]
        if reopen:
            c.reopen_count += 1
            c.escalated = True
            c.resolved_at = None
            Supervision.objects.create(complaint=c, by=None, level="dissatisfied",
                                       reason=rating_summary(satisfaction, solved, reasons, comment),
                                       created_at=now)
            return [*fields, "reopen_count", "escalated", "resolved_at"]
        c.closed_at = now
        return [*fields, "closed_at"]

    data = {"satisfaction": satisfaction, "solved": solved, "reasons": reasons, "source": source}
    return _transition(actor=actor, complaint_id=complaint_id,
                       action="rate_reopen" if reopen else "rate", version=version, note=comment,
                       data=data, changes=changes, extra={"visit_id": visit_id}, now=now)


@performs("close_unreachable")
def complaint_close_unreachable(*, actor: Any, complaint_id: int, note: str = "",
                                version: int | None = None, now: datetime | None = None) -> Complaint:
    """Close a resolved complaint whose complainant could not be reached for the return visit."""

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.closed_at = now
        return ["closed_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="close_unreachable",
                       version=version, note=note, changes=changes, now=now)


@performs("reopen")
def complaint_reopen(*, actor: Any, complaint_id: int, reason: str, version: int | None = None,
                     now: datetime | None = None) -> Complaint:
    """Reopen a closed complaint (the problem came back); it returns to its handler."""
    reason = _require_text(reason, "reason", _("reason"), limit=500)

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.reopen_count += 1
        c.closed_at = None
        c.resolved_at = None
        return ["reopen_count", "closed_at", "resolved_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="reopen", version=version,
                       note=reason, changes=changes, now=now)


@performs("withdraw")
def complaint_withdraw(*, actor: Any, complaint_id: int, reason: str = "",
                       version: int | None = None, now: datetime | None = None) -> Complaint:
    """The complainant withdraws (撤诉)."""

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.closed_at = now
        return ["closed_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="withdraw", version=version,
                       note=(reason or "").strip()[:500], changes=changes, tell=False, now=now)


@performs("merge")
def complaint_merge(*, actor: Any, complaint_id: int, into_number: str, note: str = "",
                    version: int | None = None, now: datetime | None = None) -> Complaint:
    """Merge a duplicate into another open complaint the actor can see."""
    target = access.visible_complaints(actor).filter(number=(into_number or "").strip()).first()
    if target is None:
        raise InvalidInput(_("No complaint %(number)s that you can see."),
                           errors={"into_number": [into_number]}, number=into_number)
    if target.pk == complaint_id or target.status in FINAL_STATUSES:
        raise InvalidInput(_("A complaint can only be merged into another open complaint."),
                           errors={"into_number": [into_number]})

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.merged_into = target
        c.closed_at = now
        return ["merged_into", "closed_at"]

    return _transition(actor=actor, complaint_id=complaint_id, action="merge", version=version,
                       note=note, data={"into": target.number}, changes=changes, now=now)


@performs("escalate")
def complaint_escalate(*, actor: Any, complaint_id: int, reason: str, version: int | None = None,
                       now: datetime | None = None) -> Complaint:
    """Supervise (督办): flag the complaint and record who pushed it and why."""
    reason = _require_text(reason, "reason", _("reason"), limit=1000)

    def changes(c: Complaint, now: datetime) -> list[str]:
        c.escalated = True
        Supervision.objects.create(complaint=c, by=actor, level=actor.staff.role, reason=reason,
                                   created_at=now)
        return ["escalated"]

    return _transition(actor=actor, complaint_id=complaint_id, action="escalate", version=version,
                       note=reason, changes=changes, now=now)


@dataclass(frozen=True)
class LadderStep:
    """One step of the deadline ladder (``anju.sla.sweep``): who is now supervising and why."""

    complaint_id: int
    level: str  # "supervisor", "manager", "quality"
    reason: str
    data: dict[str, Any]


def complaints_supervise_by_ladder(steps: Sequence[LadderStep], *, now: datetime) -> list[Complaint]:
    """督办 by the deadline ladder: the ``escalate`` transition for many complaints at once.

    The same change as ``complaint_escalate``, done set-based for the sweep: the rows are
    locked, ``escalated`` is set and the version bumped once per complaint, a
    ``Supervision`` and a ``complaint.escalate`` event (``data["source"] == "ladder"``) are
    written per step, and the in-transaction hooks run for all of them together (audit
    entries, subscribers' deliveries). The actor is the system: no access check. Steps of
    complaints that are no longer open are skipped. Returns the complaints supervised.
    """
    if not steps:
        return []
    sources = transitions.TABLE["escalate"].sources
    with transaction.atomic():
        ids = sorted({step.complaint_id for step in steps})
        complaints = {c.pk: c for c in (Complaint.objects.select_for_update(of=("self",))
                                        .filter(pk__in=ids, status__in=sources))}
        if not complaints:
            return []
        Complaint.objects.filter(pk__in=list(complaints)).update(
            escalated=True, version=F("version") + 1, updated_at=now)
        for c in complaints.values():
            c.escalated, c.version, c.updated_at = True, c.version + 1, now
        taken = [step for step in steps if step.complaint_id in complaints]
        Supervision.objects.bulk_create(
            [Supervision(complaint_id=step.complaint_id, by=None, level=step.level,
                         reason=step.reason, created_at=now) for step in taken], batch_size=2000)
        events = ComplaintEvent.objects.bulk_create(
            [ComplaintEvent(**_event_fields(
                step.complaint_id, actor=None, action=Event.ESCALATE,
                from_status=complaints[step.complaint_id].status,
                to_status=complaints[step.complaint_id].status, note=step.reason,
                data={"source": "ladder", "level": step.level, **step.data}, now=now))
             for step in taken], batch_size=2000)
        hooks.run_after_events([hooks.Change(complaints[e.complaint_id], e, tell=False)
                                for e in events])
    return list(complaints.values())


@performs("note")
def complaint_add_note(*, actor: Any, complaint_id: int, note: str = "", files: Iterable[Any] = (),
                       version: int | None = None, now: datetime | None = None) -> Complaint:
    """A progress note, or more information from the resident, with optional files."""
    files = list(files)
    if not files:
        note = _require_text(note, "note", _("note"))
    return _transition(actor=actor, complaint_id=complaint_id, action="note", version=version,
                       note=(note or "").strip()[:MAX_TEXT], files=files, tell=False, now=now)


@performs("contact")
def complaint_record_contact(*, actor: Any, complaint_id: int, note: str,
                             version: int | None = None, now: datetime | None = None) -> Complaint:
    """Record that the complainant was given feedback (by phone, in person…)."""
    note = _require_text(note, "note", _("note"))

    def changes(c: Complaint, now: datetime) -> list[str]:
        if c.first_feedback_at is None:
            c.first_feedback_at = now
            return ["first_feedback_at"]
        return []

    return _transition(actor=actor, complaint_id=complaint_id, action="contact", version=version,
                       note=note, changes=changes, tell=False, now=now)


@performs("classify")
def complaint_classify(*, actor: Any, complaint_id: int, category: Category | str | None = None,
                       urgency: str | None = None, note: str = "", version: int | None = None,
                       now: datetime | None = None) -> Complaint:
    """Correct the category or urgency of an unresolved complaint."""
    before: dict[str, Any] = {}

    def changes(c: Complaint, now: datetime) -> list[str]:
        before.update(category=c.category.code if c.category else None, urgency=c.urgency)
        fields = _classify(c, category, urgency)
        if not fields:
            raise InvalidInput(_("Nothing to change."), errors={"category": ["unchanged"]})
        return fields

    code = category.code if isinstance(category, Category) else category
    return _transition(actor=actor, complaint_id=complaint_id, action="classify", version=version,
                       note=note, data={"category": code, "urgency": urgency, "before": before},
                       changes=changes, tell=False, now=now)

