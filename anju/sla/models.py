"""SLA policies, estate working hours, calendar overrides and the sweep's checkpoints."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Urgency
from anju.sla.clock import AROUND_THE_CLOCK, WORKING, parse_duration

TARGETS = ("feedback", "onsite", "resolve", "visit")


class ClockKind(models.TextChoices):
    AROUND = AROUND_THE_CLOCK, _("Around the clock")
    WORKING = WORKING, _("Working time")


class ReopenMode(models.TextChoices):
    FRESH = "fresh", _("A fresh resolution target")
    REST = "rest", _("The rest of the resolution target")


def _check_duration(value: str) -> None:
    try:
        parse_duration(value, workday_seconds=8 * 3600)
    except ValueError:
        raise ValidationError(_("Write a duration such as 30m, 4h or 3d.")) from None


def _check_numbers(value: str) -> None:
    try:
        numbers = [int(x) for x in value.split(",") if x.strip()]
    except ValueError:
        raise ValidationError(_("Write whole numbers separated by commas.")) from None
    if any(n <= 0 or n >= 100 for n in numbers):
        raise ValidationError(_("Shares are between 1 and 99 per cent."))


def _check_durations(value: str) -> None:
    for part in value.split(","):
        if part.strip():
            _check_duration(part)


class Policy(models.Model):
    """Deadlines for one urgency, optionally for one category and/or one estate.

    The most specific active policy wins: estate+category, then estate, then category,
    then the urgency alone; without any, the built-in defaults (``policies.DEFAULTS``).
    """

    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("category"))
    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("estate"))
    clock = models.CharField(_("clock"), max_length=10, choices=ClockKind.choices, default=WORKING)
    feedback = models.CharField(_("first feedback within"), max_length=10, blank=True,
                                validators=[_check_duration],
                                help_text=_("e.g. 30m, 4h, 3d; blank: no target"))
    onsite = models.CharField(_("on site within"), max_length=10, blank=True, validators=[_check_duration])
    resolve = models.CharField(_("resolved within"), max_length=10, blank=True, validators=[_check_duration])
    visit = models.CharField(_("return visit within (working time)"), max_length=10, blank=True,
                             validators=[_check_duration])
    shares = models.CharField(_("warn at shares of time used (%)"), max_length=40, default="50,80",
                              validators=[_check_numbers])
    ladder = models.CharField(_("escalation delays after a breach"), max_length=60, default="2h,4h,8h",
                              validators=[_check_durations],
                              help_text=_("Department supervisor, project manager, quality department"))
    reopen = models.CharField(_("on reopening"), max_length=10, choices=ReopenMode.choices,
                              default=ReopenMode.FRESH)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [models.UniqueConstraint(fields=["urgency", "category", "estate"],
                                               name="sla_policy_scope", nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} {self.category or ''} {self.estate or ''}".strip()


class EstateHours(models.Model):
    """Working hours of one estate (blank estate: the company-wide default)."""

    estate = models.OneToOneField("estates.Estate", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+", verbose_name=_("estate"))
    start = models.TimeField(_("work starts"), default="09:00")
    end = models.TimeField(_("work ends"), default="18:00")

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return f"{self.estate or '*'} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError(_("Work must end after it starts."))


class CalendarOverride(models.Model):
    """A date that is (or is not) a working day, whatever the calendar package says."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'+' if self.is_workday else '-'}"


class Checkpoint(models.Model):
    """One moment the sweep must act on: a share of a target used, its breach, a ladder step.

    Rewritten whenever the complaint's deadlines are (intake, classify, hold, resume,
    reopen, policy change). The sweep claims due rows by setting ``done_at``.
    """

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=10)
    mark = models.CharField(max_length=10)  # "50", "80", "breach", "ladder1".."ladder3"
    due_at = models.DateTimeField()
    deadline = models.DateTimeField()  # the target's deadline this mark belongs to (part of the key)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "target", "mark"],
                                               name="sla_checkpoint_once")]
        indexes = [models.Index(fields=["due_at"], name="sla_checkpoint_pending",
                                condition=models.Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.target} {self.mark}"
