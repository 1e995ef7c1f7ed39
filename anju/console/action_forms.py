"""One small form per complaint action, and the table the action view dispatches on.

A form knows three things: the fields a person fills in, which service action it
performs (``service_action``) and the keyword arguments that service takes
(``service_kwargs``). ``ACTION_FORMS`` maps the action code in the URL to its form;
the service itself comes from ``services.SERVICES``, so no transition is coded here.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.complaints import access, transitions
from anju.complaints.models import Complaint, RatingSource, RootCause, Status, Urgency
from anju.console import lookups
from anju.console.fields import (
    GroupedSelect,
    MultipleFileField,
    category_field,
    department_field,
    localised_name,
)

TEXT_ROWS = 3


def _text(label: Any, *, required: bool = True, rows: int = TEXT_ROWS, max_length: int = 5000,
          help_text: Any = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


def _line(label: Any, *, required: bool = True, max_length: int = 300) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length)


def _urgency_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)


class ActionForm(forms.Form):
    """Base: the ``version`` the person saw guards against overwriting someone else's change."""

    action: ClassVar[str]
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1,
        error_messages={"required": _("The page was incomplete; reload it and try again."),
                        "invalid": _("The page was incomplete; reload it and try again.")})

    def __init__(self, *args: Any, complaint: Complaint, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action}-%s")
        kwargs["initial"] = {"version": complaint.version, **self.initial_for(complaint),
                             **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.complaint = complaint
        self.user = user

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        return {}

    @property
    def check_action(self) -> str:
        """The transition whose permission decides whether the form is offered."""
        return self.action

    def service_action(self) -> str:
        return self.action

    def service_kwargs(self) -> dict[str, Any]:
        return {}

    def success_message(self, complaint: Complaint) -> str:
        label = transitions.TABLE[self.service_action()].label
        return gettext("Done: %(action)s.") % {"action": label}


class ClassifyFieldsMixin:
    cleaned_data: dict[str, Any]

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        return {"category": complaint.category_id, "urgency": complaint.urgency}

    def classify_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"category": data.get("category"), "urgency": data.get("urgency") or None}


class VerifyForm(ClassifyFieldsMixin, ActionForm):
    action = "verify"
    note = _text(_("Verification note"), required=False, max_length=300)
    category = category_field()
    urgency = _urgency_field()

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"], **self.classify_kwargs()}


class ReferOutForm(ActionForm):
    action = "refer_out"
    reason = _text(_("Why it is outside property services"), max_length=300)
    advice = _line(_("Where the complainant should go instead"))

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"], "advice": self.cleaned_data["advice"]}


class DispatchForm(ClassifyFieldsMixin, ActionForm):
    action = "assign"
    route: Any = None  # anju/routing: the suggested route (anju.routing.services.Suggestion)
    department = department_field()
    handler = forms.TypedChoiceField(label=_("Handler"), coerce=int, required=False,
                                     empty_value=None)
    plan = _text(_("Handling plan (the complainant is told)"))
    category = category_field()
    urgency = _urgency_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for _dept, user in lookups.handler_candidates(self.complaint)}
        choices, keys = self._handler_choices()
        field = cast(forms.ChoiceField, self.fields["handler"])
        field.widget = GroupedSelect(group_keys=keys, attrs={
            "data-filter-by": f"{self.action}-department"})
        field.choices = choices  # after the widget: the setter copies them onto it
        # anju/routing: say why the department and handler were preselected.
        if self.route is not None and self.route.department is not None:
            self.fields["department"].help_text = gettext("Suggested: %(reason)s") % {
                "reason": self.route.text}

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        initial = super().initial_for(complaint)
        category = complaint.category
        department = complaint.department_id or (category.department_id if category else None)
        handler = complaint.handler_id
        # anju/routing: on first dispatch, preselect the suggested route. Only read here:
        # the dispatch itself stores the suggestion of that moment (anju.routing.decisions).
        self.route = None
        if self.action == "assign" and complaint.department_id is None:
            from anju.routing.services import suggest

            self.route = suggest(complaint)
            if self.route.department is not None:
                department = self.route.department.pk
                handler = self.route.handler.pk if self.route.handler else None
        return {**initial, "department": department, "handler": handler, "plan": complaint.plan}

    def _handler_choices(self) -> tuple[list[Any], dict[str, str]]:
        groups: dict[Any, list[tuple[int, str]]] = {}
        keys: dict[str, str] = {}
        for department, user in lookups.handler_candidates(self.complaint):
            name = localised_name(department)
            keys[name] = str(department.pk)
            label = user.display_name if user.staff.on_duty else gettext(
                "%(name)s (off duty)") % {"name": user.display_name}
            groups.setdefault(name, []).append((user.pk, label))
        choices: list[Any] = [("", _("— department decides —"))]
        choices += [(name, options) for name, options in groups.items()]
        return choices, keys

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        handler = self.candidates.get(data["handler"]) if data.get("handler") else None
        return {"department": data["department"], "handler": handler, "plan": data["plan"],
                **self.classify_kwargs()}


class ReassignForm(DispatchForm):
    action = "reassign"


class AcceptForm(ActionForm):
    action = "accept"
    note = _line(_("Note (optional)"), required=False, max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class HoldForm(ActionForm):
    action = "hold"
    reason = _text(_("What are we waiting for?"), max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class ResumeForm(AcceptForm):
    action = "resume"


class ResolveForm(ActionForm):
    action = "resolve"
    result = _text(_("Result (the complainant is told)"))
    root_cause = forms.ChoiceField(label=_("Root cause"), required=False,
                                   choices=[("", _("— choose —")), *RootCause.choices])
    before_files = MultipleFileField(label=_("Photos before"))
    after_files = MultipleFileField(label=_("Photos after"))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"result": data["result"], "root_cause": data["root_cause"],
                "before_files": data["before_files"], "after_files": data["after_files"]}


class ReturnVisitForm(ActionForm):
    """The return visit (回访): a rating when the complainant was reached, else close."""

    action = "rate"
    REACHED, UNREACHABLE = "reached", "unreachable"
    OUTCOMES = [(REACHED, _("Reached the complainant")),
                (UNREACHABLE, _("Could not reach the complainant"))]
    outcome = forms.ChoiceField(label=_("Return visit"), widget=forms.RadioSelect,
                                initial=REACHED, choices=OUTCOMES)
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), coerce=int, required=False, empty_value=None,
        widget=forms.RadioSelect(attrs={"class": "stars"}),
        choices=[(5, _("5 Very satisfied")), (4, _("4 Satisfied")), (3, _("3 Acceptable")),
                 (2, _("2 Dissatisfied")), (1, _("1 Very dissatisfied"))])
    solved = forms.TypedChoiceField(
        label=_("Is the problem solved?"), required=False, widget=forms.RadioSelect,
        coerce=lambda v: v == "yes", empty_value=None,
        choices=[("yes", _("Yes")), ("no", _("No"))])
    comment = _text(_("What the complainant said"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = {t.action for t in access.allowed_actions(self.user, self.complaint)}
        if "close_unreachable" not in allowed:
            outcome = cast(forms.ChoiceField, self.fields["outcome"])
            outcome.choices = self.OUTCOMES[:1]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == self.REACHED and data.get("satisfaction") is None:
            self.add_error("satisfaction", _("Please record how satisfied the complainant is."))
        return data

    def service_action(self) -> str:
        if self.cleaned_data["outcome"] == self.UNREACHABLE:
            return "close_unreachable"
        return "rate"

    def success_message(self, complaint: Complaint) -> str:
        if complaint.status == Status.CLOSED:
            return gettext("Return visit recorded; the complaint is closed.")
        return gettext("Return visit recorded; the complaint was reopened and a supervisor "
                       "follows it up.")

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["outcome"] == self.UNREACHABLE:
            return {"note": data["comment"]}
        return {"satisfaction": data["satisfaction"], "solved": data["solved"],
                "comment": data["comment"], "source": RatingSource.CONSOLE}


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), max_length=1000)

    def service_kwargs(self) -> dict[str, Any]:
        return {"reason": self.cleaned_data["reason"]}


class ReopenForm(ReasonForm):
    action = "reopen"


class WithdrawForm(ReasonForm):
    action = "withdraw"


class EscalateForm(ReasonForm):
    action = "escalate"


class MergeForm(ActionForm):
    action = "merge"
    into_number = _line(_("Merge into complaint number"), max_length=24)
    note = _line(_("Note (optional)"), required=False, max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {"into_number": self.cleaned_data["into_number"].strip().upper(),
                "note": self.cleaned_data["note"]}


class NoteForm(ActionForm):
    action = "note"
    note = _text(_("Note"), required=False)
    photos = MultipleFileField(label=_("Photos or files"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("note") or "").strip() and not data.get("photos"):
            self.add_error("note", _("Write a note or attach a file."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"], "files": self.cleaned_data["photos"]}


class ContactForm(ActionForm):
    action = "contact"
    note = _text(_("What the complainant was told"))

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"]}


class ClassifyForm(ClassifyFieldsMixin, ActionForm):
    action = "classify"
    category = category_field()
    urgency = _urgency_field()
    note = _line(_("Why (optional)"), required=False, max_length=500)

    def service_kwargs(self) -> dict[str, Any]:
        return {"note": self.cleaned_data["note"], **self.classify_kwargs()}


# The action code in the console's URL → its form. "rate" is the whole return visit:
# the service turns a dissatisfied rating into rate_reopen, and "unreachable" calls
# close_unreachable, so those two codes need no form of their own.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (VerifyForm, ReferOutForm, DispatchForm, ReassignForm, AcceptForm, HoldForm,
                 ResumeForm, ResolveForm, ReturnVisitForm, ReopenForm, WithdrawForm, MergeForm,
                 EscalateForm, NoteForm, ContactForm, ClassifyForm)
}
# Transition-table actions that are part of another action's form.
FOLDED_ACTIONS = {"rate_reopen": "rate", "close_unreachable": "rate"}
