"""The one satisfaction survey form: the portal's rating page, the signed link and the
agent's call screen all use ``SurveyForm``. Forms check shape; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.visits.models import Reason, VisitAttempt

STARS = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("It is all right")),
    (2, _("Not satisfied")),
    (1, _("Very unsatisfied")),
]
SOLVED = [("yes", _("Yes, it is solved")), ("no", _("No, not solved"))]


class SurveyForm(forms.Form):
    # The version of the complaint the resident saw (the portal): a lost update is a Conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=STARS, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Please choose from one to five stars."),
                        "invalid_choice": _("Please choose from one to five stars.")})
    solved = forms.ChoiceField(label=_("Is the problem solved?"), choices=SOLVED,
                               widget=forms.RadioSelect, required=False)
    reasons = forms.MultipleChoiceField(
        label=_("What is your rating about? (optional, choose any)"), choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
        error_messages={"invalid_choice": _("Please choose from the listed reasons.")})
    comment = forms.CharField(label=_("Anything else you want to tell us? (optional)"),
                              max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean_solved(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("solved") or "")


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"),
        choices=[(o.value, o.label) for o in VisitAttempt.Outcome if o != VisitAttempt.Outcome.REACHED],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose the outcome of the call.")})
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
