"""The figures of one monthly report, gathered with SQL aggregates only.

Every number comes from ``anju.analytics.metrics`` over a ``Scope`` of the report's month
and reach (``reach.SystemViewer``), plus one grouped count of the month's warnings: the
cost does not grow with the number of complaints beyond what the indexed aggregates cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from anju.analytics import metrics
from anju.analytics.models import month_end
from anju.analytics.report.reach import SystemViewer
from anju.analytics.scope import Scope
from anju.estates.models import Estate
from anju.warnings.models import Kind
from anju.warnings.selectors import visible_warnings

TOP = 10


@dataclass(frozen=True)
class WarningCount:
    kind: str
    label: str
    count: int
    open: int


@dataclass
class ReportData:
    estate: Estate | None
    month: date
    generated_at: datetime
    figures: dict[str, tuple[Any, Any]]            # Summary field -> (this month, month before)
    daily: list[metrics.Bucket]                    # every day of the month, zeros included
    categories: list[metrics.ParetoRow]
    root_causes: list[metrics.ParetoRow]
    dissatisfaction: list[metrics.Bucket]
    places: list[metrics.Bucket]                   # buildings of an estate, estates of the company
    warnings: list[WarningCount] = field(default_factory=list)

    @property
    def place_by(self) -> str:
        return "building" if self.estate is not None else "estate"


def month_scope(estate: Estate | None, month: date, *, now: datetime | None = None) -> Scope:
    """The complaints received in ``month`` within the report's reach.

    Statuses and lateness are judged at ``now`` (the build): a report built on the 1st
    shows where the month's complaints stand that day.
    """
    first = month.replace(day=1)
    return Scope(user=SystemViewer(estate), start=first, end=month_end(first),
                 estate_ids=() if estate is None else (estate.pk,), now=now)


def _warnings(scope: Scope) -> list[WarningCount]:
    rows = (visible_warnings(scope.user)
            .filter(raised_at__gte=scope.since, raised_at__lt=scope.until)
            .order_by().values("kind")
            .annotate(n=Count("id"), open=Count("id", filter=Q(acknowledged_at__isnull=True))))
    labels = dict(Kind.choices)
    out = [WarningCount(kind=r["kind"], label=str(labels.get(r["kind"], r["kind"])), count=r["n"],
                        open=r["open"]) for r in rows]
    return sorted(out, key=lambda w: (-w.count, w.kind))


def _daily(scope: Scope, counts: metrics.Counts) -> list[metrics.Bucket]:
    by_day = {b.key: b for b in metrics.volume_of(scope, "day", counts)}
    days = []
    for n in range(scope.days):
        day = date.fromordinal(scope.start.toordinal() + n)
        bucket = by_day.get(day.isoformat())
        days.append(bucket or metrics.Bucket(key=day.isoformat(), label=day.isoformat(), count=0))
    return days


def collect(estate: Estate | None, month: date, *, now: datetime | None = None) -> ReportData:
    """Everything the report shows, for ``estate`` (None: the company) and ``month``."""
    now = now or timezone.now()
    scope = month_scope(estate, month, now=now)
    place = "building" if estate is not None else "estate"
    counts = metrics.grouped_counts(scope, [("day",), (place,), ("category",), ("root_cause",)])
    places = metrics.volume_of(scope, place, counts)
    return ReportData(
        estate=estate, month=scope.start, generated_at=now,
        figures=metrics.compare(scope),
        daily=_daily(scope, counts),
        categories=metrics.pareto_of(scope, "category", counts),
        root_causes=metrics.pareto_of(scope, "root_cause", counts)[:TOP],
        dissatisfaction=metrics.dissatisfaction(scope)[:TOP],
        places=sorted(places, key=lambda b: (-b.count, b.label))[:TOP],
        warnings=_warnings(scope),
    )
