from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """When each periodic job is next due. Workers claim a run by compare-and-set on
    ``next_run_at``, so with several workers each run is enqueued once."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("next run at"), default=timezone.now)
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
