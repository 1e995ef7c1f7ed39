"""Personal data in the Django admin: masked in lists and forms, replaceable, never shown.

Administrators maintain residents without reading their data: a change form shows the
stored name, phone or ID number masked as the field's placeholder; leaving the field empty
keeps the stored value, typing replaces it. Reading a complainant's data in full is the
logged reveal of the console and the API (``anju.complaints.disclosure``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.privacy.masks import masked_contact, masked_name


def masked_id_number(value: str) -> str:
    """110***********1234: the region and the last four characters."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


MASKS: dict[str, Callable[[str], str]] = {"name": masked_name, "contact": masked_contact,
                                           "id_number": masked_id_number}


class MaskedFieldsForm(forms.ModelForm):
    """A model form whose ``masked_fields`` ({field: mask kind}) never carry stored values."""

    masked_fields: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, kind in self.masked_fields.items():
            field = self.fields.get(name)
            if field is None:
                continue
            stored = getattr(self.instance, name) or ""
            self.initial[name] = ""
            field.required = False
            field.widget.attrs["placeholder"] = MASKS[kind](stored) if stored else ""
            field.widget.attrs["autocomplete"] = "off"
            field.help_text = _("Shown masked. Leave empty to keep it; type to replace it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.instance.pk is not None:
            for name in self.masked_fields:
                if name in cleaned and cleaned[name] in ("", None):
                    cleaned[name] = getattr(self.instance, name)
        return cleaned


def masked(kind: str, field: str, label: Any) -> Callable[[Any], str]:
    """A list or read-only column showing ``field`` masked."""

    def show(obj: Any) -> str:
        value = getattr(obj, field, "") or ""
        return MASKS[kind](value) if value else "—"

    show.short_description = label  # type: ignore[attr-defined]
    return show
