"""What a statistic is about: whose reach, which period, which slice.

A ``Scope`` is the one input of every metric. Its complaints are those *received*
(``created_at``) within the local dates [start, end] (Asia/Shanghai), inside the viewer's
reach (``visible_complaints``: confidential ones only for quality and admin), narrowed by
the optional estate, department, category and channel filters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.complaints.access import visible_complaints
from anju.complaints.models import Channel, Complaint

DEFAULT_DAYS = 30
# A longer period is allowed but must stay readable and cheap; ten years is plenty.
MAX_DAYS = 3660


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class Scope:
    user: Any
    start: date
    end: date
    estate_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    # The moment "open and past due" is judged at; None = now. Tests pass it in.
    now: datetime | None = None

    @property
    def since(self) -> datetime:
        return local_midnight(self.start)

    @property
    def until(self) -> datetime:
        """Exclusive upper bound: local midnight after ``end``."""
        return local_midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def at(self) -> datetime:
        return self.now or timezone.now()

    def complaints(self) -> QuerySet[Complaint]:
        qs = visible_complaints(self.user).filter(created_at__gte=self.since, created_at__lt=self.until)
        if self.estate_ids:
            qs = qs.filter(estate_id__in=self.estate_ids)
        if self.department_ids:
            qs = qs.filter(department_id__in=self.department_ids)
        if self.category_ids:
            qs = qs.filter(category_id__in=self.category_ids)
        if self.channels:
            qs = qs.filter(channel__in=self.channels)
        return qs.order_by()

    def previous(self) -> Scope:
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=self.days - 1), end=end)

    def link_params(self, **extra: Any) -> dict[str, str]:
        """The console complaint list's query string for the complaints behind a figure.

        ``extra`` narrows further (see ``anju.analytics.drill``); ``from``/``to`` in it
        replace the period (a day of the volume chart).
        """
        params: dict[str, str] = {"tab": "all", "from": self.start.isoformat(),
                                  "to": self.end.isoformat()}
        for key, values in (("estates", self.estate_ids), ("departments", self.department_ids),
                            ("categories", self.category_ids), ("channels", self.channels)):
            if values:
                params[key] = ",".join(str(v) for v in values)
        for key, value in extra.items():
            if value is None or value == "":
                continue
            params[key] = value.isoformat() if isinstance(value, date) else str(value)
        return params

    def query_string(self) -> dict[str, str]:
        """This scope's own filters as the dashboard's GET parameters."""
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for key, values in (("estate", self.estate_ids), ("department", self.department_ids),
                            ("category", self.category_ids), ("channel", self.channels)):
            if values:
                params[key] = ",".join(str(v) for v in values)
        return params


def default_scope(user: Any, **kwargs: Any) -> Scope:
    end = today()
    return Scope(user=user, start=end - timedelta(days=DEFAULT_DAYS - 1), end=end, **kwargs)


def _parse_date(raw: str, label: str, errors: list[str]) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(_("%(field)s is not a date (use YYYY-MM-DD): %(value)s")
                      % {"field": label, "value": raw[:40]})
        return None


def _values(request: Any, name: str) -> list[str]:
    """A filter given once with commas (estate=1,2) or repeated (estate=1&estate=2)."""
    out: list[str] = []
    for raw in request.GET.getlist(name):
        out.extend(v.strip() for v in raw.split(",") if v.strip())
    return out


def _ids(request: Any, name: str, label: str, errors: list[str]) -> tuple[int, ...]:
    ids: list[int] = []
    for value in _values(request, name):
        if value.isdigit() and len(value) < 10:
            ids.append(int(value))
        else:
            errors.append(_("%(field)s: unknown value %(value)s, ignored")
                          % {"field": label, "value": value[:40]})
    return tuple(sorted(set(ids)))


def scope_from_request(request: Any) -> tuple[Scope, list[str]]:
    """The scope the dashboard's GET filters ask for, and what was wrong with them.

    Never raises: a bad value is reported (translated) and left out; a bad period falls
    back to the default (the last 30 days up to today).
    """
    errors: list[str] = []
    start = _parse_date(request.GET.get("start", ""), _("Start date"), errors)
    end = _parse_date(request.GET.get("end", ""), _("End date"), errors)
    end = end or today()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        errors.append(_("The start date is after the end date; showing the last 30 days."))
        end = today()
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    elif (end - start).days + 1 > MAX_DAYS:
        errors.append(_("The period is too long (at most %(days)d days); showing the last 30 days.")
                      % {"days": MAX_DAYS})
        end = today()
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    channels = []
    for value in _values(request, "channel"):
        if value in Channel.values:
            channels.append(value)
        else:
            errors.append(_("%(field)s: unknown value %(value)s, ignored")
                          % {"field": _("Channel"), "value": value[:40]})
    scope = Scope(
        user=request.user, start=start, end=end,
        estate_ids=_ids(request, "estate", _("Estate"), errors),
        department_ids=_ids(request, "department", _("Department"), errors),
        category_ids=_ids(request, "category", _("Category"), errors),
        channels=tuple(sorted(set(channels))),
    )
    return scope, errors
