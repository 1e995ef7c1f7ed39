"""Reads of the triage app: how often staff accepted the suggestions, per category and week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone

from anju.triage.models import Suggestion


@dataclass
class WeekRow:
    week: date
    category: str
    suggested: int
    decided: int
    accepted: int

    @property
    def rate(self) -> float | None:
        return self.accepted / self.decided if self.decided else None


def acceptance_by_week(*, weeks: int = 12, now: datetime | None = None) -> list[WeekRow]:
    """Per week (Monday, local time) of intake and suggested category: suggestions made,
    decided by staff, accepted as suggested. Newest week first."""
    now = now or timezone.now()
    since = timezone.localtime(now) - timedelta(weeks=weeks)
    rows = (Suggestion.objects.filter(created_at__gte=since)
            .annotate(week=TruncWeek("created_at", tzinfo=timezone.get_current_timezone()))
            .values("week", "category")
            .annotate(suggested=Count("id"),
                      decided=Count("id", filter=~Q(outcome=Suggestion.Outcome.PENDING)),
                      accepted=Count("id", filter=Q(outcome=Suggestion.Outcome.ACCEPTED)))
            .order_by("-week", "category"))
    return [WeekRow(week=_as_date(r["week"]), category=r["category"], suggested=r["suggested"],
                    decided=r["decided"], accepted=r["accepted"]) for r in rows]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
