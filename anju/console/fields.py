"""Form fields and widgets shared by the console's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Category
from anju.lib.labels import localised_name
from anju.staff.models import Department


class LocalisedModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return localised_name(obj)


def category_field(*, required: bool = False, label: Any = None) -> LocalisedModelChoiceField:
    return LocalisedModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=required,
        label=label or _("Category"), empty_label=_("— not classified —"))


def department_field() -> LocalisedModelChoiceField:
    return LocalisedModelChoiceField(queryset=Department.objects.filter(is_active=True),
                                     label=_("Department"), empty_label=_("— choose —"))


ACCEPT = "image/*,application/pdf,video/mp4,audio/*"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class GroupedSelect(forms.Select):
    """A select with optgroups whose options carry ``data-group`` (the group's key), so a
    small script can show only the group matching another select."""

    def __init__(self, *args: Any, group_keys: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.group_keys = group_keys or {}

    def optgroups(self, name: str, value: Any, attrs: dict | None = None) -> list[Any]:
        groups = super().optgroups(name, value, attrs)
        for group_name, options, _index in groups:
            key = self.group_keys.get(str(group_name)) if group_name else None
            for option in options:
                if key:
                    option["attrs"]["data-group"] = key
        return groups
