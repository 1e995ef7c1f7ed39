"""Places and the people who live in them.

Company → Estate (项目/小区) → Building (楼栋) → Unit (单元) → Room (房号), plus shared
Facilities (lifts, gates, garage…) of an estate or a building. Residents are linked to
rooms through Residency with their relation (owner, tenant, family member).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.lib import id_numbers
from anju.privacy.fields import BlindIndexField, EncryptedCharField
from anju.privacy.masks import masked_name
from anju.privacy.queries import BlindIndexed, BlindIndexQuerySet


def validate_id_number(value: str) -> None:
    if value and not id_numbers.is_valid(id_numbers.normalise(value)):
        raise ValidationError(_("This is not a valid 18-character ID card number."),
                              code="id_number")


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    hotline = models.CharField(_("service hotline"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="estates",
                                verbose_name=_("company"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("service desk phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("estate")
        verbose_name_plural = _("estates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="buildings",
                               verbose_name=_("estate"))
    name = models.CharField(_("name"), max_length=50, help_text=_("For example 3栋"))
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["estate", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="building_unique_name")]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.name}"


class Unit(models.Model):
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units",
                                 verbose_name=_("building"))
    name = models.CharField(_("name"), max_length=50, help_text=_("For example 2单元"))

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return f"{self.building} {self.name}"


class Room(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="rooms",
                             verbose_name=_("unit"))
    number = models.CharField(_("room number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["unit", "number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="room_unique_number")]

    def __str__(self) -> str:
        return self.label

    @property
    def building(self) -> Building:
        return self.unit.building

    @property
    def estate(self) -> Estate:
        return self.unit.building.estate

    @property
    def label(self) -> str:
        unit = self.unit
        return f"{unit.building.estate.name} {unit.building.name}{unit.name}{self.number}"


class Facility(models.Model):
    class Kind(models.TextChoices):
        LIFT = "lift", _("Lift")
        GATE = "gate", _("Gate / access control")
        GARAGE = "garage", _("Garage")
        CLUBHOUSE = "clubhouse", _("Clubhouse")
        PUMP_ROOM = "pump_room", _("Pump room")
        PLAYGROUND = "playground", _("Playground / fitness area")
        GREEN = "green", _("Green space")
        OTHER = "other", _("Other")

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="facilities",
                               verbose_name=_("estate"))
    building = models.ForeignKey(Building, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="facilities", verbose_name=_("building"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["estate", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["estate", "name"], name="facility_unique_name")]

    def __str__(self) -> str:
        return f"{self.estate.name} {self.name}"


class ResidentQuerySet(BlindIndexQuerySet):
    def with_phone(self, phone: str) -> ResidentQuerySet:
        """The resident with this phone number, however it is written (blind index)."""
        return self.matching(phone=phone)  # type: ignore[return-value]

    def with_id_number(self, number: str) -> ResidentQuerySet:
        return self.matching(id_number=number)  # type: ignore[return-value]


class Resident(BlindIndexed, models.Model):
    """A person living in one or more rooms. ``phone`` is stored normalised (digits only).

    Name, phone and ID number are encrypted at rest (anju.privacy); the phone and the ID
    number are found through their blind indexes: ``Resident.objects.with_phone(…)``.
    """

    name = EncryptedCharField(_("name"), max_length=100)
    phone = EncryptedCharField(_("phone"), max_length=20)
    phone_index = BlindIndexField(source="phone", purpose="phone", unique=True)
    id_number = EncryptedCharField(_("ID card number"), max_length=18, blank=True,
                                   validators=[validate_id_number])
    id_number_index = BlindIndexField(source="id_number", purpose="id_number", unique=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="resident", verbose_name=_("sign-in account"))
    rooms: models.ManyToManyField = models.ManyToManyField(
        Room, through="Residency", related_name="residents",
                                   verbose_name=_("rooms"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")

    def __str__(self) -> str:
        # Masked: object names end up in logs (the admin's history, error reports).
        return masked_name(self.name)


class Residency(models.Model):
    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="residencies",
                                 verbose_name=_("resident"))
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="residencies",
                             verbose_name=_("room"))
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices,
                                default=Relation.OWNER)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [models.UniqueConstraint(fields=["resident", "room"], name="residency_unique")]

    def __str__(self) -> str:
        return f"{self.resident} – {self.room}"
