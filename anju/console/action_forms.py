"""The console's form for each action, built from the action's row of the transition table.

An action the console takes on the complaint page (``Transition.console == Console.FORM``)
gets one form: a field per input of the row (``transitions.Input``), drawn by its kind
(``FIELD_OF``), prefilled from the complaint, and turned into the keyword arguments of
the service the row names (``transitions.service``). No action, field or service is
spelled out here. Rate, rate_reopen and close_unreachable are taken on the return
visit's call screen (``Console.RETURN_VISIT``, anju/visits), so they have no form here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Complaint, RatingReason, Urgency
from anju.complaints.transitions import TABLE, Console, Input, Kind, Transition
from anju.console import lookups
from anju.console.fields import (
    GroupedSelect,
    MultipleFileField,
    category_field,
    department_field,
    localised_name,
)

TEXT_ROWS = 3
YES_NO: list[tuple[str, Any]] = [("yes", _("Yes")), ("no", _("No"))]


def _text(spec: Input) -> forms.Field:
    return forms.CharField(label=spec.label, required=spec.required, max_length=spec.max_length,
                           widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))


def _line(spec: Input) -> forms.Field:
    return forms.CharField(label=spec.label, required=spec.required, max_length=spec.max_length)


def _choice(spec: Input) -> forms.Field:
    choices: list[tuple[str, Any]] = list(spec.choices.choices) if spec.choices else []
    if not spec.required:
        choices = [("", _("— choose —")), *choices]
    return forms.ChoiceField(label=spec.label, required=spec.required, choices=choices)


def _int(spec: Input) -> forms.Field:
    return forms.IntegerField(label=spec.label, required=spec.required,
                              min_value=spec.min_value, max_value=spec.max_value)


def _bool(spec: Input) -> forms.Field:
    return forms.TypedChoiceField(label=spec.label, required=spec.required,
                                  widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                  empty_value=None, choices=YES_NO)


def _category(spec: Input) -> forms.Field:
    return category_field(required=spec.required, label=spec.label)


def _urgency(spec: Input) -> forms.Field:
    return forms.ChoiceField(label=spec.label, choices=Urgency.choices, required=spec.required)


def _department(spec: Input) -> forms.Field:
    field = department_field()
    field.label, field.required = spec.label, spec.required
    return field


def _handler(spec: Input) -> forms.Field:
    # The choices (handlers reaching the complaint's estate, grouped by department) are
    # the complaint's: set by ActionForm.__init__.
    return forms.TypedChoiceField(label=spec.label, coerce=int, required=spec.required,
                                  empty_value=None)


def _reasons(spec: Input) -> forms.Field:
    return forms.MultipleChoiceField(label=spec.label, required=spec.required,
                                     choices=RatingReason.choices,
                                     widget=forms.CheckboxSelectMultiple)


def _files(spec: Input) -> forms.Field:
    return MultipleFileField(label=spec.label, required=spec.required)


# How the console draws each kind of input.
FIELD_OF: dict[Kind, Callable[[Input], forms.Field]] = {
    Kind.TEXT: _text, Kind.LINE: _line, Kind.NUMBER: _line, Kind.CHOICE: _choice,
    Kind.INT: _int, Kind.BOOL: _bool, Kind.CATEGORY: _category, Kind.URGENCY: _urgency,
    Kind.DEPARTMENT: _department, Kind.HANDLER: _handler, Kind.REASONS: _reasons,
    Kind.FILES: _files,
}


class ActionForm(forms.Form):
    """The form of one action (``transition``); subclasses are made by ``form_class``.

    The ``version`` the person saw guards against overwriting someone else's change.
    """

    transition: ClassVar[Transition]
    action: ClassVar[str]
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1,
        error_messages={"required": _("The page was incomplete; reload it and try again."),
                        "invalid": _("The page was incomplete; reload it and try again.")})

    def __init__(self, *args: Any, complaint: Complaint, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action}-%s")
        self.complaint = complaint
        self.user = user
        self.route: Any = None  # anju/routing: the suggested route (routing.services.Suggestion)
        kwargs["initial"] = {"version": complaint.version, **self.initial_for(complaint),
                             **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        for spec in self.transition.inputs:
            if spec.kind == Kind.HANDLER:
                self._offer_handlers(spec)
            elif spec.kind == Kind.DEPARTMENT and self.route is not None \
                    and self.route.department is not None:
                # anju/routing: say why the department and handler were preselected.
                self.fields[spec.name].help_text = gettext("Suggested: %(reason)s") % {
                    "reason": self.route.text}

    def initial_for(self, complaint: Complaint) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for spec in self.transition.inputs:
            if spec.prefill:  # a related object by its id (attname), without a query
                field = Complaint._meta.get_field(spec.prefill)
                initial[spec.name] = getattr(complaint, field.attname)  # type: ignore[union-attr]
        if self.transition.input("department") is not None:
            initial.update(self._dispatch_initial(complaint))
        return initial

    def _dispatch_initial(self, complaint: Complaint) -> dict[str, Any]:
        """The department the complaint has, else its category's; on the first dispatch the
        suggested route. Only read here: the dispatch itself stores the suggestion of that
        moment (anju.routing.decisions)."""
        category = complaint.category
        department = complaint.department_id or (category.department_id if category else None)
        handler = complaint.handler_id
        if complaint.department_id is None:
            from anju.routing.services import suggest

            self.route = suggest(complaint)
            if self.route.department is not None:
                department = self.route.department.pk
                handler = self.route.handler.pk if self.route.handler else None
        return {"department": department, "handler": handler}

    def _offer_handlers(self, spec: Input) -> None:
        groups: dict[Any, list[tuple[int, str]]] = {}
        keys: dict[str, str] = {}
        self.candidates = {}
        for department, user in lookups.handler_candidates(self.complaint):
            self.candidates[user.pk] = user
            name = localised_name(department)
            keys[name] = str(department.pk)
            label = user.display_name if user.staff.on_duty else gettext(
                "%(name)s (off duty)") % {"name": user.display_name}
            groups.setdefault(name, []).append((user.pk, label))
        choices: list[Any] = [("", _("— department decides —"))]
        choices += [(name, options) for name, options in groups.items()]
        field = cast(forms.ChoiceField, self.fields[spec.name])
        field.widget = GroupedSelect(group_keys=keys, attrs={
            "data-filter-by": f"{self.action}-department"})
        field.choices = choices  # after the widget: the setter copies them onto it

    @property
    def check_action(self) -> str:
        """The transition whose permission decides whether the form is offered."""
        return self.action

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.transition.inputs:
            if spec.or_files and not (data.get(spec.name) or "").strip() \
                    and not data.get(spec.or_files):
                self.add_error(spec.name, _("Write a note or attach a file."))
        return data

    def service_action(self) -> str:
        return self.action

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {}
        for spec in self.transition.inputs:
            value = data.get(spec.name)
            if spec.kind == Kind.NUMBER:
                value = (value or "").strip().upper()
            elif spec.kind == Kind.URGENCY:
                value = value or None
            elif spec.kind == Kind.HANDLER:
                value = self.candidates.get(value) if value else None
            elif spec.kind == Kind.FILES:
                value = value or []
            kwargs[spec.keyword] = value
        return kwargs

    def success_message(self, complaint: Complaint) -> str:
        label = TABLE[self.service_action()].label
        return gettext("Done: %(action)s.") % {"action": label}


def form_class(transition: Transition) -> type[ActionForm]:
    """The console's form of an action: its inputs as fields, in the table's order."""
    fields = {spec.name: FIELD_OF[spec.kind](spec) for spec in transition.inputs}
    name = "".join(part.title() for part in transition.action.split("_")) + "Form"
    return cast(type[ActionForm], type(name, (ActionForm,), {
        "transition": transition, "action": transition.action, "__module__": __name__,
        **fields}))


# The action code in the console's URL → its form.
ACTION_FORMS: dict[str, type[ActionForm]] = {
    action: form_class(t) for action, t in TABLE.items() if t.console == Console.FORM}

# The classify form, which anju/triage's correction of a suggestion extends.
if TYPE_CHECKING:
    ClassifyForm = ActionForm
else:
    ClassifyForm = ACTION_FORMS["classify"]
