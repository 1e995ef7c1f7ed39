"""The suggestion as the console shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.complaints import access
from anju.complaints.models import Complaint, Urgency
from anju.complaints.reference import categories
from anju.lib.labels import localised_name
from anju.triage.api import classify_text
from anju.triage.models import Suggestion
from anju.triage.services import complaint_text

DANGER_LABELS = {
    "danger.fire": _("fire or smoke"),
    "danger.gas": _("gas leak"),
    "danger.trapped": _("people trapped"),
    "danger.shock": _("electric shock"),
    "danger.flood": _("flooding or burst pipe"),
    "danger.bite": _("dog bite"),
    "danger.falling": _("falling objects"),
    "danger.injury": _("someone injured"),
    "danger.violence": _("violence or break-in"),
}


def category_label(code: str) -> str:
    category = categories.get(code) if code else None
    return localised_name(category) if category is not None else code


def rule_label(rule: dict[str, Any]) -> str:
    name = rule.get("rule", "")
    if name in DANGER_LABELS:
        return f"{DANGER_LABELS[name]}（{rule.get('match', '')}）"
    label = name.split(" ", 1)[1] if name.startswith("keyword.") and " " in name else name
    return f"{label}（{rule.get('match', '')}）"


@dataclass
class SuggestionView:
    suggestion: Suggestion
    stored: bool  # False: computed for display, the worker has not stored it yet
    category: str
    urgency: str
    percent: int
    top: list[tuple[str, int]]
    rules: list[str]
    final_category: str
    final_urgency: str
    may_decide: bool


def suggestion_view(user: Any, complaint: Complaint) -> SuggestionView:
    suggestion = Suggestion.objects.filter(complaint=complaint).select_related("decided_by").first()
    stored = suggestion is not None
    if suggestion is None:
        result = classify_text(complaint_text(complaint))
        suggestion = Suggestion(complaint=complaint, category=result.category, urgency=result.urgency,
                                angry=result.angry, in_scope=result.in_scope, confidence=result.confidence,
                                top=[list(t) for t in result.top_categories], rules=result.rules,
                                model_version=result.model_version)
    may_decide = (suggestion.outcome == Suggestion.Outcome.PENDING
                  and any(t.action == "classify" for t in access.allowed_actions(user, complaint)))
    return SuggestionView(
        suggestion=suggestion, stored=stored, category=category_label(suggestion.category),
        urgency=str(Urgency(suggestion.urgency).label), percent=round(100 * suggestion.confidence),
        top=[(category_label(code), round(100 * p)) for code, p in suggestion.top],
        rules=[rule_label(r) for r in suggestion.rules],
        final_category=category_label(suggestion.final_category),
        final_urgency=str(Urgency(suggestion.final_urgency).label) if suggestion.final_urgency else "",
        may_decide=may_decide)
