"""The reach a scheduled report is built with.

A report is built by the worker, with no user behind it, and read later by its audience:

* an estate's report goes to that estate's project managers (and quality/admin may open
  it). It is built with a project manager's reach over that one estate: every complaint
  of the estate except the confidential ones, which a project manager may not see — so
  the file never tells its readers more than their own console would.
* the company's report goes to quality and administrators, the roles that see
  confidential complaints; it is built with their reach: every complaint of every estate.

``SystemViewer`` is the stand-in user ``anju.complaints.access.visible_complaints`` reads
(the same shape as a signed-in staff member), so a report and the console count the same
complaints for the same role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anju.estates.models import Estate
from anju.staff.models import Department, Role


class _Reach:
    """The parts of a ``StaffProfile`` the access policy reads."""

    def __init__(self, role: str, estate: Estate | None) -> None:
        self.role = role
        self.all_estates = estate is None
        self._estate_id = None if estate is None else estate.pk

    @property
    def estates(self) -> QuerySet[Estate]:
        if self._estate_id is None:
            return Estate.objects.all()
        return Estate.objects.filter(pk=self._estate_id)

    @property
    def departments(self) -> QuerySet[Department]:
        return Department.objects.none()


class SystemViewer:
    """The reader a report of ``estate`` (None: the company) is built for."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None
    resident = None

    def __init__(self, estate: Estate | None) -> None:
        self.estate = estate
        self.staff: Any = _Reach(Role.MANAGER if estate is not None else Role.QUALITY, estate)

    def __repr__(self) -> str:
        return f"<SystemViewer {self.staff.role} estate={self.staff._estate_id}>"
