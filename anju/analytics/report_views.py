"""The console's monthly reports: the list, "build now", and the download.

Reach is decided in ``anju.analytics.report.access``; a report outside it answers like one
that does not exist (404).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from anju.analytics.report import access
from anju.analytics.report.services import previous_month
from anju.analytics.tasks import build_monthly_reports
from anju.complaints.guards import staff_required
from anju.estates.models import Estate

SHOWN = 200
COMPANY = "company"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", {
        "message": _("Monthly reports are for project managers, the quality department and "
                     "administrators.")}, status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "console/not_found.html", status=404)


@never_cache
@require_GET
@staff_required
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.may_read_reports(user):
        return _forbidden(request)
    reports = list(access.visible_reports(user).order_by("-month", "estate__code")[:SHOWN])
    context: dict[str, Any] = {"reports": reports, "may_build": access.may_build_reports(user)}
    if context["may_build"]:
        context.update(estates=list(access.estates_in_reach(user).filter(is_active=True).order_by("code")),
                       company=access.may_read_company(user),
                       default_month=f"{previous_month(timezone.localdate()):%Y-%m}",
                       max_month=f"{timezone.localdate():%Y-%m}")
    return render(request, "analytics/reports/list.html", context)


def parse_month(raw: str) -> date | None:
    """``YYYY-MM`` (what ``<input type="month">`` sends) of a month not after this one."""
    raw = (raw or "").strip()[:20]
    try:
        year, month = (int(part) for part in raw.split("-")[:2])
        first = date(year, month, 1)
    except ValueError:
        return None
    return first if date(2000, 1, 1) <= first <= timezone.localdate() else None


def _target(user: Any, raw: str) -> tuple[bool, Estate | None] | None:
    """(company?, estate) the user asked for, or None when it is not theirs to build."""
    raw = (raw or "").strip()
    if raw == COMPANY:
        return (True, None) if access.may_read_company(user) else None
    if not raw.isdigit() or len(raw) > 9:
        return None
    estate = access.estates_in_reach(user).filter(pk=int(raw)).first()
    return None if estate is None else (False, estate)


@require_POST
@staff_required
def build_now(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.may_build_reports(user):
        return _forbidden(request)
    month = parse_month(request.POST.get("month", ""))
    target = _target(user, request.POST.get("target", ""))
    if month is None:
        messages.error(request, _("Choose a month (YYYY-MM) no later than this one."))
    elif target is None:
        messages.error(request, _("Choose the company or an estate within your reach."))
    else:
        company, estate = target
        build_monthly_reports.enqueue(month=month.isoformat(), company=company,
                                      estate_id=None if estate is None else estate.pk)
        messages.success(request, _("The report of %(place)s for %(month)s is being built; it appears "
                                    "in this list when the worker has finished.") % {
            "place": estate.name if estate is not None else _("the whole company"),
            "month": date_format(month, "YEAR_MONTH_FORMAT")})
    return redirect("reports:list")


@never_cache
@require_GET
@staff_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may_read_reports(request.user):
        return _forbidden(request)
    report = access.visible_reports(request.user).filter(pk=pk).first()
    if report is None or not report.file:
        return _not_found(request)
    try:
        handle = report.file.open("rb")
    except OSError:
        return _not_found(request)
    place = report.estate.name if report.estate is not None else _("Company")
    name = _("Monthly report %(place)s %(month)s") % {"place": place, "month": f"{report.month:%Y-%m}"}
    response = FileResponse(handle, as_attachment=True, filename=f"{name}.pdf",
                             content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    # A streamed file: the console's guards are typed for HttpResponse, which it stands in for.
    return cast(HttpResponse, response)
