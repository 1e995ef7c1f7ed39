"""Building, storing and announcing monthly reports.

``monthly_report_build`` is the one write: it renders the PDF, stores it as the
``MonthlyReport`` of (estate, month) — replacing the file of an earlier build — and, the
first time, tells the report's audience in-app after commit. ``build_due`` is what the
worker's hourly job runs: every report of the previous month not built yet, so the run on
the 1st builds them and every later run finds nothing to do.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from anju.accounts.models import User
from anju.analytics.models import MonthlyReport
from anju.analytics.report import data, pdf
from anju.estates.models import Estate
from anju.notify.services import notify_user
from anju.staff import policy
from anju.staff.models import Role
from anju.staff.policy import Capability

logger = logging.getLogger(__name__)

NOTIFY_KIND = "monthly_report"


def first_of(day: date) -> date:
    return day.replace(day=1)


def previous_month(today: date) -> date:
    return first_of(first_of(today) - timedelta(days=1))


def build_pdf(estate: Estate | None, month: date, *, now: datetime | None = None,
              language: str | None = None) -> tuple[bytes, int]:
    """The report's PDF and page count, in ``language`` (default: the site's)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        return pdf.render(data.collect(estate, first_of(month), now=now))


def _filename(estate: Estate | None, month: date) -> str:
    return f"{estate.code if estate is not None else 'company'}-{month:%Y-%m}.pdf"


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Could not delete the replaced report file %s", name)


def monthly_report_build(*, estate: Estate | None, month: date, now: datetime | None = None,
                         notify: bool = True) -> MonthlyReport:
    """Build and store the report of ``estate`` (None: the company) for ``month``.

    Safe to call again: the row stays (same id, same download link) and its file is
    replaced; the old file is removed after commit. The audience is notified only when
    the report is new and ``notify`` is set.
    """
    month = first_of(month)
    now = now or timezone.now()
    content, pages = build_pdf(estate, month, now=now)
    with transaction.atomic():
        # No ordering: the default one joins the estate, which FOR UPDATE cannot lock.
        report = (MonthlyReport.objects.select_for_update().order_by()
                  .filter(estate=estate, month=month).first())
        created = report is None
        if report is None:
            report = MonthlyReport(estate=estate, month=month)
        old = report.file.name if report.file else ""
        report.file.save(_filename(estate, month), ContentFile(content), save=False)
        report.size, report.pages, report.created_at = len(content), pages, now
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # Another worker created the row a moment ago: theirs stands, ours is discarded.
            _delete_file(report.file.name)
            return MonthlyReport.objects.get(estate=estate, month=month)
        if old and old != report.file.name:
            transaction.on_commit(lambda: _delete_file(old))
        if created and notify:
            announce(report)
    return report


def audience(report: MonthlyReport) -> QuerySet[User]:
    """Who is told: the estate's project managers; for the company, the roles that may read
    it (quality and admins, ``policy.Capability.READ_COMPANY_REPORT``) reaching every estate
    (``access.may_read_company``: nobody is sent a link they could not open)."""
    users = User.objects.filter(is_active=True, staff__isnull=False)
    if report.estate_id is None:
        return users.filter(staff__role__in=policy.roles(Capability.READ_COMPANY_REPORT),
                            staff__all_estates=True)
    return users.filter(Q(staff__all_estates=True) | Q(staff__estates=report.estate_id),
                        staff__role=Role.MANAGER).distinct()


def announce(report: MonthlyReport) -> int:
    """An in-app notification with the download link to each of the report's audience."""
    link = reverse("reports:download", args=[report.pk])
    with translation.override(settings.LANGUAGE_CODE):
        place = report.estate.name if report.estate is not None else _("the whole company")
        values = {"place": place, "month": date_format(report.month, "YEAR_MONTH_FORMAT"), "link": link}
        subject = _("Monthly report: %(place)s, %(month)s") % values
        body = _("The monthly complaint report of %(place)s for %(month)s is ready. "
                 "Download: %(link)s") % values
    count = 0
    for user in audience(report):
        notify_user(user, kind=NOTIFY_KIND, subject=subject, body=body)
        count += 1
    return count


def due_targets(month: date) -> list[Estate | None]:
    """The reports of ``month`` not built yet: each active estate, then the company."""
    built = MonthlyReport.objects.filter(month=month)
    done = set(built.exclude(estate=None).values_list("estate_id", flat=True))
    targets: list[Estate | None] = [e for e in Estate.objects.filter(is_active=True).order_by("code")
                                    if e.pk not in done]
    if not built.filter(estate=None).exists():
        targets.append(None)
    return targets


def build_due(*, now: datetime | None = None) -> list[MonthlyReport]:
    """Build every missing report of the month before ``now`` (local time)."""
    now = now or timezone.now()
    month = previous_month(timezone.localdate(now))
    built = []
    for estate in due_targets(month):
        try:
            built.append(monthly_report_build(estate=estate, month=month, now=now))
        except Exception:  # one estate's failure must not stop the others; retried next hour
            logger.exception("Monthly report of %s for %s failed", estate, month)
    return built
