"""Who may read and build monthly reports (the roles: ``anju.staff.policy``).

* project managers: the reports of the estates in their reach (never the company's: it
  counts confidential complaints, which they do not see);
* quality and administrators: the reports of the estates in their reach, and the company
  report when they reach every estate; they may also have one built now.
* every other role: none (the reports are management documents).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from anju.analytics.models import MonthlyReport
from anju.estates.models import Estate
from anju.staff import policy
from anju.staff.policy import Capability


def may_read_reports(user: Any) -> bool:
    return policy.can(user, Capability.READ_REPORTS)


def may_build_reports(user: Any) -> bool:
    return policy.can(user, Capability.BUILD_REPORTS)


def may_read_company(user: Any) -> bool:
    """The company report counts confidential complaints: its roles, reaching every estate."""
    return policy.can(user, Capability.READ_COMPANY_REPORT) and bool(user.staff.all_estates)


def estates_in_reach(user: Any) -> QuerySet[Estate]:
    if not may_read_reports(user):
        return Estate.objects.none()
    if user.staff.all_estates:
        return Estate.objects.all()
    return Estate.objects.filter(pk__in=user.staff.estates.all())


def visible_reports(user: Any) -> QuerySet[MonthlyReport]:
    if not may_read_reports(user):
        return MonthlyReport.objects.none()
    reach = Q(estate__in=estates_in_reach(user)) if not user.staff.all_estates else Q(estate__isnull=False)
    if may_read_company(user):
        reach |= Q(estate__isnull=True)
    return MonthlyReport.objects.filter(reach).select_related("estate")
