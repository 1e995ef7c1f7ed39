"""Pattern warnings (预警): set-based detectors over the complaints table.

Each detector is a few SQL aggregates or filtered queries (never a Python loop over the
table); Python only handles the findings. Every finding becomes a ``Draft`` with a stable
key, so running a detector again, or two workers running it at once, raises each warning
once (``services.raise_warnings``). ``sweep`` runs them all; the worker calls it
periodically (``anju.warnings.tasks``), and ``check_complaint`` runs the per-complaint ones
right after intake, a category change or a rating (``anju.warnings.receivers``).

Thresholds are per company (``PatternSettings``); detectors loop over companies, which are few.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from anju.complaints.models import Complaint, ComplaintEvent, Status
from anju.estates.models import Building, Company, Facility
from anju.warnings.models import Kind, PatternSettings, Warning
from anju.warnings.services import Draft, raise_warnings

# Complaints that are not a separate matter of their own.
NOT_COUNTED = (Status.MERGED, Status.WITHDRAWN)
# How far back the sweep re-checks text and ratings the receivers may have missed (a
# worker killed between commit and check): the sweep runs every minute.
RECHECK = timedelta(days=2)


# --------------------------------------------------------------------------- settings


def settings_for(company_id: int | None) -> PatternSettings:
    """The company's thresholds, else the default row, else the built-in defaults."""
    rows = {s.company_id: s for s in PatternSettings.objects.filter(
        Q(company_id=company_id) | Q(company__isnull=True)).order_by("-id")}
    return rows.get(company_id) or rows.get(None) or PatternSettings()


def _companies() -> list[tuple[int, PatternSettings]]:
    return [(pk, settings_for(pk)) for pk in Company.objects.values_list("pk", flat=True)]


def _recently_changed(now: datetime) -> Any:
    """Ids of the complaints with a trail entry in the last ``RECHECK`` (indexed by time):
    what the sweep re-checks, because the receivers checked everything older already."""
    return (ComplaintEvent.objects.filter(created_at__gte=now - RECHECK, created_at__lte=now)
            .values("complaint_id"))


def _department_of(row: dict[str, Any]) -> int | None:
    return row.get("department_id") or row.get("category__department_id")


# --------------------------------------------------------------------------- repeats


def _earlier_same_matter(window: timedelta) -> QuerySet[Complaint]:
    """The earlier complaints that make the outer complaint a repeat: same complainant
    (resident, or the contact phone through its blind index, matched across both), same room
    or facility, same category, within ``window`` before it."""
    same_person = (Q(resident_id=OuterRef("resident_id"))
                   | Q(contact_phone_index=OuterRef("contact_phone_index"))
                   | Q(resident__phone_index=OuterRef("contact_phone_index"))
                   | Q(contact_phone_index=OuterRef("resident__phone_index")))
    same_place = Q(room_id=OuterRef("room_id")) | Q(facility_id=OuterRef("facility_id"))
    return (Complaint.objects
            .filter(same_person, same_place, category_id=OuterRef("category_id"),
                    created_at__lt=OuterRef("created_at"),
                    created_at__gte=OuterRef("created_at") - window)
            .exclude(status__in=NOT_COUNTED)
            .order_by("-created_at", "-pk"))


def detect_repeats(*, now: datetime, company_id: int, cfg: PatternSettings,
                   complaint_ids: Iterable[int] | None = None) -> list[Warning]:
    """Mark new repeat complaints (``repeat_of``) and raise a warning for each."""
    window = timedelta(days=cfg.repeat_window_days)
    candidates = (Complaint.objects
                  .filter(estate__company_id=company_id, repeat_of__isnull=True, category__isnull=False,
                          created_at__gte=now - window, created_at__lte=now)
                  .filter(Q(room__isnull=False) | Q(facility__isnull=False))
                  .exclude(status__in=NOT_COUNTED))
    if complaint_ids is not None:
        complaint_ids = list(complaint_ids)
        # A category corrected away from the earlier complaint's: no longer that repeat.
        (Complaint.objects.filter(pk__in=complaint_ids, repeat_of__isnull=False)
         .exclude(category_id=F("repeat_of__category_id")).update(repeat_of=None))
        candidates = candidates.filter(pk__in=complaint_ids)
    else:
        candidates = candidates.filter(pk__in=_recently_changed(now))
    found = list(candidates
                 .annotate(earlier=Subquery(_earlier_same_matter(window).values("pk")[:1]))
                 .filter(earlier__isnull=False)
                 .order_by("pk")  # the same locking order in every worker
                 .values("pk", "number", "earlier", "created_at", "estate_id", "department_id",
                         "category__code", "category__department_id"))
    if not found:
        return []
    earlier = dict(Complaint.objects.filter(pk__in=[f["earlier"] for f in found])
                   .values_list("pk", "created_at"))
    numbers = dict(Complaint.objects.filter(pk__in=[f["earlier"] for f in found])
                   .values_list("pk", "number"))
    drafts = []
    with transaction.atomic():
        for f in found:
            # Compare-and-set: of two workers marking the same complaint, one does.
            if not Complaint.objects.filter(pk=f["pk"], repeat_of__isnull=True).update(
                    repeat_of_id=f["earlier"]):
                continue
            days = max(0, (f["created_at"] - earlier[f["earlier"]]).days)
            drafts.append(Draft(
                kind=Kind.REPEAT, key=f"repeat:{f['pk']}:{f['earlier']}", reason_code="repeat",
                complaint_id=f["pk"],
                related_ids=(f["earlier"], f["pk"]), estate_id=f["estate_id"],
                department_id=_department_of(f),
                data={"category": f["category__code"], "earlier": numbers[f["earlier"]], "days": days}))
        return raise_warnings(drafts, now=now)


# --------------------------------------------------------------------------- hotspots


def detect_hotspots(*, now: datetime, company_id: int, cfg: PatternSettings,
                    complaint_id: int | None = None) -> list[Warning]:
    """``hotspot_count`` or more complaints of one category in one building (or one facility)
    within ``hotspot_hours``. One warning per place and category while the cluster lasts: a new
    one only when no hotspot warning for it was raised within the last ``hotspot_hours``."""
    hours = timedelta(hours=cfg.hotspot_hours)
    recent = (Complaint.objects
              .filter(estate__company_id=company_id, category__isnull=False,
                      created_at__gt=now - hours, created_at__lte=now)
              .exclude(status__in=NOT_COUNTED))
    if complaint_id is not None:  # only the place and category of this complaint
        row = (Complaint.objects.filter(pk=complaint_id)
               .values("category_id", "building_id", "facility_id").first())
        if row is None or row["category_id"] is None:
            return []
        recent = recent.filter(category_id=row["category_id"])
        recent = (recent.filter(facility_id=row["facility_id"]) if row["facility_id"]
                  else recent.filter(building_id=row["building_id"]))
    groups = []
    for place, rows in (
        ("facility", recent.filter(facility__isnull=False).values("facility_id", "category_id")),
        ("building", recent.filter(facility__isnull=True, building__isnull=False)
         .values("building_id", "category_id")),
    ):
        for g in (rows.annotate(n=Count("pk"), first=Min("pk"), last=Max("created_at"))
                  .filter(n__gte=cfg.hotspot_count).order_by()):
            groups.append((place, g))
    if not groups:
        return []
    drafts = []
    for place, g in groups:
        place_id = g[f"{place}_id"]
        prefix = f"hotspot:{place[0]}{place_id}:c{g['category_id']}:"
        if Warning.objects.filter(kind=Kind.HOTSPOT, key__startswith=prefix,
                                  raised_at__gt=now - hours).exists():
            continue  # the same cluster, already on the board
        members = list(recent.filter(**{f"{place}_id": place_id, "category_id": g["category_id"]})
                       .filter(**({} if place == "facility" else {"facility__isnull": True}))
                       .order_by("created_at", "pk")
                       .values("pk", "estate_id", "department_id", "category__code",
                               "category__department_id"))
        if place == "facility":
            where: Any = Facility.objects.select_related("building").get(pk=place_id)
        else:
            where = Building.objects.get(pk=place_id)
        head = members[-1]
        drafts.append(Draft(
            kind=Kind.HOTSPOT, key=f"{prefix}{g['first']}", reason_code="hotspot",
            related_ids=tuple(m["pk"] for m in members), estate_id=head["estate_id"],
            department_id=_department_of(head),
            data={"count": len(members), "hours": cfg.hotspot_hours, "place": str(where),
                  "category": head["category__code"], place: place_id}))
    return raise_warnings(drafts, now=now)


# --------------------------------------------------------------------------- spikes


@dataclass(frozen=True)
class Baseline:
    mean: float
    sd: float


def baseline(daily: list[int]) -> Baseline:
    """Mean and (population) standard deviation of daily counts, days without complaints included."""
    if not daily:
        return Baseline(0.0, 0.0)
    mean = sum(daily) / len(daily)
    return Baseline(mean, math.sqrt(sum((d - mean) ** 2 for d in daily) / len(daily)))


def detect_spikes(*, now: datetime, company_id: int, cfg: PatternSettings) -> list[Warning]:
    """Today's complaints per estate and category against the mean + k·sd of the same estate
    and category over the previous ``spike_baseline_days`` days, with a minimum count."""
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    days = cfg.spike_baseline_days
    base_start = midnight - timedelta(days=days)
    counted = (Complaint.objects.filter(estate__company_id=company_id, category__isnull=False)
               .exclude(status__in=NOT_COUNTED))
    # 1. Only the few estate/category pairs reaching the minimum today go further.
    today = list(counted.filter(created_at__gte=midnight, created_at__lte=now)
                 .values("estate_id", "category_id", "category__code", "category__department_id")
                 .annotate(n=Count("pk")).filter(n__gte=cfg.spike_minimum).order_by())
    if not today:
        return []
    # 2. Their daily counts over the baseline, grouped by day in the database.
    pairs = Q()
    for t in today:
        pairs |= Q(estate_id=t["estate_id"], category_id=t["category_id"])
    daily: dict[tuple[int, int], list[int]] = {}
    for row in (counted.filter(pairs, created_at__gte=base_start, created_at__lt=midnight)
                .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
                .values("estate_id", "category_id", "day").annotate(n=Count("pk")).order_by()):
        daily.setdefault((row["estate_id"], row["category_id"]), []).append(row["n"])
    k = float(cfg.spike_k)
    drafts = []
    for t in today:
        counts = daily.get((t["estate_id"], t["category_id"]), [])
        b = baseline(counts + [0] * (days - len(counts)))
        if t["n"] <= b.mean + k * b.sd:
            continue
        ids = tuple(counted.filter(estate_id=t["estate_id"], category_id=t["category_id"],
                                   created_at__gte=midnight, created_at__lte=now)
                    .order_by("created_at", "pk").values_list("pk", flat=True))
        drafts.append(Draft(
            kind=Kind.SPIKE, key=f"spike:e{t['estate_id']}:c{t['category_id']}:{midnight.date()}",
            reason_code="spike", related_ids=ids, estate_id=t["estate_id"],
            department_id=t["category__department_id"],
            data={"count": t["n"], "category": t["category__code"], "day": str(midnight.date()),
                  "mean": round(b.mean, 1), "sd": round(b.sd, 1), "days": days}))
    return raise_warnings(drafts, now=now)


# --------------------------------------------------------------------------- escalation risk


def _words_q(words: list[str]) -> Q:
    q = Q()
    for word in words:
        q |= Q(description__contains=word) | Q(title__contains=word)
    return q


def detect_escalation_words(*, now: datetime, company_id: int, cfg: PatternSettings,
                            complaint_ids: Iterable[int] | None = None) -> list[Warning]:
    """Complaints whose text mentions a word of the company's list (12345, 住建局, 媒体 …)."""
    words = cfg.keyword_list()
    if not words:
        return []
    rows = (Complaint.objects.filter(estate__company_id=company_id)
            .filter(_words_q(words))
            .exclude(Exists(Warning.objects.filter(complaint=OuterRef("pk"),
                                                   reason_code="escalation_words"))))
    # Only fresh complaints: the text is checked at intake, the sweep re-checks what that missed.
    rows = rows.filter(created_at__gte=now - RECHECK, created_at__lte=now)
    if complaint_ids is not None:
        rows = rows.filter(pk__in=list(complaint_ids))
    drafts = [
        Draft(kind=Kind.ESCALATION_RISK, key=f"risk:words:{r['pk']}", reason_code="escalation_words",
              complaint_id=r["pk"], related_ids=(r["pk"],), estate_id=r["estate_id"],
              department_id=_department_of(r),
              data={"words": [w for w in words if w in r["title"] or w in r["description"]]})
        for r in rows.values("pk", "title", "description", "estate_id", "department_id",
                             "category__department_id")
    ]
    return raise_warnings(drafts, now=now)


def flag_angry(complaint_id: int, *, now: datetime | None = None) -> list[Warning]:
    """Hook for triage: call when the emotion model finds the complainant angry.

    Raises one escalation-risk warning for the complaint (idempotent); returns it when new.
    """
    row = (Complaint.objects.filter(pk=complaint_id)
           .values("pk", "estate_id", "department_id", "category__department_id").first())
    if row is None:
        return []
    return raise_warnings([Draft(
        kind=Kind.ESCALATION_RISK, key=f"risk:angry:{complaint_id}", reason_code="escalation_angry",
        complaint_id=complaint_id, related_ids=(complaint_id,), estate_id=row["estate_id"],
        department_id=_department_of(row))], now=now)


# --------------------------------------------------------------------------- dissatisfied


def dissatisfied_q() -> Q:
    """``complaints.services.is_dissatisfied`` as a filter: two stars or fewer, or not solved."""
    return Q(satisfaction__isnull=False) & (Q(satisfaction__lte=2) | Q(solved=False))


def detect_dissatisfied(*, now: datetime, company_id: int | None = None,
                        complaint_ids: Iterable[int] | None = None) -> list[Warning]:
    """A dissatisfied rating or return visit. Keyed by the reopening it caused, so a second
    dissatisfied rating after another attempt raises a new warning."""
    rows = Complaint.objects.filter(dissatisfied_q())
    if company_id is not None:
        rows = rows.filter(estate__company_id=company_id)
    rows = rows.filter(pk__in=_recently_changed(now))  # ratings of the last days only
    if complaint_ids is not None:
        rows = rows.filter(pk__in=list(complaint_ids))
    drafts = [
        Draft(kind=Kind.DISSATISFIED, key=f"dissatisfied:{r['pk']}:{r['reopen_count']}",
              reason_code="dissatisfied", complaint_id=r["pk"], related_ids=(r["pk"],),
              estate_id=r["estate_id"], department_id=_department_of(r), level=1,
              data={"satisfaction": r["satisfaction"], "solved": r["solved"]})
        for r in rows.values("pk", "reopen_count", "satisfaction", "solved", "estate_id",
                             "department_id", "category__department_id")
    ]
    return raise_warnings(drafts, now=now)


# --------------------------------------------------------------------------- entry points


def sweep(*, now: datetime | None = None) -> list[Warning]:
    """Run every detector for every company; return the warnings this run raised."""
    now = now or timezone.now()
    raised: list[Warning] = []
    for company_id, cfg in _companies():
        raised += detect_repeats(now=now, company_id=company_id, cfg=cfg)
        raised += detect_hotspots(now=now, company_id=company_id, cfg=cfg)
        raised += detect_spikes(now=now, company_id=company_id, cfg=cfg)
        raised += detect_escalation_words(now=now, company_id=company_id, cfg=cfg)
        raised += detect_dissatisfied(now=now, company_id=company_id)
    return raised


def check_complaint(complaint_id: int, *, action: str = "received",
                    now: datetime | None = None) -> list[Warning]:
    """The checks a change calls for, right after it committed: a new complaint is checked
    for a repeat, escalation words and the hotspot of its place; a category set or corrected,
    for a repeat; a dissatisfied rating raises its warning."""
    now = now or timezone.now()
    if action in ("rate_reopen", "rate"):
        return detect_dissatisfied(now=now, complaint_ids=[complaint_id])
    company_id = (Complaint.objects.filter(pk=complaint_id)
                  .values_list("estate__company_id", flat=True).first())
    if company_id is None:
        return []
    cfg = settings_for(company_id)
    ids = [complaint_id]
    raised = detect_repeats(now=now, company_id=company_id, cfg=cfg, complaint_ids=ids)
    if action == "received":
        raised += detect_escalation_words(now=now, company_id=company_id, cfg=cfg, complaint_ids=ids)
        raised += detect_hotspots(now=now, company_id=company_id, cfg=cfg, complaint_id=complaint_id)
    return raised
