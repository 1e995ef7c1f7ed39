"""Return visits (回访) after a complaint is resolved, and the satisfaction survey.

A ``ReturnVisit`` is opened when a complaint is resolved and is due at the complaint's
``visit_due_at`` (anju.sla) or a configured default. Agents record call ``VisitAttempt``s;
the resident may answer by a signed link instead. Each answer is a ``SurveyResponse``
carrying the keys analytics groups by (estate, department, category, handler).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import RatingReason, RatingSource

# What the resident's verdict is about: part of every rating (anju.complaints).
Reason = RatingReason


class ReturnVisit(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("To visit")
        ANSWERED = "answered", _("Survey answered")
        UNREACHABLE = "unreachable", _("Closed: unreachable")
        CANCELLED = "cancelled", _("No longer needed")

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="return_visits", verbose_name=_("complaint"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    due_at = models.DateTimeField(_("due"), db_index=True)
    failed_attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    # Set when the failure policy handed the visit to a supervisor.
    handed_over_at = models.DateTimeField(_("handed to supervisor at"), null=True, blank=True)
    # The current signed link's one-time value; emptied when the link is used.
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    link_sent_at = models.DateTimeField(_("survey link sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["due_at", "id"]
        constraints = [
            # One open visit per complaint: the sweep and the follow-up may race.
            models.UniqueConstraint(fields=["complaint"], condition=models.Q(state="open"),
                                    name="visit_one_open_per_complaint"),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="visit_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.state}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())


class VisitAttempt(models.Model):
    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        UNREACHABLE = "unreachable", _("Unreachable")
        REFUSED = "refused", _("Refused to answer")

    visit = models.ForeignKey(ReturnVisit, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.outcome}"

    @property
    def failed(self) -> bool:
        return self.outcome != self.Outcome.REACHED


class SurveyResponse(models.Model):
    """One satisfaction answer. Estate, department, category and handler are copied from
    the complaint when answered, so statistics group without joining a changing row."""

    Source = RatingSource  # how the rating reached us (anju.complaints)

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="survey_responses", verbose_name=_("complaint"))
    visit = models.ForeignKey(ReturnVisit, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="responses", verbose_name=_("return visit"))
    # The rating event on the complaint's trail this answer produced.
    event = models.OneToOneField("complaints.ComplaintEvent", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="survey_response")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    stars = models.PositiveSmallIntegerField(_("stars (1–5)"))
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    dissatisfied = models.BooleanField(_("dissatisfied"), default=False)
    estate = models.ForeignKey("estates.Estate", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("estate"))
    department = models.ForeignKey("staff.Department", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("department"))
    category = models.ForeignKey("complaints.Category", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+", verbose_name=_("category"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", verbose_name=_("handler"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("answered at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5),
                                   name="survey_stars_range"),
        ]
        indexes = [
            # The statistics' dissatisfaction reasons start from the dissatisfied answers
            # of a period (anju.analytics.metrics.dissatisfaction).
            models.Index(fields=["created_at"], condition=models.Q(dissatisfied=True),
                         name="survey_dissatisfied_at"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stars}★"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]
