"""Small display helpers for the console's templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from anju.complaints.models import FINAL_STATUSES, Complaint, Status
from anju.console import guards, presenters
from anju.lib.labels import localised_name
from anju.privacy.masks import masked_contact, masked_name

register = template.Library()


@register.filter
def mask_name(value: str) -> str:
    """张* — the console never prints a resident's name in full outside a logged reveal."""
    return masked_name(value or "")


@register.filter
def mask_contact(value: str) -> str:
    """138****5678 or a***@example.com."""
    return masked_contact(value) if value else ""


@register.filter
def local_name(obj: Any) -> str:
    return localised_name(obj)


@register.filter
def place(complaint: Complaint) -> str:
    return presenters.place_within_estate(complaint)


@register.filter
def overdue(complaint: Complaint) -> bool:
    due = complaint.resolve_due_at
    return (due is not None and complaint.status not in FINAL_STATUSES
            and complaint.status != Status.RESOLVED and due < timezone.now())


@register.filter
def role_label(user: Any) -> str:
    staff = getattr(user, "staff", None)
    return staff.get_role_display() if staff is not None else ""


@register.filter
def may_take_intake(user: Any) -> bool:
    return guards.may_take_intake(user)


@register.filter
def may_open_admin(user: Any) -> bool:
    return guards.may_open_admin(user)


@register.inclusion_tag("console/_field.html")
def field(bound_field: Any, css: str = "") -> dict[str, Any]:
    return {"field": bound_field, "css": css}
