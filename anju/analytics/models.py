"""Stored statistics: the monthly reports built by the worker."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def report_path(instance: MonthlyReport, filename: str) -> str:
    return f"reports/{instance.month:%Y-%m}/{filename}"


class MonthlyReport(models.Model):
    """The PDF report of one estate (or, with no estate, of the whole company) for a month.

    One row per (estate, month): building it again replaces the file
    (``anju.analytics.report.services.monthly_report_build``).
    """

    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("estate"),
                               help_text=_("Empty: the report of the whole company."))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    file = models.FileField(_("file"), upload_to=report_path, max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "estate__code"]
        constraints = [
            # NULLs are distinct in a plain unique index: the company report needs its own.
            models.UniqueConstraint(fields=["estate", "month"], condition=Q(estate__isnull=False),
                                    name="monthly_report_estate_month"),
            models.UniqueConstraint(fields=["month"], condition=Q(estate__isnull=True),
                                    name="monthly_report_company_month"),
        ]

    def __str__(self) -> str:
        return f"{self.estate or _('Company')} {self.month:%Y-%m}"

    @property
    def period_end(self) -> date:
        return month_end(self.month)


def month_end(first: date) -> date:
    """The last day of the month starting at ``first``."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
