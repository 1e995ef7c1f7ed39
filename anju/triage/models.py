"""Keyword rules administrators maintain, and the suggestion made for every new complaint."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Urgency


def validate_pattern(value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(_("Not a valid pattern: %(error)s"), params={"error": str(exc)}) from None


class KeywordRule(models.Model):
    """Text matching ``pattern`` (a regular expression; plain words work as they are) gets the
    rule's category and/or urgency, overriding the model. Higher priority wins."""

    name = models.CharField(_("name"), max_length=100)
    pattern = models.CharField(_("pattern"), max_length=300, validators=[validate_pattern],
                               help_text=_("Words to look for; separate alternatives with |, "
                                           "for example 漏水|渗水."))
    category = models.ForeignKey("complaints.Category", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("set category"))
    urgency = models.CharField(_("set urgency"), max_length=10, choices=Urgency.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)
    priority = models.SmallIntegerField(_("priority"), default=0,
                                        help_text=_("Rules with a higher priority are applied first."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.category_id is None and not self.urgency:
            raise ValidationError(_("A rule must set a category, an urgency or both."))


class Suggestion(models.Model):
    """What triage suggested for a complaint at intake, and what staff made of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        CORRECTED = "corrected", _("Corrected")

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE,
                                     related_name="suggestion", verbose_name=_("complaint"))
    category = models.CharField(_("category"), max_length=40)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    angry = models.BooleanField(_("angry"), default=False)
    in_scope = models.BooleanField(_("in scope"), default=True)
    confidence = models.FloatField(_("confidence"))
    top = models.JSONField(_("top categories"), default=list)
    rules = models.JSONField(_("rules fired"), default=list)
    model_version = models.CharField(_("model version"), max_length=20)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices,
                               default=Outcome.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    final_category = models.CharField(_("final category"), max_length=40, blank=True)
    final_urgency = models.CharField(_("final urgency"), max_length=10, choices=Urgency.choices,
                                     blank=True)

    class Meta:
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.category}/{self.urgency}"
