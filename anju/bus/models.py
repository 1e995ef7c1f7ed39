"""One row per committed event and subscriber: the work queue of the event bus.

The rows are written in the transaction that writes the event (``bus.hooks``), so a
committed event always has its deliveries and a rolled-back one never has. A worker
claims a row by moving it to ``running`` with a fresh ``lease`` token and an
``available_at`` in the future (the lease's end); the subscriber's own writes and the
move to ``done`` commit together, only if the token is still the worker's. A row whose
lease has ended (the worker died) is claimable again, so nothing is lost and nothing is
done twice.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        DEAD = "dead", _("failed for good")

    # Claimed before the rest: the work of urgent complaints.
    URGENT, NORMAL = 0, 1

    event = models.ForeignKey("complaints.ComplaintEvent", on_delete=models.CASCADE,
                              related_name="deliveries", verbose_name=_("event"))
    subscriber = models.CharField(_("subscriber"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    priority = models.PositiveSmallIntegerField(_("priority"), default=NORMAL)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Pending: when it may next be tried. Running: when the lease ends.
    available_at = models.DateTimeField(_("available at"), default=timezone.now)
    lease = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery to a subscriber")
        verbose_name_plural = _("deliveries to subscribers")
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="bus_delivery_once"),
        ]
        indexes = [
            # The claim: unfinished rows by priority and time (a partial index stays small).
            models.Index(fields=["priority", "available_at"], name="bus_delivery_claim_idx",
                         condition=Q(state__in=["pending", "running"])),
            models.Index(fields=["created_at"], name="bus_delivery_dead_idx", condition=Q(state="dead")),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← event {self.event_id} ({self.state})"
