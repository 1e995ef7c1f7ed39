"""Each metric's result as a ``Table`` (anju.analytics.tables), for pages and exports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from anju.analytics.metrics import Bucket, LeagueRow, ParetoRow, Summary
from anju.analytics.tables import Column, Table


def summary_rows() -> list[tuple[str, Any, str]]:
    """(field, label, kind) of every Summary figure, in display order."""
    return [
        ("received", _("Received"), "int"),
        ("resolved", _("Resolved"), "int"),
        ("closed", _("Closed"), "int"),
        ("open", _("Still open"), "int"),
        ("withdrawn", _("Withdrawn"), "int"),
        ("referred_out", _("Referred out"), "int"),
        ("merged", _("Merged"), "int"),
        ("feedback_on_time_rate", _("On-time feedback rate"), "percent"),
        ("resolve_on_time_rate", _("On-time resolution rate"), "percent"),
        ("feedback_median_s", _("Time to first feedback, median"), "duration"),
        ("feedback_p90_s", _("Time to first feedback, P90"), "duration"),
        ("resolution_median_s", _("Time to resolution, median"), "duration"),
        ("resolution_p90_s", _("Time to resolution, P90"), "duration"),
        ("satisfaction_avg", _("Satisfaction (average of 5)"), "number"),
        ("satisfied_share", _("Share satisfied (4–5 stars)"), "percent"),
        ("rated", _("Ratings"), "int"),
        ("repeat_rate", _("Repeat-complaint rate"), "percent"),
        ("reopen_rate", _("Reopen rate"), "percent"),
    ]


def summary_table(summary: Summary, previous: Summary | None = None, *, title: str = "") -> Table:
    """One row per figure: this period and (when given) the previous one.

    The value columns hold numbers of different kinds, so each row carries its kind; the
    value columns are typed ``number`` and a writer may use ``row["kind"]``.
    """
    columns = [Column("figure", _("Figure")), Column("value", _("This period"), "number")]
    if previous is not None:
        columns.append(Column("previous", _("Previous period"), "number"))
    rows = []
    for name, label, kind in summary_rows():
        row = {"figure": str(label), "value": getattr(summary, name), "kind": kind}
        if previous is not None:
            row["previous"] = getattr(previous, name)
        rows.append(row)
    return Table(title or _("Key figures"), columns, rows)


def volume_table(buckets: list[Bucket], *, dimension: str, title: str = "") -> Table:
    columns = [Column("label", dimension_label(dimension)),
               Column("count", _("Complaints"), "int")]
    return Table(title or _("Complaints received"), columns,
                 [{"label": b.label, "count": b.count} for b in buckets])


def pareto_table(rows: list[ParetoRow], *, dimension: str, title: str = "") -> Table:
    columns = [Column("label", dimension_label(dimension)), Column("count", _("Complaints"), "int"),
               Column("share", _("Share"), "percent"), Column("cumulative", _("Cumulative share"), "percent")]
    return Table(title or _("Causes (Pareto)"), columns,
                 [{"label": r.label, "count": r.count, "share": r.share, "cumulative": r.cumulative}
                  for r in rows])


def dissatisfaction_table(buckets: list[Bucket], *, title: str = "") -> Table:
    columns = [Column("label", _("Reason")), Column("count", _("Dissatisfied ratings"), "int")]
    return Table(title or _("Reasons for dissatisfaction"), columns,
                 [{"label": b.label, "count": b.count} for b in buckets])


def league_table(rows: list[LeagueRow], *, by: str, title: str = "") -> Table:
    columns = [
        Column("label", dimension_label(by)),
        Column("handled", _("Handled"), "int"),
        Column("resolved", _("Resolved"), "int"),
        Column("on_time_rate", _("On-time resolution rate"), "percent"),
        Column("satisfaction_avg", _("Satisfaction (average of 5)"), "number"),
        Column("rated", _("Ratings"), "int"),
        Column("reopen_rate", _("Reopen rate"), "percent"),
        Column("repeat_rate", _("Repeat-complaint rate"), "percent"),
    ]
    default = _("Handlers") if by == "handler" else _("Departments")
    return Table(title or default, columns, [
        {"label": r.label, "handled": r.handled, "resolved": r.resolved, "on_time_rate": r.on_time_rate,
         "satisfaction_avg": r.satisfaction_avg, "rated": r.rated, "reopen_rate": r.reopen_rate,
         "repeat_rate": r.repeat_rate} for r in rows])


def dimension_label(by: str) -> str:
    labels = {
        "day": _("Day"), "week": _("Week starting"), "month": _("Month"), "category": _("Category"),
        "estate": _("Estate"), "building": _("Building"), "facility": _("Facility"),
        "channel": _("Channel"), "department": _("Department"), "root_cause": _("Root cause"),
        "handler": _("Handler"),
    }
    return str(labels.get(by, by))
