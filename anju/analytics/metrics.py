"""The figures of the dashboards, each answered by SQL aggregates over a ``Scope``.

No function loops over complaints in Python: each runs one grouped query (a few for the
percentiles on SQLite) and fetches only the aggregated rows. Definitions are in
docs/analytics.md ("Metrics"); the drill-down filter of each figure is in
``anju.analytics.drill``, so a figure and the list behind it count the same rows.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField, Func, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.analytics.drill import NOT_RESOLVING, feedback_late_q, resolve_late_q, resolved_q
from anju.analytics.scope import Scope
from anju.complaints.models import OPEN_STATUSES, Channel, Complaint, RootCause, Status
from anju.console.fields import localised_name

VOLUME_BY = ("day", "week", "month", "category", "estate", "building", "facility", "channel",
             "department")
PARETO_BY = ("category", "root_cause")
LEAGUE_BY = ("handler", "department")


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    count: int
    link: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParetoRow:
    key: str
    label: str
    count: int
    share: float
    cumulative: float
    link: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Heatmap:
    rows: list[str]
    cols: list[str]
    cells: list[tuple[int, int, int]]
    row_keys: list[str] = field(default_factory=list)
    col_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeagueRow:
    key: str
    label: str
    handled: int
    on_time_rate: float | None
    satisfaction_avg: float | None
    reopen_rate: float | None
    repeat_rate: float | None
    link: dict[str, str] = field(default_factory=dict)
    resolved: int = 0
    rated: int = 0


@dataclass(frozen=True)
class Summary:
    received: int = 0
    resolved: int = 0
    closed: int = 0
    withdrawn: int = 0
    referred_out: int = 0
    merged: int = 0
    open: int = 0
    feedback_on_time_rate: float | None = None
    resolve_on_time_rate: float | None = None
    feedback_median_s: float | None = None
    feedback_p90_s: float | None = None
    resolution_median_s: float | None = None
    resolution_p90_s: float | None = None
    satisfaction_avg: float | None = None
    satisfied_share: float | None = None
    rated: int = 0
    repeat_rate: float | None = None
    reopen_rate: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


SUMMARY_FIELDS = tuple(f.name for f in fields(Summary))


def ratio(part: int | None, whole: int | None) -> float | None:
    return None if not whole else (part or 0) / whole


# --------------------------------------------------------------------------- percentiles


class Seconds(Func):
    """``end − start`` (two datetime columns) in seconds, on both databases."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:  # PostgreSQL
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"EXTRACT(EPOCH FROM ({end} - {start}))", [*end_params, *start_params]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # julianday() is native; Django's own datetime difference calls a Python function
        # per row, which at a million rows costs seconds.
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return (f"((julianday({end}) - julianday({start})) * 86400.0)",
                [*end_params, *start_params])


def percentiles(qs: QuerySet[Any], expression: Any, fractions: tuple[float, ...]) -> list[float | None]:
    """Continuous percentiles (as PostgreSQL's ``percentile_cont``) of ``expression`` over ``qs``.

    PostgreSQL computes them in one ordered-set aggregate. SQLite has none: it counts,
    then reads the one or two neighbouring values of each fraction with ORDER BY … LIMIT 2
    OFFSET k, and interpolates like ``percentile_cont`` does, so both answer the same.
    """
    inner = qs.order_by().annotate(_v=expression).filter(_v__isnull=False).values_list("_v")
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            array = ", ".join("%s" for _f in fractions)
            cursor.execute(f"SELECT percentile_cont(ARRAY[{array}]::float8[]) WITHIN GROUP "  # noqa: S608
                           f"(ORDER BY sub._v) FROM ({sql}) sub", [*fractions, *params])
            row = cursor.fetchone()
            values = row[0] if row and row[0] is not None else [None] * len(fractions)
            return [None if v is None else float(v) for v in values]
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) sub", params)  # noqa: S608
        n = cursor.fetchone()[0]
        if not n:
            return [None] * len(fractions)
        out: list[float | None] = []
        for fraction in fractions:
            position = fraction * (n - 1)
            low = math.floor(position)
            cursor.execute(f"SELECT sub._v FROM ({sql}) sub ORDER BY sub._v LIMIT 2 OFFSET %s",  # noqa: S608
                           [*params, low])
            found = [float(r[0]) for r in cursor.fetchall()]
            if len(found) == 1 or position == low:
                out.append(found[0])
            else:
                out.append(found[0] + (found[1] - found[0]) * (position - low))
        return out


def feedback_seconds() -> Any:
    return Seconds(F("first_feedback_at"), F("created_at"))


def resolution_seconds() -> Any:
    """Received to (last) resolution, minus the time on hold."""
    return ExpressionWrapper(Seconds(F("resolved_at"), F("created_at")) - F("held_seconds"),
                             output_field=FloatField())


# --------------------------------------------------------------------------- summary


def _summary_aggregates(now: Any) -> dict[str, Any]:
    ever_resolved = Q(resolved_at__isnull=False) | Q(reopen_count__gt=0)
    feedback_due = Q(feedback_due_at__isnull=False) & (
        Q(first_feedback_at__isnull=False) | feedback_late_q(now))
    resolve_due = ~Q(status__in=NOT_RESOLVING) & Q(resolve_due_at__isnull=False) & (
        Q(resolved_at__isnull=False) | resolve_late_q(now))
    return {
        "received": Count("id"),
        "resolved": Count("id", filter=resolved_q()),
        "closed": Count("id", filter=Q(status=Status.CLOSED)),
        "withdrawn": Count("id", filter=Q(status=Status.WITHDRAWN)),
        "referred_out": Count("id", filter=Q(status=Status.REFERRED_OUT)),
        "merged": Count("id", filter=Q(status=Status.MERGED)),
        "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
        "feedback_due": Count("id", filter=feedback_due),
        "feedback_on_time": Count("id", filter=Q(feedback_due_at__isnull=False,
                                                 first_feedback_at__lte=F("feedback_due_at"))),
        "resolve_due": Count("id", filter=resolve_due),
        "resolve_on_time": Count("id", filter=~Q(status__in=NOT_RESOLVING)
                                 & Q(resolved_at__lte=F("resolve_due_at"))),
        "rated": Count("id", filter=Q(satisfaction__isnull=False)),
        "satisfied": Count("id", filter=Q(satisfaction__gte=4)),
        "satisfaction_avg": Avg("satisfaction"),
        "repeats": Count("id", filter=Q(repeat_of__isnull=False)),
        "ever_resolved": Count("id", filter=ever_resolved),
        "reopened": Count("id", filter=Q(reopen_count__gt=0)),
    }


def summary(scope: Scope) -> Summary:
    """The key figures: one aggregate query plus the percentile queries."""
    qs = scope.complaints()
    a = qs.aggregate(**_summary_aggregates(scope.at()))
    feedback = percentiles(qs.filter(first_feedback_at__isnull=False), feedback_seconds(), (0.5, 0.9))
    resolution = percentiles(qs.filter(resolved_q()), resolution_seconds(), (0.5, 0.9))
    avg = a["satisfaction_avg"]
    return Summary(
        received=a["received"], resolved=a["resolved"], closed=a["closed"],
        withdrawn=a["withdrawn"], referred_out=a["referred_out"], merged=a["merged"], open=a["open"],
        feedback_on_time_rate=ratio(a["feedback_on_time"], a["feedback_due"]),
        resolve_on_time_rate=ratio(a["resolve_on_time"], a["resolve_due"]),
        feedback_median_s=feedback[0], feedback_p90_s=feedback[1],
        resolution_median_s=resolution[0], resolution_p90_s=resolution[1],
        satisfaction_avg=None if avg is None else float(avg),
        satisfied_share=ratio(a["satisfied"], a["rated"]), rated=a["rated"],
        repeat_rate=ratio(a["repeats"], a["received"]),
        reopen_rate=ratio(a["reopened"], a["ever_resolved"]),
    )


def compare(scope: Scope) -> dict[str, tuple[Any, Any]]:
    """Each Summary figure now and in the same-length period just before."""
    now, before = summary(scope), summary(scope.previous())
    return {name: (getattr(now, name), getattr(before, name)) for name in SUMMARY_FIELDS}


# --------------------------------------------------------------------------- volume


def _none_label(by: str) -> str:
    if by == "category":
        return _("Not classified")
    if by == "handler":
        return _("Not assigned")
    return _("Not recorded") if by == "root_cause" else _("Not set")


def _named(row: dict[str, Any], prefix: str) -> str:
    class Named:
        name = row.get(f"{prefix}__name") or ""
        name_en = row.get(f"{prefix}__name_en") or ""

    return localised_name(Named())


# by → (grouping field, extra value columns, drill parameter, label builder)
GROUPS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "category": ("category_id", ("category__name", "category__name_en"), "categories"),
    "estate": ("estate_id", ("estate__name",), "estates"),
    "building": ("building_id", ("building__name", "building__estate__name"), "buildings"),
    "facility": ("facility_id", ("facility__name", "facility__estate__name"), "facilities"),
    "channel": ("channel", (), "channels"),
    "department": ("department_id", ("department__name", "department__name_en"), "departments"),
    "root_cause": ("root_cause", (), "root_causes"),
    "handler": ("handler_id", ("handler__name", "handler__username"), "handlers"),
}


def group_label(by: str, row: dict[str, Any]) -> str:
    key = row[GROUPS[by][0]]
    if key is None or key == "":
        return _none_label(by)
    if by in ("category", "department"):
        return _named(row, by)
    if by == "estate":
        return row["estate__name"]
    if by == "building":
        return f"{row['building__estate__name']} {row['building__name']}"
    if by == "facility":
        return f"{row['facility__estate__name']} {row['facility__name']}"
    if by == "channel":
        return str(dict(Channel.choices).get(key, key))
    if by == "root_cause":
        return str(dict(RootCause.choices).get(key, key))
    return row["handler__name"] or row["handler__username"]


def group_key(by: str, row: dict[str, Any]) -> str:
    key = row[GROUPS[by][0]]
    return "none" if key is None or key == "" else str(key)


def _grouped(qs: QuerySet[Complaint], by: str, **aggregates: Any) -> list[dict[str, Any]]:
    column, extra, _param = GROUPS[by]
    return list(qs.values(column, *extra).annotate(n=Count("id"), **aggregates).order_by())


TRUNC = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}


def _period_end(by: str, start: date) -> date:
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _time_volume(scope: Scope, by: str) -> list[Bucket]:
    tz = timezone.get_default_timezone()
    rows = (scope.complaints().annotate(period=TRUNC[by]("created_at", tzinfo=tz))
            .values("period").annotate(n=Count("id")).order_by("period"))
    buckets = []
    for row in rows:
        period = row["period"]
        start = period.date() if hasattr(period, "date") and callable(period.date) else period
        end = _period_end(by, start)
        label = start.isoformat() if by != "month" else start.strftime("%Y-%m")
        link = scope.link_params(**{"from": max(start, scope.start), "to": min(end, scope.end)})
        buckets.append(Bucket(key=start.isoformat(), label=label, count=row["n"], link=link))
    return buckets


def volume(scope: Scope, by: str) -> list[Bucket]:
    """Complaints received, by period (in date order) or by a dimension (largest first)."""
    if by in TRUNC:
        return _time_volume(scope, by)
    if by not in VOLUME_BY:
        raise ValueError(f"Unknown volume grouping {by!r}")
    param = GROUPS[by][2]
    rows = _grouped(scope.complaints(), by)
    buckets = [Bucket(key=group_key(by, r), label=group_label(by, r), count=r["n"],
                      link=scope.link_params(**{param: group_key(by, r)})) for r in rows]
    return sorted(buckets, key=lambda b: (-b.count, b.label))


# --------------------------------------------------------------------------- pareto


def pareto(scope: Scope, by: str) -> list[ParetoRow]:
    """Cause shares, largest first, with the running share (the Pareto line).

    Complaints without the dimension (not classified, no root cause recorded) are left
    out: they are no cause. Root causes are recorded at resolution, so that Pareto covers
    the complaints resolved so far.
    """
    if by not in PARETO_BY:
        raise ValueError(f"Unknown Pareto grouping {by!r}")
    param = GROUPS[by][2]
    qs = scope.complaints()
    qs = qs.exclude(category__isnull=True) if by == "category" else qs.exclude(root_cause="")
    rows = sorted(_grouped(qs, by), key=lambda r: (-r["n"], group_label(by, r)))
    total = sum(r["n"] for r in rows)
    out, running = [], 0
    for r in rows:
        running += r["n"]
        key = group_key(by, r)
        out.append(ParetoRow(key=key, label=group_label(by, r), count=r["n"], share=r["n"] / total,
                             cumulative=running / total, link=scope.link_params(**{param: key})))
    return out


# --------------------------------------------------------------------------- satisfaction


def _reason_sql(inner_sql: str) -> str:
    if connection.vendor == "postgresql":
        return (f"SELECT r.code, COUNT(*) FROM ({inner_sql}) s "  # noqa: S608
                "CROSS JOIN LATERAL jsonb_array_elements_text(s.reasons) AS r(code) GROUP BY r.code "
                f"UNION ALL SELECT '', COUNT(*) FROM ({inner_sql}) s2 "
                "WHERE jsonb_array_length(s2.reasons) = 0")
    return (f"SELECT j.value, COUNT(*) FROM ({inner_sql}) s, json_each(s.reasons) j "  # noqa: S608
            f"GROUP BY j.value UNION ALL SELECT '', COUNT(*) FROM ({inner_sql}) s2 "
            "WHERE json_array_length(s2.reasons) = 0")


def dissatisfaction(scope: Scope) -> list[Bucket]:
    """Reasons given with dissatisfied ratings (a rating may give several), and "no reason".

    Counts survey answers (``visits.SurveyResponse.dissatisfied``) on the scope's
    complaints: a complaint rated dissatisfied twice counts twice, once per answer.
    """
    from anju.visits.models import Reason, SurveyResponse

    answers = SurveyResponse.objects.filter(complaint__in=scope.complaints().values("id"),
                                            dissatisfied=True).order_by().values("reasons")
    sql, params = answers.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_reason_sql(sql), [*params, *params])
        rows = cursor.fetchall()
    labels = dict(Reason.choices)
    buckets = []
    for code, count in rows:
        if not count:
            continue
        key = code or "none"
        label = str(labels.get(code, code)) if code else _("No reason given")
        buckets.append(Bucket(key=key, label=label, count=count, link=scope.link_params(reason=key)))
    return sorted(buckets, key=lambda b: (-b.count, b.label))


# --------------------------------------------------------------------------- heat map


def heatmap(scope: Scope, limit: int = 30) -> Heatmap:
    """Buildings × categories: the ``limit`` buildings with most complaints, every category
    that occurs among them. One grouped query."""
    qs = scope.complaints().filter(building__isnull=False, category__isnull=False)
    rows = list(qs.values("building_id", "building__name", "building__estate__name", "category_id",
                          "category__name", "category__name_en", "category__sort_order")
                .annotate(n=Count("id")).order_by())
    totals: dict[int, int] = {}
    for r in rows:
        totals[r["building_id"]] = totals.get(r["building_id"], 0) + r["n"]
    keep = sorted(totals, key=lambda b: -totals[b])[:limit]
    building_labels = {r["building_id"]: group_label("building", r) for r in rows}
    keep.sort(key=lambda b: building_labels[b])
    kept = [r for r in rows if r["building_id"] in set(keep)]
    categories = sorted({(r["category__sort_order"], r["category_id"]) for r in kept})
    col_ids = [c for _o, c in categories]
    col_labels = {r["category_id"]: group_label("category", r) for r in kept}
    cells = [(keep.index(r["building_id"]), col_ids.index(r["category_id"]), r["n"]) for r in kept]
    return Heatmap(rows=[building_labels[b] for b in keep], cols=[col_labels[c] for c in col_ids],
                   cells=sorted(cells), row_keys=[str(b) for b in keep], col_keys=[str(c) for c in col_ids])


# --------------------------------------------------------------------------- league tables


def league(scope: Scope, by: str) -> list[LeagueRow]:
    """Handlers or departments side by side, one grouped query.

    ``handled``: complaints received in the period and assigned to them (any status);
    the rates follow the summary's definitions, per handler or department.
    """
    if by not in LEAGUE_BY:
        raise ValueError(f"Unknown league grouping {by!r}")
    aggregates = _summary_aggregates(scope.at())
    wanted = ("resolved", "resolve_due", "resolve_on_time", "rated", "satisfaction_avg",
              "repeats", "ever_resolved", "reopened")
    column, _extra, param = GROUPS[by]
    qs = scope.complaints().filter(**{f"{column}__isnull": False})
    rows = _grouped(qs, by, **{k: aggregates[k] for k in wanted})
    out = []
    for r in rows:
        key = group_key(by, r)
        avg = r["satisfaction_avg"]
        out.append(LeagueRow(
            key=key, label=group_label(by, r), handled=r["n"],
            on_time_rate=ratio(r["resolve_on_time"], r["resolve_due"]),
            satisfaction_avg=None if avg is None else float(avg),
            reopen_rate=ratio(r["reopened"], r["ever_resolved"]),
            repeat_rate=ratio(r["repeats"], r["n"]),
            link=scope.link_params(**{param: key}), resolved=r["resolved"], rated=r["rated"]))
    return sorted(out, key=lambda row: (-row.handled, row.label))
