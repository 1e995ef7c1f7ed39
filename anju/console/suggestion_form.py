"""The form of the triage card (anju/triage): accept the suggestion or correct it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.console.action_forms import ClassifyForm


class DecisionForm(ClassifyForm):
    """Accept the suggestion as it is, or correct it: category, urgency and why.

    The correction fields are those of the console's classify form, since a correction is
    a change of classification (``complaint_classify``) that the suggestion also records.
    """

    ACCEPT, CORRECT = "accept", "correct"
    decision = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (CORRECT, _("Correct"))],
                                 required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "suggestion-%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") != self.ACCEPT:
            data["decision"] = self.CORRECT
            if not data.get("category"):
                self.add_error("category", _("Choose the right category."))
            if not data.get("urgency"):
                self.add_error("urgency", _("Choose the right urgency."))
        return data
