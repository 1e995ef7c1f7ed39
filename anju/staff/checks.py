"""The settings that name staff roles, checked against the roles (``anju.lib.checks``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from anju.lib.checks import settings_check
from anju.staff.models import Role


@settings_check
def pii_full_roles() -> list[checks.CheckMessage]:
    """``anju.E005``: ``ANJU_PII_FULL_ROLES`` names only roles that exist."""
    unknown = [role for role in settings.ANJU_PII_FULL_ROLES if role not in Role.values]
    if not unknown:
        return []
    return [checks.Error(
        f"ANJU_PII_FULL_ROLES names {', '.join(map(repr, unknown))}, which "
        f"{'is not a role' if len(unknown) == 1 else 'are not roles'}.",
        hint="Use staff roles from: " + ", ".join(Role.values) + ".",
        id="anju.E005")]
