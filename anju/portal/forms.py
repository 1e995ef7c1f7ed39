"""The portal's forms. They check shape only; the services decide what is allowed."""

from __future__ import annotations

import re
import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Category
from anju.estates.models import Room

_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"), max_length=30,
        error_messages={"required": _("Please enter your mobile phone number.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel",
                                      "placeholder": "138 0000 0000"}))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"), max_length=10,
        error_messages={"required": _("Please enter the 6-digit code from the SMS.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9]*", "maxlength": "6"}))


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more image files from one ``<input type=file multiple>``."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"accept": "image/*", "multiple": True, "class": "photo-input"}
        kwargs.setdefault("widget", MultiplePhotoInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = settings.ANJU_UPLOAD_MAX_FILES
        if len(files) > limit:
            raise forms.ValidationError(_("Please choose at most %(limit)s photos."),
                                        params={"limit": limit})
        check_one = super().clean
        return [check_one(f, initial) for f in files]


def category_label(category: Category) -> str:
    english = (get_language() or "").startswith("en")
    return category.name_en if english and category.name_en else category.name


class ComplaintForm(forms.Form):
    """Screen one of a new complaint: where, what kind, what happened, photos."""

    room = forms.ChoiceField(label=_("Which home is it about?"), widget=forms.RadioSelect,
                             error_messages={"required": _("Please choose your home.")})
    category = forms.ChoiceField(label=_("What kind of problem is it? (optional)"),
                                 widget=forms.RadioSelect, required=False)
    description = forms.CharField(
        label=_("What happened?"), max_length=5000,
        error_messages={"required": _("Please describe the problem in a few words.")},
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _(
            "For example: water has been dripping from the bathroom ceiling for two days.")}))
    occurred_at = forms.DateTimeField(
        label=_("When did it happen? (optional)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Please pick a date and time, or leave it empty.")},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    photos = PhotosField(label=_("Photos (optional)"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, rooms: list[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rooms = {str(room.pk): room for room in rooms}
        if len(rooms) == 1:
            del self.fields["room"]  # nothing to choose: the complaint is about that home
        else:
            room_field = cast(forms.ChoiceField, self.fields["room"])
            room_field.choices = [(pk, room.label) for pk, room in self.rooms.items()]
        self.categories = {str(c.pk): c for c in Category.objects.filter(is_active=True)}
        choices = [(pk, category_label(c)) for pk, c in self.categories.items()]
        cast(forms.ChoiceField, self.fields["category"]).choices = [*choices, ("", _("Not sure"))]

    def clean_room(self) -> Room:
        return self.rooms[self.cleaned_data["room"]]

    def clean_category(self) -> Category | None:
        return self.categories.get(self.cleaned_data.get("category") or "")

    def clean_idempotency_key(self) -> str | None:
        key = self.cleaned_data.get("idempotency_key") or ""
        return key if _KEY.match(key) else None

    @property
    def single_room(self) -> Room | None:
        return next(iter(self.rooms.values())) if len(self.rooms) == 1 else None

    @property
    def chosen_room(self) -> Room:
        """The home of a valid form: the one picked, or the only one."""
        return cast(Room, self.cleaned_data.get("room") or self.single_room)


class VersionForm(forms.Form):
    """The version of the complaint the resident saw, so a lost update becomes a Conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class WithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("Why do you want to withdraw it? (optional)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(VersionForm):
    note = forms.CharField(label=_("What would you like to add?"), max_length=5000,
                           required=False, widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotosField(label=_("More photos (optional)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("note") or "").strip() and not data.get("photos"):
            raise forms.ValidationError(_("Please write something or add a photo."))
        return data


# The rating page uses the satisfaction survey's form (anju.visits.forms.SurveyForm).
