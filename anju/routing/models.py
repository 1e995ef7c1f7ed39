"""Routing (分派建议), incidents (事件) and their settings.

* ``EstateRoute`` — a per-estate exception to the taxonomy's category → department map.
* ``RouteDecision`` — each dispatch (its assign or reassign event) with the route suggestion
  as it stood at that moment: followed or overridden, by whom (``anju.routing.decisions``).
* ``Incident`` / ``IncidentMember`` — complaints about one building or facility with the same
  category within hours, handled once (``anju.routing.incidents``).
* ``RoutingSettings`` — the thresholds, per company (a row without a company is the default).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoutingSettings(models.Model):
    company = models.OneToOneField("estates.Company", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="routing_settings", verbose_name=_("company"),
                                   help_text=_("Leave empty for the default used by companies without "
                                               "their own settings."))
    incident_hours = models.PositiveSmallIntegerField(
        _("incident: within hours"), default=6,
        help_text=_("Complaints of one category about one building or facility within this many hours "
                    "of the first are one incident."))
    incident_places = models.PositiveSmallIntegerField(
        _("incident: rooms or complainants"), default=2,
        help_text=_("How many different rooms (building) or complainants (facility) make an incident."))
    similar_count = models.PositiveSmallIntegerField(_("similar cases shown"), default=5)
    similar_days = models.PositiveSmallIntegerField(
        _("similar cases: look back (days)"), default=365)
    similar_company_wide = models.BooleanField(
        _("similar cases: whole company"), default=True,
        help_text=_("Search every estate of the company the viewer reaches, not only this estate."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("routing and incident settings")
        verbose_name_plural = _("routing and incident settings")

    def __str__(self) -> str:
        return str(self.company) if self.company_id else str(_("Default"))

    @classmethod
    def for_company(cls, company_id: int | None) -> RoutingSettings:
        rows = {r.company_id: r for r in cls.objects.filter(
            models.Q(company_id=company_id) | models.Q(company__isnull=True))}
        return rows.get(company_id) or rows.get(None) or cls()


class EstateRoute(models.Model):
    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, related_name="routes",
                               verbose_name=_("estate"))
    category = models.ForeignKey("complaints.Category", on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("category"))
    department = models.ForeignKey("staff.Department", on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("department"))

    class Meta:
        verbose_name = _("estate routing rule")
        verbose_name_plural = _("estate routing rules")
        constraints = [models.UniqueConstraint(fields=["estate", "category"],
                                               name="routing_estate_category_unique")]

    def __str__(self) -> str:
        return f"{self.estate} · {self.category} → {self.department}"


class RouteDecision(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE,
                                  related_name="route_decisions", verbose_name=_("complaint"))
    # The assign or reassign event on the trail this decision belongs to (empty on rows
    # written before decisions were stored with the dispatch).
    event = models.OneToOneField("complaints.ComplaintEvent", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="route_decision", verbose_name=_("event"))
    action = models.CharField(_("action"), max_length=20)
    suggested_department = models.ForeignKey("staff.Department", on_delete=models.SET_NULL, null=True,
                                             related_name="+", verbose_name=_("suggested department"))
    suggested_handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                          related_name="+", verbose_name=_("suggested handler"))
    chosen_department = models.ForeignKey("staff.Department", on_delete=models.SET_NULL, null=True,
                                          related_name="+", verbose_name=_("chosen department"))
    chosen_handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                       related_name="+", verbose_name=_("chosen handler"))
    overridden = models.BooleanField(_("suggestion overridden"), db_index=True)
    reason = models.CharField(_("suggestion reason"), max_length=300, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.action}"


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    estate = models.ForeignKey("estates.Estate", on_delete=models.CASCADE, related_name="incidents",
                               verbose_name=_("estate"))
    category = models.ForeignKey("complaints.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    building = models.ForeignKey("estates.Building", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("building"))
    facility = models.ForeignKey("estates.Facility", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("facility"))
    lead = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("lead complaint"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    first_at = models.DateTimeField(_("first complaint at"))
    created_at = models.DateTimeField(_("grouped at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-first_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category} · {self.facility or self.building}"


class IncidentMember(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="members")
    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.CASCADE,
                                     related_name="incident_membership")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("incident member")
        verbose_name_plural = _("incident members")
        ordering = ["complaint__created_at"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.complaint_id}"
