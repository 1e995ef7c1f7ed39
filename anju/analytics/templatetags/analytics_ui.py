"""Formatting of statistics on pages: percentages, durations, averages, changes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from anju.staff import policy
from anju.staff.policy import Capability

register = template.Library()


def duration_text(seconds: float) -> str:
    seconds = max(round(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


@register.filter
def figure(value: Any, kind: str) -> str:
    """A value of a Table column kind, for reading (— when undefined)."""
    if value is None:
        return "—"
    if kind == "percent":
        return number_format(value * 100, 1) + "%"
    if kind == "duration":
        return duration_text(value)
    if kind == "number":
        return number_format(value, 2)
    return number_format(value, 0)


@register.filter
def change(pair: Any, kind: str) -> str:
    """The difference now − before, signed ("+3", "−2.5 pts", "+1 h 5 min"); "" if undefined."""
    now, before = pair
    if now is None or before is None:
        return ""
    diff = now - before
    sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
    if kind == "percent":
        return _("%(sign)s%(value)s pts") % {"sign": sign, "value": number_format(abs(diff) * 100, 1)}
    if kind == "duration":
        return sign + duration_text(abs(diff))
    if kind == "number":
        return sign + number_format(abs(diff), 2)
    return sign + number_format(abs(diff), 0)


@register.simple_tag
def pair(a: Any, b: Any) -> tuple[Any, Any]:
    return (a, b)


@register.filter
def may_see_stats(user: Any) -> bool:
    """Whether the console's menu shows Statistics (anju.staff.policy)."""
    return policy.can(user, Capability.READ_STATISTICS)


@register.filter
def may_read_reports(user: Any) -> bool:
    """Whether the console's menu shows Monthly reports (anju.staff.policy)."""
    return policy.can(user, Capability.READ_REPORTS)
