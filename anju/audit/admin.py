"""A read-only view of the audit log for administrators and the quality department."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from anju.audit.models import AuditEntry
from anju.staff import policy
from anju.staff.policy import Capability


def may_read_audit(user: Any) -> bool:
    """Administrators, the quality department and superusers (``anju.staff.policy``)."""
    return policy.can(user, Capability.READ_AUDIT_LOG)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["seq", "created_at", "action", "actor_label", "target_type", "target_id", "ip"]
    list_filter = ["action", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["=target_id"]
    fields = ("seq", "created_at", "action", "actor", "actor_label", "target_type", "target_id", "ip",
              "data", "prev_hash", "hash")
    readonly_fields = fields
    show_full_result_count = False
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_read_audit(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_read_audit(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
