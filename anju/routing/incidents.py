"""Incidents (事件): one building or facility, one category, several complainants, within hours.

Grouping is set-based: a complaint's key is (estate, category, facility) when it names a
facility, else (estate, category, building). A complaint joins the open incident of its key
whose first complaint is at most ``incident_hours`` older; otherwise, when the open,
non-confidential complaints of the key within that window come from at least
``incident_places`` different rooms (building) or complainants (facility), they become a new
incident led by the earliest. It runs after intake, verification and reclassification
(``receivers``) and in the worker's sweep (``tasks``).

Handled once: dispatching the lead dispatches the members that are not yet dispatched to the
same department and handler; resolving the lead resolves every member with the same result.
Both go through ``anju.complaints.services`` as the person who acted on the lead, so each
complainant gets the usual messages, and nobody does through the incident what they could not
do on the complaint itself (members they may not act on are left for the desk).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from anju.complaints import services
from anju.complaints.models import Complaint, Status
from anju.complaints.transitions import BEFORE_WORK, UNRESOLVED
from anju.lib.errors import DomainError
from anju.routing.models import Incident, IncidentMember, RoutingSettings

logger = logging.getLogger(__name__)


def _key_filter(c: Complaint) -> Q | None:
    if c.category_id is None:
        return None
    if c.facility_id is not None:
        return Q(estate_id=c.estate_id, category_id=c.category_id, facility_id=c.facility_id)
    if c.building_id is not None:
        return Q(estate_id=c.estate_id, category_id=c.category_id, building_id=c.building_id,
                 facility__isnull=True)
    return None


def _incident_filter(c: Complaint) -> Q:
    if c.facility_id is not None:
        return Q(facility_id=c.facility_id)
    return Q(building_id=c.building_id, facility__isnull=True)


def _place(c: Complaint) -> Any:
    """What counts as "another place": the room in a building, the complainant at a facility."""
    if c.facility_id is None:
        return ("room", c.room_id) if c.room_id else ("complaint", c.pk)
    if c.resident_id:
        return ("resident", c.resident_id)
    return ("phone", c.contact_phone_index) if c.contact_phone_index else ("complaint", c.pk)


def _groupable() -> QuerySet[Complaint]:
    return Complaint.objects.filter(status__in=UNRESOLVED, confidential=False,
                                    incident_membership__isnull=True)


def group(complaint: Complaint) -> Incident | None:
    """Put this complaint in an incident if it belongs to one; returns the incident."""
    key, category_id = _key_filter(complaint), complaint.category_id
    if key is None or category_id is None or complaint.confidential or complaint.status not in UNRESOLVED:
        return None
    existing = IncidentMember.objects.filter(complaint=complaint).select_related("incident").first()
    if existing is not None:
        return existing.incident
    conf = RoutingSettings.for_company(complaint.estate.company_id)
    window = timedelta(hours=conf.incident_hours)
    with transaction.atomic():
        incident = (Incident.objects.select_for_update()
                    .filter(_incident_filter(complaint), estate_id=complaint.estate_id,
                            category_id=category_id, status=Incident.Status.OPEN,
                            first_at__gte=complaint.created_at - window,
                            first_at__lte=complaint.created_at)
                    .order_by("first_at").first())
        if incident is not None:
            IncidentMember.objects.get_or_create(complaint=complaint, defaults={"incident": incident})
            return incident
        peers = list(_groupable().filter(key, created_at__gte=complaint.created_at - window,
                                         created_at__lte=complaint.created_at + window)
                     .order_by("created_at", "pk"))
        if complaint.pk not in {p.pk for p in peers}:
            return None
        # Anchor the window at the earliest complaint that keeps this one inside it.
        first = next(p for p in peers if p.created_at >= complaint.created_at - window)
        members = [p for p in peers if first.created_at <= p.created_at <= first.created_at + window]
        if len({_place(p) for p in members}) < conf.incident_places:
            return None
        incident = Incident.objects.create(
            estate_id=complaint.estate_id, category_id=category_id,
            building_id=None if complaint.facility_id else complaint.building_id,
            facility_id=complaint.facility_id, lead=members[0], first_at=members[0].created_at)
        IncidentMember.objects.bulk_create(
            [IncidentMember(incident=incident, complaint=p) for p in members])
    return incident


def sweep(*, now: Any = None) -> int:
    """Group the recent complaints not in an incident yet; returns how many incidents grew."""
    now = now or timezone.now()
    longest = max([RoutingSettings().incident_hours,
                   *RoutingSettings.objects.values_list("incident_hours", flat=True)])
    recent = (_groupable().filter(created_at__gte=now - timedelta(hours=longest),
                                  category__isnull=False)
              .filter(Q(building__isnull=False) | Q(facility__isnull=False))
              .select_related("estate").order_by("created_at", "pk"))
    grown = 0
    for complaint in recent:
        if IncidentMember.objects.filter(complaint=complaint).exists():
            continue  # grouped with an earlier one in this sweep
        if group(complaint) is not None:
            grown += 1
    return grown


def incident_of(complaint: Complaint) -> Incident | None:
    member = IncidentMember.objects.filter(complaint=complaint).select_related("incident").first()
    return member.incident if member else None


def members(incident: Incident) -> QuerySet[Complaint]:
    return Complaint.objects.filter(incident_membership__incident=incident).order_by("created_at", "pk")


# --------------------------------------------------------------------------- handled once


def _try(label: str, fn: Any, **kwargs: Any) -> Complaint | None:
    try:
        return fn(**kwargs)
    except DomainError as err:
        logger.info("incident: %s of complaint %s skipped: %s", label, kwargs.get("complaint_id"), err)
        return None


def dispatch_members(lead: Complaint, actor: Any) -> int:
    """Dispatch the incident's members that are not dispatched yet like the lead."""
    incident = incident_of(lead)
    if incident is None or incident.lead_id != lead.pk or lead.department is None or actor is None:
        return 0
    done = 0
    for member in members(incident).exclude(pk=lead.pk).filter(status__in=BEFORE_WORK):
        if member.status == Status.RECEIVED and _try(
                "verify", services.complaint_verify, actor=actor, complaint_id=member.pk) is None:
            continue
        if _try("assign", services.complaint_assign, actor=actor, complaint_id=member.pk,
                department=lead.department, handler=lead.handler, plan=lead.plan) is not None:
            done += 1
    return done


def resolve_members(lead: Complaint, actor: Any) -> int:
    """Resolve every open member with the lead's result; returns how many were resolved."""
    incident = incident_of(lead)
    if incident is None or incident.lead_id != lead.pk or actor is None:
        return 0
    done = 0
    for member in members(incident).exclude(pk=lead.pk).filter(status__in=UNRESOLVED):
        if member.status == Status.ON_HOLD and _try(
                "resume", services.complaint_resume, actor=actor, complaint_id=member.pk) is None:
            continue
        member.refresh_from_db(fields=["status"])
        if member.status in BEFORE_WORK:
            continue  # not dispatched: the desk decides (dispatch_members covers the usual case)
        if member.status == Status.ASSIGNED and _try(
                "accept", services.complaint_accept, actor=actor, complaint_id=member.pk) is None:
            continue
        if _try("resolve", services.complaint_resolve, actor=actor, complaint_id=member.pk,
                result=lead.result, root_cause=lead.root_cause) is not None:
            done += 1
    remaining = members(incident).filter(status__in=UNRESOLVED).exists()
    if not remaining:
        Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.RESOLVED,
                                                       resolved_at=timezone.now())
    return done
