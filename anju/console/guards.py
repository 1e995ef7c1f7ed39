"""Who may use the console's intake and administration links.

Signed-in staff only: ``anju.complaints.guards.staff_required`` (with ``not_staff``),
shared with the staff pages other apps serve under the console.
"""

from __future__ import annotations

from typing import Any

from anju.complaints import access

# Re-exported for anju/console/views/complaint.py only, which is being reworked
# elsewhere; import them from anju.complaints.guards.
from anju.complaints.guards import not_staff, staff_required
from anju.staff import policy

__all__ = ["may_open_admin", "may_take_intake", "not_staff", "staff_required"]


def may_take_intake(user: Any) -> bool:
    return access.is_staff_member(user) and access.may_record(user)


def may_open_admin(user: Any) -> bool:
    """Whether the console links to the administration (``anju.staff.policy``)."""
    return policy.may_open_admin(user)
