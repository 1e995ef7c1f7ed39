"""The figures of the dashboards, each answered by SQL aggregates over a ``Scope``.

No function loops over complaints in Python: each runs one grouped query (a few for the
percentiles on SQLite) and fetches only the aggregated rows. Definitions are in
docs/analytics.md ("Metrics"); the drill-down filter of each figure is in
``anju.analytics.drill``, so a figure and the list behind it count the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.analytics.drill import NOT_RESOLVING, feedback_late_q, resolve_late_q, resolved_q
from anju.analytics.scope import Scope
from anju.complaints.models import OPEN_STATUSES, Category, Channel, RootCause, Status
from anju.estates.models import Building, Estate, Facility
from anju.lib import parallel
from anju.lib.labels import localised_name
from anju.lib.refcache import SnapshotCache
from anju.staff.models import Department

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
        # date_part() is double precision; EXTRACT() is numeric since PostgreSQL 14, and
        # sorting numerics for the percentiles costs several times more.
        return f"date_part('epoch', {end} - {start})", [*end_params, *start_params]

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


class Percentiles(Aggregate):
    """PostgreSQL's ``percentile_cont(ARRAY[f, …]) WITHIN GROUP (ORDER BY expression)``:
    several percentiles from one sort; takes FILTER."""

    function = "percentile_cont"
    template = "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fractions: tuple[float, ...], **extra: Any) -> None:
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, fractions=", ".join(repr(float(f)) for f in fractions),
                         output_field=ArrayField(FloatField()), **extra)


def _summary_of(a: dict[str, Any], feedback: list[float | None], resolution: list[float | None]) -> Summary:
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


FRACTIONS = (0.5, 0.9)  # median and P90


def summaries(scope: Scope, periods: list[Scope]) -> list[Summary]:
    """The key figures of each period (scopes differing from ``scope`` only in their dates).

    The counts come from one query grouped by period (a hash aggregate, one pass). On
    PostgreSQL the four percentiles of each period come from one more query of ordered-set
    aggregates (one sort per duration and period); SQLite has none, so there they are read
    by ``percentiles`` (a few queries per period). The queries run side by side where
    ``anju.lib.parallel`` can.
    """
    if not periods:
        return []
    span = replace(scope, start=min(p.start for p in periods), end=max(p.end for p in periods))
    within = [Q(created_at__gte=p.since, created_at__lt=p.until) for p in periods]
    which = Case(*(When(q, then=Value(i)) for i, q in enumerate(within)), default=Value(-1),
                 output_field=IntegerField())
    aggregates = _summary_aggregates(scope.at())

    def counts() -> dict[int, dict[str, Any]]:
        return {r["_period"]: r for r in span.complaints().annotate(_period=which).values("_period")
                .annotate(**aggregates).order_by()}

    def durations() -> dict[str, Any]:
        wanted: dict[str, Any] = {}
        for i, q in enumerate(within):
            wanted[f"f{i}"] = Percentiles(feedback_seconds(), FRACTIONS,
                                          filter=q & Q(first_feedback_at__isnull=False))
            wanted[f"r{i}"] = Percentiles(resolution_seconds(), FRACTIONS, filter=q & resolved_q())
        return span.complaints().aggregate(**wanted)

    if connection.vendor == "postgresql":
        rows, found = parallel.together(counts, durations)
        spans = [(found[f"f{i}"] or [None, None], found[f"r{i}"] or [None, None])
                 for i in range(len(periods))]
    else:
        reads = []
        for period in periods:
            qs = period.complaints()
            reads += [partial(percentiles, qs.filter(first_feedback_at__isnull=False), feedback_seconds(),
                              FRACTIONS),
                      partial(percentiles, qs.filter(resolved_q()), resolution_seconds(), FRACTIONS)]
        rows, *values = parallel.together(counts, *reads)
        spans = [(values[2 * i], values[2 * i + 1]) for i in range(len(periods))]
    empty = {name: (None if name == "satisfaction_avg" else 0) for name in aggregates}
    return [_summary_of(rows.get(i, empty), [_float(v) for v in feedback], [_float(v) for v in resolution])
            for i, (feedback, resolution) in enumerate(spans)]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def summary(scope: Scope) -> Summary:
    """The key figures of one period."""
    return summaries(scope, [scope])[0]


def compare(scope: Scope) -> dict[str, tuple[Any, Any]]:
    """Each Summary figure now and in the same-length period just before (one query)."""
    now, before = summaries(scope, [scope, scope.previous()])
    return {name: (getattr(now, name), getattr(before, name)) for name in SUMMARY_FIELDS}


# --------------------------------------------------------------------------- volume


def _none_label(by: str) -> str:
    if by == "category":
        return _("Not classified")
    if by == "handler":
        return _("Not assigned")
    return _("Not recorded") if by == "root_cause" else _("Not set")


# by → (grouping column, drill-down parameter of the console list); ``labels`` names the keys.
GROUPS: dict[str, tuple[str, str]] = {
    "category": ("category_id", "categories"),
    "estate": ("estate_id", "estates"),
    "building": ("building_id", "buildings"),
    "facility": ("facility_id", "facilities"),
    "channel": ("channel", "channels"),
    "department": ("department_id", "departments"),
    "root_cause": ("root_cause", "root_causes"),
    "handler": ("handler_id", "handlers"),
}
TRUNC = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}


def _blank(key: Any) -> bool:
    return key is None or key == ""


def key_text(key: Any) -> str:
    """A group's key as it appears in links and exports ("none" for no value)."""
    return "none" if _blank(key) else str(key)


def _load_reference() -> dict[str, dict[int, Any]]:
    return {
        "category": {c.pk: c for c in Category.objects.order_by("sort_order", "pk")},
        "department": {d.pk: d for d in Department.objects.order_by("pk")},
        "estate": {e.pk: e for e in Estate.objects.order_by("pk")},
    }


# Categories, departments and estates: small tables read whole, once per process and
# ANJU_REFERENCE_CACHE_SECONDS (a save in this process refreshes them at once).
_reference = SnapshotCache(_load_reference, "complaints.Category", "staff.Department", "estates.Estate")


def labels(by: str, keys: Iterable[Any]) -> dict[Any, str]:
    """The display label of each key of a dimension. Categories come in their sort order,
    and with them any category not among ``keys`` is left out."""
    keys = list(keys)
    wanted = {k for k in keys if not _blank(k)}
    found: dict[Any, str] = {}
    if by == "channel":
        found = {k: str(dict(Channel.choices).get(k, k)) for k in wanted}
    elif by == "root_cause":
        found = {k: str(dict(RootCause.choices).get(k, k)) for k in wanted}
    elif by in ("category", "department", "estate"):
        rows = _reference.get()[by]
        if not wanted <= rows.keys():  # a row newer than this process's snapshot
            _reference.clear()
            rows = _reference.get()[by]
        found = {pk: localised_name(row) if by != "estate" else row.name
                 for pk, row in rows.items() if pk in wanted}
    elif wanted and by in ("building", "facility"):
        place = Building if by == "building" else Facility
        found = {pk: f"{estate} {name}" for pk, name, estate in
                 place.objects.filter(pk__in=wanted).values_list("pk", "name", "estate__name")}
    elif wanted and by == "handler":
        found = {pk: name or username for pk, name, username in
                 get_user_model().objects.filter(pk__in=wanted).values_list("pk", "name", "username")}
    out = dict(found)
    for k in keys:
        if k not in out:
            out[k] = _none_label(by) if _blank(k) else key_text(k)
    return out


# --------------------------------------------------------------------------- grouped counts


class Counts:
    """Counts of a scope's complaints by several grouping sets, and the labels of their keys
    (looked up once per dimension, whichever sets use it)."""

    def __init__(self, rows: dict[tuple[str, ...], list[tuple[tuple[Any, ...], int]]]) -> None:
        self.rows = rows
        self._labels: dict[str, dict[Any, str]] = {}

    def __getitem__(self, grouping: tuple[str, ...]) -> list[tuple[tuple[Any, ...], int]]:
        return self.rows[grouping]

    def labels(self, by: str) -> dict[Any, str]:
        if by not in self._labels:
            keys = {key[st.index(by)] for st, rows in self.rows.items() if by in st for key, _n in rows}
            self._labels[by] = labels(by, keys)
        return self._labels[by]


def _dimension(by: str) -> Any:
    if by in TRUNC:
        return TRUNC[by]("created_at", tzinfo=timezone.get_default_timezone())
    return F(GROUPS[by][0])


def _key_value(by: str, value: Any) -> Any:
    if by in TRUNC and isinstance(value, datetime):
        return value.date()
    return value


def grouped_counts(scope: Scope, sets: Iterable[tuple[str, ...]]) -> Counts:
    """Complaints of the scope counted by each grouping set: ``{set: [(key, count), …]}``.

    On PostgreSQL all sets come from one scan (``GROUP BY GROUPING SETS``); SQLite has no
    grouping sets and answers one grouped query per set. Keys are raw column values (ids,
    codes, local dates); ``labels`` names them.
    """
    sets = list(dict.fromkeys(tuple(s) for s in sets))
    qs = scope.complaints()
    if connection.vendor == "postgresql" and len(sets) > 1:
        out: dict[tuple[str, ...], list[tuple[tuple[Any, ...], int]]] = {s: [] for s in sets}
        dims = sorted({d for s in sets for d in s})
        inner = qs.annotate(**{f"g_{d}": _dimension(d) for d in dims}).values(*(f"g_{d}" for d in dims))
        sql, params = inner.query.sql_with_params()
        columns = ", ".join(f"s.g_{d}" for d in dims)
        grouping = ", ".join("(" + ", ".join(f"s.g_{d}" for d in st) + ")" for st in sets)
        # GROUPING(...) has a 1 bit for each column a row is *not* grouped by (first = highest).
        masks = {sum(1 << (len(dims) - 1 - i) for i, d in enumerate(dims) if d not in st): st for st in sets}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}, COUNT(*), GROUPING({columns}) FROM ({sql}) s "  # noqa: S608
                           f"GROUP BY GROUPING SETS ({grouping})", params)
            for row in cursor.fetchall():
                st = masks[row[-1]]
                values = dict(zip(dims, row, strict=False))
                out[st].append((tuple(_key_value(d, values[d]) for d in st), row[-2]))
        return Counts(out)

    def one_set(st: tuple[str, ...]) -> list[tuple[tuple[Any, ...], int]]:
        names = {f"g_{d}": _dimension(d) for d in st}
        return [(tuple(_key_value(d, r[f"g_{d}"]) for d in st), r["n"])
                for r in qs.annotate(**names).values(*names).annotate(n=Count("id")).order_by()]

    # SQLite: one grouped query per set, side by side where that is possible.
    found = parallel.together(*(partial(one_set, st) for st in sets))
    return Counts(dict(zip(sets, found, strict=True)))


# --------------------------------------------------------------------------- volume


def _period_end(by: str, start: date) -> date:
    if by == "day":
        return start
    if by == "week":
        return start + timedelta(days=6)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _time_buckets(scope: Scope, by: str, rows: list[tuple[tuple[Any, ...], int]]) -> list[Bucket]:
    buckets = []
    for (start,), n in sorted(rows, key=lambda r: r[0][0]):
        end = _period_end(by, start)
        label = start.isoformat() if by != "month" else start.strftime("%Y-%m")
        link = scope.link_params(**{"from": max(start, scope.start), "to": min(end, scope.end)})
        buckets.append(Bucket(key=start.isoformat(), label=label, count=n, link=link))
    return buckets


def volume_of(scope: Scope, by: str, counts: Counts) -> list[Bucket]:
    """The volume chart of ``by`` from counts that include the set ``(by,)``."""
    rows = counts[(by,)]
    if by in TRUNC:
        return _time_buckets(scope, by, rows)
    names = counts.labels(by)
    param = GROUPS[by][1]
    buckets = [Bucket(key=key_text(k), label=names[k], count=n,
                      link=scope.link_params(**{param: key_text(k)})) for (k,), n in rows]
    return sorted(buckets, key=lambda b: (-b.count, b.label))


def volume(scope: Scope, by: str) -> list[Bucket]:
    """Complaints received, by period (in date order) or by a dimension (largest first)."""
    if by not in VOLUME_BY:
        raise ValueError(f"Unknown volume grouping {by!r}")
    return volume_of(scope, by, grouped_counts(scope, [(by,)]))


# --------------------------------------------------------------------------- pareto


def pareto_of(scope: Scope, by: str, counts: Counts) -> list[ParetoRow]:
    """The Pareto rows of ``by`` from counts that include the set ``(by,)``."""
    rows = [(k, n) for (k,), n in counts[(by,)] if not _blank(k)]
    names = counts.labels(by)
    rows.sort(key=lambda r: (-r[1], names[r[0]]))
    total = sum(n for _k, n in rows)
    param = GROUPS[by][1]
    out, running = [], 0
    for k, n in rows:
        running += n
        out.append(ParetoRow(key=key_text(k), label=names[k], count=n, share=n / total,
                             cumulative=running / total, link=scope.link_params(**{param: key_text(k)})))
    return out


def pareto(scope: Scope, by: str) -> list[ParetoRow]:
    """Cause shares, largest first, with the running share (the Pareto line).

    Complaints without the dimension (not classified, no root cause recorded) are left
    out: they are no cause. Root causes are recorded at resolution, so that Pareto covers
    the complaints resolved so far.
    """
    if by not in PARETO_BY:
        raise ValueError(f"Unknown Pareto grouping {by!r}")
    return pareto_of(scope, by, grouped_counts(scope, [(by,)]))


# --------------------------------------------------------------------------- satisfaction


def _reason_sql(inner_sql: str) -> str:
    """Answers × their reasons in one pass; an answer without a reason counts under ''."""
    if connection.vendor == "postgresql":
        return (f"SELECT COALESCE(r.code, ''), COUNT(*) FROM ({inner_sql}) s "  # noqa: S608
                "LEFT JOIN LATERAL jsonb_array_elements_text(s.reasons) AS r(code) ON TRUE GROUP BY 1")
    return (f"SELECT COALESCE(j.value, ''), COUNT(*) FROM ({inner_sql}) s "  # noqa: S608
            "LEFT JOIN json_each(s.reasons) j GROUP BY 1")


def dissatisfaction(scope: Scope) -> list[Bucket]:
    """Reasons given with dissatisfied ratings (a rating may give several), and "no reason".

    Counts survey answers (``visits.SurveyResponse.dissatisfied``) on the scope's
    complaints: a complaint rated dissatisfied twice counts twice, once per answer.
    """
    from anju.visits.models import Reason, SurveyResponse

    # An answer comes after its complaint was received, so only answers given since the
    # period began can be about its complaints: the bound lets the database start from
    # the (partial) index of dissatisfied answers by time instead of every answer.
    answers = (SurveyResponse.objects
               .filter(dissatisfied=True, created_at__gte=scope.since,
                       complaint__in=scope.complaints().values("id"))
               .order_by().values("reasons"))
    sql, params = answers.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_reason_sql(sql), params)
        rows = cursor.fetchall()
    reason_names = dict(Reason.choices)
    buckets = []
    for code, count in rows:
        if not count:
            continue
        key = code or "none"
        label = str(reason_names.get(code, code)) if code else _("No reason given")
        buckets.append(Bucket(key=key, label=label, count=count, link=scope.link_params(reason=key)))
    return sorted(buckets, key=lambda b: (-b.count, b.label))


# --------------------------------------------------------------------------- heat map


HEATMAP_SET = ("building", "category")


def heatmap_of(counts: Counts, limit: int = 30) -> Heatmap:
    """The heat map from counts that include the set ``("building", "category")``."""
    rows = [(b, c, n) for (b, c), n in counts[HEATMAP_SET] if b is not None and c is not None]
    totals: dict[int, int] = {}
    for b, _c, n in rows:
        totals[b] = totals.get(b, 0) + n
    keep_ids = sorted(totals, key=lambda b: -totals[b])[:limit]
    building_labels = counts.labels("building")
    keep = sorted(keep_ids, key=lambda b: building_labels[b])
    kept = [r for r in rows if r[0] in set(keep)]
    col_labels = counts.labels("category")  # in the categories' sort order
    present = {c for _b, c, _n in kept}
    col_ids = [c for c in col_labels if c in present]
    cells = [(keep.index(b), col_ids.index(c), n) for b, c, n in kept]
    return Heatmap(rows=[building_labels[b] for b in keep], cols=[col_labels[c] for c in col_ids],
                   cells=sorted(cells), row_keys=[str(b) for b in keep], col_keys=[str(c) for c in col_ids])


def heatmap(scope: Scope, limit: int = 30) -> Heatmap:
    """Buildings × categories: the ``limit`` buildings with most complaints, every category
    that occurs among them. One grouped query."""
    return heatmap_of(grouped_counts(scope, [HEATMAP_SET]), limit)


# --------------------------------------------------------------------------- a whole dashboard


@dataclass(frozen=True)
class Board:
    """Every figure of a dashboard page."""

    now: Summary
    before: Summary
    volume: list[Bucket]
    by: dict[str, list[Bucket]]
    pareto_category: list[ParetoRow]
    pareto_root_cause: list[ParetoRow]
    dissatisfaction: list[Bucket]
    heatmap: Heatmap


def board(scope: Scope, interval: str, dimensions: Iterable[str], heatmap_limit: int = 30) -> Board:
    """A dashboard's figures in a handful of queries: the two periods' counts in one and
    their percentiles in another, every volume, Pareto and heat-map count in one more (on
    PostgreSQL), the reasons in a fourth, then the names of buildings and facilities. On
    PostgreSQL the four run side by side."""
    dimensions = list(dimensions)
    if interval not in TRUNC or any(by not in VOLUME_BY for by in dimensions):
        raise ValueError(f"Unknown grouping in {interval!r}, {dimensions!r}")
    sets = [(interval,), *((by,) for by in dimensions), ("category",), ("root_cause",), HEATMAP_SET]
    # Independent questions: side by side on PostgreSQL (anju.lib.parallel).
    counts, (now, before), reasons = parallel.together(
        lambda: grouped_counts(scope, sets),
        lambda: summaries(scope, [scope, scope.previous()]),
        lambda: dissatisfaction(scope))
    return Board(
        now=now, before=before, volume=volume_of(scope, interval, counts),
        by={by: volume_of(scope, by, counts) for by in dimensions},
        pareto_category=pareto_of(scope, "category", counts),
        pareto_root_cause=pareto_of(scope, "root_cause", counts),
        dissatisfaction=reasons, heatmap=heatmap_of(counts, heatmap_limit))


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
    column, param = GROUPS[by]
    rows = list(scope.complaints().filter(**{f"{column}__isnull": False}).values(column)
                .annotate(n=Count("id"), **{k: aggregates[k] for k in wanted}).order_by())
    names = labels(by, [r[column] for r in rows])
    out = []
    for r in rows:
        key = key_text(r[column])
        avg = r["satisfaction_avg"]
        out.append(LeagueRow(
            key=key, label=names[r[column]], handled=r["n"],
            on_time_rate=ratio(r["resolve_on_time"], r["resolve_due"]),
            satisfaction_avg=None if avg is None else float(avg),
            reopen_rate=ratio(r["reopened"], r["ever_resolved"]),
            repeat_rate=ratio(r["repeats"], r["n"]),
            link=scope.link_params(**{param: key}), resolved=r["resolved"], rated=r["rated"]))
    return sorted(out, key=lambda row: (-row.handled, row.label))
