"""Phone and walk-in intake (受理): time, place, people and event, as the source asks."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Channel, Urgency
from anju.console import lookups
from anju.console.fields import GroupedSelect, MultipleFileField, category_field
from anju.estates.models import Estate
from anju.lib import phones

INTAKE_CHANNELS = [Channel.PHONE, Channel.WALK_IN, Channel.EMAIL, Channel.WECHAT,
                   Channel.HOTLINE_12345, Channel.SMS]


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class IntakeForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
    resident = forms.IntegerField(widget=forms.HiddenInput, required=False)
    room = forms.IntegerField(widget=forms.HiddenInput, required=False)

    contact_name = forms.CharField(label=_("Caller's name"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=30,
                                    widget=forms.TextInput(attrs={"inputmode": "tel"}))
    contact_email = forms.EmailField(label=_("Caller's e-mail"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), initial=Channel.PHONE,
                                choices=[(c.value, c.label) for c in INTAKE_CHANNELS])

    estate: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Estate"), queryset=Estate.objects.none(), empty_label=_("— choose —"))
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int,
                                      empty_value=None)
    facility = forms.TypedChoiceField(label=_("Facility"), required=False, coerce=int,
                                      empty_value=None)
    address = forms.CharField(label=_("Place, in words"), required=False, max_length=300,
                              help_text=_("For example: the garage entrance, the lawn by building 3"))

    occurred_at = forms.DateTimeField(
        label=_("When it happened"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    people_involved = forms.CharField(label=_("People involved"), required=False, max_length=300)
    title = forms.CharField(label=_("Subject"), required=False, max_length=200)
    description = forms.CharField(label=_("What happened"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleFileField(label=_("Photos or files"))

    category = category_field()
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    anonymous = forms.BooleanField(label=_("Anonymous: hide the caller from handlers"),
                                   required=False)
    confidential = forms.BooleanField(
        label=_("Confidential: only quality and administrators may read it"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        estates = lookups.reach_estates(user)
        cast(forms.ModelChoiceField, self.fields["estate"]).queryset = estates
        self.buildings = {b.pk: b for b in lookups.buildings_in_reach(user)}
        self.facilities = {f.pk: f for f in lookups.facilities_in_reach(user)}
        self._grouped("building", self.buildings.values())
        self._grouped("facility", self.facilities.values())

    def _grouped(self, name: str, places: Any) -> None:
        groups: dict[str, list[tuple[int, str]]] = {}
        keys: dict[str, str] = {}
        for place in places:
            groups.setdefault(place.estate.name, []).append((place.pk, place.name))
            keys[place.estate.name] = str(place.estate_id)
        field = cast(forms.ChoiceField, self.fields[name])
        field.widget = GroupedSelect(group_keys=keys, attrs={"data-filter-by": "id_estate"})
        field.choices = [("", _("— none —")), *groups.items()]

    def clean_resident(self) -> Any:
        value = self.cleaned_data.get("resident")
        if value is None:
            return None
        resident = lookups.resident_in_reach(self.user, value)
        if resident is None:
            raise forms.ValidationError(_("This resident is not in your estates."))
        return resident

    def clean_room(self) -> Any:
        value = self.cleaned_data.get("room")
        if value is None:
            return None
        room = lookups.room_in_reach(self.user, value)
        if room is None:
            raise forms.ValidationError(_("This room is not in your estates."))
        return room

    def clean_building(self) -> Any:
        value = self.cleaned_data.get("building")
        return self.buildings.get(value) if value else None

    def clean_facility(self) -> Any:
        value = self.cleaned_data.get("facility")
        return self.facilities.get(value) if value else None

    def clean_contact_phone(self) -> str:
        phone = phones.normalise(self.cleaned_data.get("contact_phone", ""))
        if phone and not phones.is_valid(phone):
            raise forms.ValidationError(_("This is not a valid phone number."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reachable = data.get("resident") or data.get("contact_phone") or data.get("contact_email")
        if not reachable and not self.has_error("contact_phone"):
            self.add_error("contact_phone", _(
                "Choose the resident, or enter a phone or e-mail so we can give feedback."))
        room, estate = data.get("room"), data.get("estate")
        if room is not None and estate is not None and room.estate.pk != estate.pk:
            self.add_error("estate", _("The room is in %(estate)s.") % {"estate": room.estate.name})
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in (
            "channel", "estate", "resident", "room", "building", "facility", "address",
            "occurred_at", "people_involved", "title", "description", "category", "urgency",
            "anonymous", "confidential", "contact_name", "contact_phone", "contact_email",
            "idempotency_key")}
        kwargs["files"] = data["photos"]
        return kwargs
