"""The inbox's filters and search box. Invalid values are dropped, never an error page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Category, Channel, Status, Urgency
from anju.console.lookups import reach_estates
from anju.lib.labels import localised_name

SORTS: dict[str, tuple[Any, ...]] = {
    "new": ("-created_at", "-id"),
    "due": (F("resolve_due_at").asc(nulls_last=True), "-created_at", "-id"),
}


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"placeholder": _("Number, phone, room or words"), "type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    estate = forms.ChoiceField(label=_("Estate"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    escalated = forms.BooleanField(label=_("Supervised (督办) only"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=[
        ("new", _("Newest first")), ("due", _("Deadline first"))])

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.estates = list(reach_estates(user))
        self._choices("status", _("All statuses"), Status.choices)
        self._choices("estate", _("All estates"), [(e.code, e.name) for e in self.estates])
        self._choices("category", _("All categories"), [
            (c.code, localised_name(c)) for c in Category.objects.filter(is_active=True)])
        self._choices("urgency", _("Any urgency"), Urgency.choices)
        self._choices("channel", _("All channels"), Channel.choices)
        if len(self.estates) < 2:
            del self.fields["estate"]

    def _choices(self, name: str, blank: Any, choices: list[Any]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = [("", blank), *choices]

    def search_kwargs(self) -> dict[str, Any]:
        """The valid filters as ``selectors.search`` arguments."""
        self.is_valid()
        data = self.cleaned_data
        kwargs = {name: data.get(name) or "" for name in
                  ("status", "estate", "category", "urgency", "channel")}
        kwargs["text"] = data.get("q") or ""
        kwargs["escalated"] = True if data.get("escalated") else None
        return kwargs

    def ordering(self) -> tuple[Any, ...]:
        if not self.is_bound:
            return SORTS["new"]
        self.is_valid()
        return SORTS.get(self.cleaned_data.get("sort") or "new", SORTS["new"])

    @property
    def active(self) -> bool:
        if not self.is_bound:
            return False
        self.is_valid()
        return any(v for k, v in self.cleaned_data.items() if k != "sort")
