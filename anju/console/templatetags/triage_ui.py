"""The triage card of the console's complaint page: the suggestion (anju/triage) with the
form that accepts or corrects it."""

from __future__ import annotations

from typing import Any

from django import template

from anju.complaints.models import Complaint
from anju.console.suggestion_form import DecisionForm
from anju.triage.presenters import suggestion_view

register = template.Library()


@register.inclusion_tag("triage/_suggestion.html", takes_context=True)
def triage_suggestion(context: template.Context, complaint: Complaint) -> dict[str, Any]:
    """The triage card of the console's complaint page."""
    request = context["request"]
    view = suggestion_view(request.user, complaint)
    form = None
    if view.may_decide:
        form = DecisionForm(complaint=complaint, user=request.user, initial={
            "category": _category_pk(view.suggestion.category) or complaint.category_id,
            "urgency": view.suggestion.urgency})
    return {"s": view, "c": complaint, "form": form, "csrf_token": context.get("csrf_token")}


def _category_pk(code: str) -> int | None:
    from anju.complaints.reference import categories

    category = categories.get(code)
    return category.pk if category is not None else None
