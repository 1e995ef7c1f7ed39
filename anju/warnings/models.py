"""Warnings (预警): deadline warnings raised by the SLA sweep and pattern warnings raised by
the pattern sweep, shown on the staff console's warnings board.

A warning is identified by its ``key`` (unique): raising inserts with ``ON CONFLICT DO
NOTHING``, so two workers racing on the same finding store it once
(``anju.warnings.services.raise_warnings``). The reason is stored as a code plus data and
rendered in the reader's language (``services.reason_text``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SLA_SHARE = "sla_share", _("Deadline approaching")
    SLA_BREACH = "sla_breach", _("Deadline missed")
    LADDER = "ladder", _("Escalated up the ladder")
    REPEAT = "repeat", _("Repeat complaint")
    HOTSPOT = "hotspot", _("Hotspot")
    SPIKE = "spike", _("Volume spike")
    ESCALATION_RISK = "escalation_risk", _("Escalation risk")
    DISSATISFIED = "dissatisfied", _("Dissatisfied resident")
    DEAD_LETTER = "dead_letter", _("Background work failed")


class Level(models.IntegerChoices):
    HANDLER = 0, _("Handler")
    SUPERVISOR = 1, _("Department supervisor")
    MANAGER = 2, _("Project manager")
    QUALITY = 3, _("Quality department")


class Warning(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    key = models.CharField(_("key"), max_length=200, unique=True, editable=False)
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="warnings", verbose_name=_("complaint"))
    related = models.ManyToManyField("complaints.Complaint", blank=True, related_name="+",
                                     verbose_name=_("related complaints"))
    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("estate"))
    department = models.ForeignKey("staff.Department", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("department"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=0)
    target = models.CharField(_("target"), max_length=20, blank=True)
    reason_code = models.CharField(_("reason"), max_length=40)
    data = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+", verbose_name=_("acknowledged by"))
    # The raise_warnings call that inserted the row: lets each caller fetch exactly the rows
    # it created, even when another worker inserts other keys at the same moment.
    batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-raised_at", "-id"]
        indexes = [
            # The badges: unacknowledged warnings, newest first.
            models.Index(fields=["acknowledged_at", "raised_at"], name="warning_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.key}"


class WarningComment(models.Model):
    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("warning"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("author"))
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("warning comment")
        verbose_name_plural = _("warning comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


DEFAULT_KEYWORDS = "12345\n住建局\n媒体\n记者\n曝光\n律师\n起诉\n拒交物业费\n不交物业费"


class PatternSettings(models.Model):
    """Thresholds of the pattern detectors, per company (a row without a company is the default)."""

    company = models.OneToOneField("estates.Company", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="pattern_settings", verbose_name=_("company"),
                                   help_text=_("Leave empty for the default used by companies without "
                                               "their own settings."))
    repeat_window_days = models.PositiveSmallIntegerField(
        _("repeat window (days)"), default=30,
        help_text=_("A complaint of the same complainant, place and category within this many days "
                    "is a repeat complaint."))
    hotspot_count = models.PositiveSmallIntegerField(
        _("hotspot: complaints"), default=3,
        help_text=_("This many complaints of one category in one building or facility…"))
    hotspot_hours = models.PositiveSmallIntegerField(_("hotspot: within hours"), default=24,
                                                     help_text=_("…within this many hours make a hotspot."))
    spike_baseline_days = models.PositiveSmallIntegerField(_("spike: baseline days"), default=28)
    spike_k = models.DecimalField(_("spike: standard deviations"), max_digits=4, decimal_places=1,
                                  default=3,
                                  help_text=_("Today's count must exceed the baseline mean by this many "
                                              "standard deviations."))
    spike_minimum = models.PositiveSmallIntegerField(
        _("spike: minimum count"), default=5,
        help_text=_("Days with fewer complaints than this are never a spike."))
    keywords = models.TextField(_("escalation-risk keywords"), default=DEFAULT_KEYWORDS,
                                help_text=_("One word or phrase per line."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("pattern-warning settings")
        verbose_name_plural = _("pattern-warning settings")

    def __str__(self) -> str:
        return str(self.company) if self.company_id else str(_("Default"))

    def keyword_list(self) -> list[str]:
        return [w.strip() for w in self.keywords.splitlines() if w.strip()]
