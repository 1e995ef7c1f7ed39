"""Dashboards (headquarters, one estate, one department) and league tables.

Thin views: parse the filters into a ``Scope`` (bad values become messages on the page),
ask ``metrics`` for the figures, render. Reach is the scope's: every figure counts only
complaints the viewer may see. Charts are drawn by analytics/dashboard.js from the JSON
block ``chart-data`` (no inline script: the console's CSP forbids it).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from anju.analytics import metrics, tables_of
from anju.analytics.scope import Scope, scope_from_request
from anju.complaints.guards import staff_required
from anju.complaints.models import Category, Channel
from anju.lib.labels import localised_name
from anju.staff import policy
from anju.staff.policy import Capability, StatisticsReach

INTERVALS = ("day", "week", "month")
HEATMAP_BUILDINGS = 30


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", {
        "message": _("Statistics are for supervisors, project managers and the quality department.")},
        status=403)


def _list_url(params: dict[str, str]) -> str:
    return reverse("console:home") + "?" + urlencode(params)


def _department_choices(reach: StatisticsReach) -> list[tuple[int, str]]:
    """The departments a viewer may pick (``policy.statistics_reach``): a supervisor's own,
    otherwise all active ones."""
    return [(d.pk, localised_name(d)) for d in reach.departments]


def _figures(scope: Scope, now: metrics.Summary, before: metrics.Summary) -> list[dict[str, Any]]:
    """The key figures, each with the previous period's value and a drill-down link."""
    outcome = {"resolved": "resolved", "closed": "closed", "open": "open", "withdrawn": "withdrawn",
               "referred_out": "referred_out", "merged": "merged", "rated": "rated",
               "satisfied_share": "satisfied", "repeat_rate": "repeat", "reopen_rate": "reopened",
               "feedback_on_time_rate": "feedback_late", "resolve_on_time_rate": "resolve_late",
               "resolution_median_s": "resolved", "resolution_p90_s": "resolved"}
    out = []
    for name, label, kind in tables_of.summary_rows():
        extra = {"outcome": outcome[name]} if name in outcome else {}
        out.append({"name": name, "label": label, "kind": kind, "value": getattr(now, name),
                    "previous": getattr(before, name), "late_link": name.endswith("on_time_rate"),
                    "link": _list_url(scope.link_params(**extra))})
    return out


def _buckets(items: list[Any]) -> list[dict[str, Any]]:
    return [{"label": b.label, "count": b.count, "link": _list_url(b.link)} for b in items]


def _pareto(rows: list[metrics.ParetoRow]) -> list[dict[str, Any]]:
    return [{"label": r.label, "count": r.count, "share": r.share, "cumulative": r.cumulative,
             "link": _list_url(r.link)} for r in rows]


def _heatmap(scope: Scope, h: metrics.Heatmap) -> dict[str, Any]:
    links = [[_list_url(scope.link_params(buildings=h.row_keys[r], categories=h.col_keys[c]))
              for c in range(len(h.cols))] for r in range(len(h.rows))]
    return {"rows": h.rows, "cols": h.cols, "cells": [list(c) for c in h.cells], "links": links}


# The volume charts by place and slice of each dashboard (an estate's has no estate chart,
# a department's no department chart).
DIMENSIONS = {
    "hq": ["category", "estate", "building", "facility", "channel", "department"],
    "estate": ["category", "building", "facility", "channel", "department"],
    "department": ["category", "building", "facility", "channel"],
}


def _dashboard(request: HttpRequest, reach: StatisticsReach, *, title: str, fixed: dict[str, Any],
               kind: str) -> HttpResponse:
    scope, errors = scope_from_request(request)
    scope = replace(scope, **fixed)
    interval = request.GET.get("interval", "day")
    if interval not in INTERVALS:
        errors.append(_("Unknown interval “%(value)s”; showing days.") % {"value": interval[:20]})
        interval = "day"
    dimensions = DIMENSIONS[kind]
    board = metrics.board(scope, interval, dimensions, HEATMAP_BUILDINGS)
    charts: dict[str, Any] = {
        "volume": _buckets(board.volume),
        "by": {by: _buckets(board.by[by]) for by in dimensions},
        "pareto_category": _pareto(board.pareto_category),
        "pareto_root_cause": _pareto(board.pareto_root_cause),
        "dissatisfaction": _buckets(board.dissatisfaction),
        "heatmap": _heatmap(scope, board.heatmap),
        "labels": {"count": _("Complaints"), "cumulative": _("Cumulative share"),
                   "empty": _("No complaints in this period.")},
    }
    context = {
        "title": title, "kind": kind, "scope": scope, "errors": errors, "interval": interval,
        "intervals": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
        "figures": _figures(scope, board.now, board.before), "charts": charts,
        "dimensions": [(by, tables_of.dimension_label(by), charts["by"][by]) for by in dimensions],
        "estates": list(reach.estates) if kind == "hq" else [],
        "departments": _department_choices(reach) if kind != "department" else [],
        "categories": [(c.pk, localised_name(c)) for c in Category.objects.filter(is_active=True)],
        "channels": Channel.choices,
        "filters": scope.query_string(),
    }
    return render(request, "analytics/dashboard.html", context)


@never_cache
@staff_required
def headquarters(request: HttpRequest) -> HttpResponse:
    reach = policy.statistics_reach(request.user)
    if reach is None:
        return _forbidden(request)
    return _dashboard(request, reach, title=_("Statistics: all estates in reach"), fixed={}, kind="hq")


@never_cache
@staff_required
def estate(request: HttpRequest, pk: int) -> HttpResponse:
    reach = policy.statistics_reach(request.user)
    if reach is None:
        return _forbidden(request)
    found = reach.estates.filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such estate in your reach."))
    return _dashboard(request, reach, title=_("Statistics: %(estate)s") % {"estate": found.name},
                      fixed={"estate_ids": (found.pk,)}, kind="estate")


@never_cache
@staff_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    reach = policy.statistics_reach(request.user)
    if reach is None:
        return _forbidden(request)
    found = reach.departments.filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such department in your reach."))
    title = _("Statistics: %(department)s") % {"department": localised_name(found)}
    return _dashboard(request, reach, title=title, fixed={"department_ids": (found.pk,)},
                      kind="department")


@never_cache
@staff_required
def league(request: HttpRequest) -> HttpResponse:
    """Handlers or departments side by side; ``?format=xlsx|csv`` downloads the table."""
    reach = policy.statistics_reach(request.user)
    fmt = request.GET.get("format", "")
    if reach is None or (fmt and not policy.can(request.user, Capability.EXPORT_STATISTICS)):
        return _forbidden(request)
    scope, errors = scope_from_request(request)
    by = request.GET.get("by", "handler")
    if by not in metrics.LEAGUE_BY:
        errors.append(_("Unknown table “%(value)s”; showing handlers.") % {"value": by[:20]})
        by = "handler"
    rows = metrics.league(scope, by)
    table = tables_of.league_table(rows, by=by)
    if fmt:
        from anju.analytics.exports import table_response

        filename = f"{table.title} {scope.start.isoformat()}–{scope.end.isoformat()}"
        return table_response(table, fmt, filename)
    query = scope.query_string() | {"by": by}
    context = {
        "scope": scope, "errors": errors, "by": by, "table": table,
        "rows": [(r, _list_url(r.link)) for r in rows],
        "tabs": [("handler", _("Handlers")), ("department", _("Departments"))],
        "filters": scope.query_string(),
        "xlsx": "?" + urlencode(query | {"format": "xlsx"}),
        "csv": "?" + urlencode(query | {"format": "csv"}),
        "estates": list(reach.estates),
        "departments": _department_choices(reach),
        "categories": [(c.pk, localised_name(c)) for c in Category.objects.filter(is_active=True)],
        "channels": Channel.choices,
    }
    return render(request, "analytics/league.html", context)

