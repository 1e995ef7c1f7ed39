"""Writes of the triage app: make a complaint's suggestion, accept or correct it.

Accepting or correcting changes the complaint through ``complaint_classify``, so the
complaint's trail records who changed the category or urgency and that triage suggested it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.complaints import access
from anju.complaints.events import Event
from anju.complaints.models import Category, Complaint
from anju.complaints.services import complaint_classify
from anju.lib.errors import Conflict, NotFound
from anju.triage.api import classify_texts
from anju.triage.models import Suggestion
from anju.triage.training import Example


def complaint_text(complaint: Complaint) -> str:
    return f"{complaint.title}\n{complaint.description}".strip()


def suggestion_create_many(complaints: list[Complaint], *, now: datetime | None = None) -> list[Suggestion]:
    """Classify complaints that have no suggestion yet (in one batch) and store the suggestions."""
    now = now or timezone.now()
    have = set(Suggestion.objects.filter(complaint__in=complaints).values_list("complaint_id", flat=True))
    todo = [c for c in complaints if c.pk not in have]
    if not todo:
        return []
    results = classify_texts([complaint_text(c) for c in todo])
    created = []
    for complaint, result in zip(todo, results, strict=True):
        suggestion = Suggestion(
            complaint=complaint, category=result.category, urgency=result.urgency, angry=result.angry,
            in_scope=result.in_scope, confidence=result.confidence,
            top=[[code, p] for code, p in result.top_categories], rules=result.rules,
            model_version=result.model_version, created_at=min(now, complaint.created_at))
        try:
            with transaction.atomic():
                suggestion.save(force_insert=True)
        except IntegrityError:
            continue  # another worker made it first
        created.append(suggestion)
    return created


def suggestion_create(*, complaint_id: int, now: datetime | None = None) -> Suggestion | None:
    """The complaint's suggestion (made now when it has none); None if the complaint is gone."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return None
    suggestion_create_many([complaint], now=now)
    return Suggestion.objects.filter(complaint_id=complaint_id).first()


def _decide(*, actor: Any, complaint_id: int, category: str, urgency: str, outcome: str, note: str,
            version: int | None, now: datetime | None) -> Suggestion:
    now = now or timezone.now()
    with transaction.atomic():
        complaint = access.get_visible(actor, pk=complaint_id)
        access.check_action(actor, complaint, "classify")
        suggestion = Suggestion.objects.select_for_update().filter(complaint=complaint).first()
        if suggestion is None:
            raise NotFound()
        if suggestion.outcome != Suggestion.Outcome.PENDING:
            raise Conflict(_("This suggestion has already been decided."))
        current_category = complaint.category.code if complaint.category else ""
        if category != current_category or urgency != complaint.urgency:
            complaint = complaint_classify(
                actor=actor, complaint_id=complaint.pk,
                category=category if category != current_category else None,
                urgency=urgency if urgency != complaint.urgency else None,
                note=note, version=version, now=now)
        suggestion.outcome = outcome
        suggestion.decided_by = actor
        suggestion.decided_at = now
        suggestion.final_category = category
        suggestion.final_urgency = urgency
        suggestion.save(update_fields=["outcome", "decided_by", "decided_at", "final_category",
                                       "final_urgency"])
    return suggestion


def suggestion_accept(*, actor: Any, complaint_id: int, version: int | None = None,
                      now: datetime | None = None) -> Suggestion:
    """Give the complaint the suggested category and urgency (recorded on its trail)."""
    suggestion = Suggestion.objects.filter(complaint_id=complaint_id).only("category", "urgency").first()
    if suggestion is None:
        raise NotFound()
    return _decide(actor=actor, complaint_id=complaint_id, category=suggestion.category,
                   urgency=suggestion.urgency, outcome=Suggestion.Outcome.ACCEPTED,
                   note=str(_("Triage suggestion accepted.")), version=version, now=now)


def suggestion_correct(*, actor: Any, complaint_id: int, category: Category | str, urgency: str,
                       note: str = "", version: int | None = None, now: datetime | None = None) -> Suggestion:
    """Give the complaint another category/urgency than suggested; the suggestion records it."""
    code = category.code if isinstance(category, Category) else category
    return _decide(actor=actor, complaint_id=complaint_id, category=code, urgency=urgency,
                   outcome=Suggestion.Outcome.CORRECTED,
                   note=note or str(_("Triage suggestion corrected.")), version=version, now=now)


def correction_examples() -> list[Example]:
    """Reviewed suggestions as training examples: the final labels staff settled on."""
    rows = (Suggestion.objects.exclude(outcome=Suggestion.Outcome.PENDING)
            .select_related("complaint").order_by("complaint_id"))
    examples = []
    for s in rows.iterator():
        text = complaint_text(s.complaint)
        if text and s.final_category and s.final_urgency:
            examples.append(Example(text=text, category=s.final_category, urgency=s.final_urgency,
                                    angry=s.angry, source="corrections"))
    return examples


def suggestion_backfill(complaints: list[Complaint]) -> int:
    """Suggestions for complaints recorded before triage ran (imports, the demo's history).

    Where staff have since classified a complaint (verify, dispatch or classify), the
    suggestion is marked accepted or corrected by them, at that time, against what they
    chose — so the acceptance figures in the admin start with real history.
    """
    from anju.complaints.models import ComplaintEvent

    made = suggestion_create_many(complaints)
    decisions: dict[int, ComplaintEvent] = {}
    events = (ComplaintEvent.objects.filter(complaint__in=[s.complaint_id for s in made], actor__isnull=False,
                                            action__in=[Event.VERIFY, Event.ASSIGN,
                                                        Event.CLASSIFY])
              .order_by("created_at", "id"))
    for event in events:
        decisions.setdefault(event.complaint_id, event)
    for suggestion in made:
        decision = decisions.get(suggestion.complaint_id)
        complaint = suggestion.complaint
        if decision is None or complaint.category is None:
            continue
        suggestion.final_category = complaint.category.code
        suggestion.final_urgency = complaint.urgency
        same = (suggestion.final_category, suggestion.final_urgency) == (suggestion.category,
                                                                          suggestion.urgency)
        suggestion.outcome = Suggestion.Outcome.ACCEPTED if same else Suggestion.Outcome.CORRECTED
        suggestion.decided_by_id = decision.actor_id
        suggestion.decided_at = decision.created_at
        suggestion.save(update_fields=["final_category", "final_urgency", "outcome", "decided_by",
                                       "decided_at"])
    return len(made)
