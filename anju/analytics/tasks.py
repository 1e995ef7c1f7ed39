"""The monthly reports in the worker: due every hour, building only what is missing."""

from __future__ import annotations

from datetime import date, timedelta

from django_tasks import task

from anju.worker.schedule import periodic


# Hourly, not monthly: the first run after midnight on the 1st builds the previous month's
# reports, every later run finds them built (a worker that was down catches up).
@periodic(every=timedelta(hours=1))
@task()
def build_monthly_reports(month: str = "", estate_id: int | None = None, company: bool = False) -> int:
    """Without arguments: build the previous month's missing reports (and notify).

    With ``month`` (YYYY-MM-DD, any day of it): (re)build that month's report of the estate
    ``estate_id``, or of the company when ``company`` is set — the console's "build now".
    """
    from anju.analytics.report.services import build_due, monthly_report_build
    from anju.estates.models import Estate

    if not month:
        return len(build_due())
    day = date.fromisoformat(month)
    if company:
        monthly_report_build(estate=None, month=day)
        return 1
    estate = Estate.objects.filter(pk=estate_id).first() if estate_id is not None else None
    if estate is None:
        return 0
    monthly_report_build(estate=estate, month=day)
    return 1
