"""The form behind "show in full" on a complaint page (``anju.complaints.disclosure``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.complaints.disclosure import NOTE_LIMIT, RevealReason


class RevealForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you need them?"), choices=RevealReason.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_LIMIT,
                           help_text=_("Recorded in the audit log with your name."))

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("reason") == RevealReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why you need the contact details."))
        return data
