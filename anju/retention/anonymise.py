"""Anonymising one complaint whose retention period is over.

What identifies the complainant goes: contact name, phone and e-mail, the free address,
the people involved, the link to the resident and their room, the coordinates, their
satisfaction comment, what they wrote on the trail, their files, and the recipients of
the messages sent to them. Phone numbers, ID numbers, e-mail addresses and the
complainant's name are masked in the remaining free text (description, plan, result,
notes, supervision reasons, message bodies). What the statistics need stays: estate,
building, facility, category, urgency, department, handler, status, every date and
duration, the satisfaction score, the counts of events and files.

This is the one deliberate exception to the append-only trail: the events stay, their
personal content does not. Each anonymised complaint gets a ``retention.anonymised``
event, which is how later runs know it is done (no extra column on complaints).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from anju.complaints.events import Event
from anju.complaints.models import FINAL_STATUSES, Complaint, ComplaintEvent, Supervision
from anju.complaints.services import record_event
from anju.notify.models import Message
from anju.retention.redact import redact, redact_data
from anju.visits.models import SurveyResponse, VisitAttempt

RETENTION_EVENT = Event.ANONYMISED
# Emptied outright: they identify the complainant and carry no statistic.
CLEARED = {
    "contact_name": "", "contact_phone": "", "contact_email": "", "address": "",
    "people_involved": "", "satisfaction_comment": "", "resident": None, "room": None,
    "latitude": None, "longitude": None,
}
# Free text that explains the case: kept, with personal data masked.
REDACTED = ("title", "description", "plan", "result", "scope_reason", "referral_advice")


@dataclass(frozen=True)
class Outcome:
    estate_id: int
    attachments: int
    messages: int


def due_complaints(*, cutoff: datetime) -> QuerySet[Complaint]:
    """Finished complaints (closed, withdrawn, referred out, merged) that ended before
    ``cutoff`` and are not anonymised yet. A complaint without ``closed_at`` (imported)
    counts from its last change."""
    done = ComplaintEvent.objects.filter(complaint=OuterRef("pk"), action=RETENTION_EVENT)
    return (Complaint.objects.filter(status__in=FINAL_STATUSES)
            .alias(ended_at=Coalesce("closed_at", "updated_at"))
            .filter(ended_at__lt=cutoff).exclude(Exists(done)))


def complaint_anonymise(*, complaint_id: int, cutoff: datetime, now: datetime) -> Outcome | None:
    """Anonymise one complaint if it is still due; None when it is not (any more).

    Runs in its own transaction with the complaint locked, so two runs at once
    anonymise it once. Its files are deleted from storage inside the transaction: if
    the commit fails the complaint stays due and the next run finishes the job.
    """
    with transaction.atomic():
        complaint = (due_complaints(cutoff=cutoff).select_for_update(of=("self",))
                     .select_related("resident__user").filter(pk=complaint_id).first())
        if complaint is None:
            return None
        people = _complainant_users(complaint)
        names = _names(complaint, people)
        events = _scrub_events(complaint, people, names)
        _scrub_supervisions(complaint, names)
        files = _remove_files(complaint, people)
        messages = _scrub_messages(complaint, people, names)
        _scrub_visits(complaint, names)
        cleared = _scrub_complaint(complaint, people, names, now)
        record_event(complaint, actor=None, action=RETENTION_EVENT, now=now,
                     data={"cleared": cleared, "events": events, "attachments": files,
                           "messages": messages})
    return Outcome(complaint.estate_id, files, messages)


def _complainant_users(complaint: Complaint) -> set[int]:
    """Sign-in accounts of the complainant: the resident's, and any non-staff author on
    the trail (the access policy lets residents act only on their own complaints)."""
    ids = set(complaint.events.filter(actor__isnull=False, actor__staff__isnull=True)
              .values_list("actor_id", flat=True))
    if complaint.resident is not None and complaint.resident.user_id:
        ids.add(complaint.resident.user_id)
    if complaint.created_by_id and not hasattr(complaint.created_by, "staff"):
        ids.add(complaint.created_by_id)
    return ids


def _names(complaint: Complaint, people: set[int]) -> list[str]:
    names = [complaint.contact_name]
    if complaint.resident is not None:
        names += [complaint.resident.name, complaint.resident.phone]
        if complaint.resident.user is not None:
            names.append(complaint.resident.user.name)
    names.append(complaint.contact_phone)
    names += complaint.events.filter(actor_id__in=people).values_list("actor_label", flat=True)
    return [n for n in names if n]


def _complainant_label() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Complainant")


def _scrub_events(complaint: Complaint, people: set[int], names: list[str]) -> int:
    label = _complainant_label()
    changed = []
    for event in complaint.events.all():
        by_complainant = event.actor_id in people
        note = "" if by_complainant else redact(event.note, names)
        data = redact_data(event.data, names)
        if by_complainant or note != event.note or data != event.data:
            event.note, event.data = note, data
            if by_complainant:
                event.actor, event.actor_label = None, label
            changed.append(event)
    ComplaintEvent.objects.bulk_update(changed, ["note", "data", "actor", "actor_label"])
    return len(changed)


def _scrub_supervisions(complaint: Complaint, names: list[str]) -> None:
    changed = []
    for supervision in complaint.supervisions.all():
        # A "dissatisfied" supervision quotes the complainant's comment.
        reason = "" if supervision.level == "dissatisfied" else redact(supervision.reason, names)
        if reason != supervision.reason:
            supervision.reason = reason
            changed.append(supervision)
    Supervision.objects.bulk_update(changed, ["reason"])


def _remove_files(complaint: Complaint, people: set[int]) -> int:
    removed = 0
    for attachment in complaint.attachments.exclude(file=""):
        attachment.file.delete(save=False)  # a file already missing is not an error
        attachment.original_name = ""
        if attachment.uploaded_by_id in people:
            attachment.uploaded_by = None
        attachment.save(update_fields=["file", "original_name", "uploaded_by"])
        removed += 1
    return removed


def _scrub_messages(complaint: Complaint, people: set[int], names: list[str]) -> int:
    changed = []
    for message in Message.objects.filter(complaint=complaint):
        message.recipient = ""
        message.subject = redact(message.subject, names)
        message.body = redact(message.body, names)
        if message.user_id in people:  # an in-app message to the complainant's account
            message.user = None
        changed.append(message)
    Message.objects.bulk_update(changed, ["recipient", "subject", "body", "user"])
    return len(changed)


def _scrub_visits(complaint: Complaint, names: list[str]) -> None:
    """The survey's free comment is the complainant's own words: cleared (the scores stay
    for the statistics). Agents' call notes are redacted like the trail."""
    SurveyResponse.objects.filter(complaint=complaint).exclude(comment="").update(comment="")
    changed = []
    for attempt in VisitAttempt.objects.filter(visit__complaint=complaint).exclude(note=""):
        note = redact(attempt.note, names)
        if note != attempt.note:
            attempt.note = note
            changed.append(attempt)
    VisitAttempt.objects.bulk_update(changed, ["note"])


def _scrub_complaint(complaint: Complaint, people: set[int], names: list[str],
                     now: datetime) -> list[str]:
    fields = []
    for field, empty in CLEARED.items():
        attribute = f"{field}_id" if field in ("resident", "room") else field
        if getattr(complaint, attribute) not in ("", None):
            fields.append(field)
        setattr(complaint, field, empty)
    for field in REDACTED:
        value: Any = getattr(complaint, field)
        masked = redact(value, names)
        if masked != value:
            setattr(complaint, field, masked)
            fields.append(field)
    if complaint.created_by_id in people:
        complaint.created_by = None
        fields.append("created_by")
    complaint.version += 1
    complaint.updated_at = now
    # A full save (the row is locked): columns derived from the cleared ones, such as a
    # blind index of the phone number, are recomputed by their fields, whatever they are.
    complaint.save()
    return fields
