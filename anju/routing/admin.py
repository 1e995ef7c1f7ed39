"""Admin screens: per-estate routing rules, thresholds, and the records of decisions and incidents."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from anju.routing.models import EstateRoute, Incident, IncidentMember, RouteDecision, RoutingSettings


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "incident_hours", "incident_places", "similar_count", "similar_days",
                    "similar_company_wide", "updated_at"]
    fieldsets = [
        (None, {"fields": ["company"]}),
        (_("Incidents"), {"fields": ["incident_hours", "incident_places"]}),
        (_("Similar cases"), {"fields": ["similar_count", "similar_days", "similar_company_wide"]}),
    ]


@admin.register(EstateRoute)
class EstateRouteAdmin(admin.ModelAdmin):
    list_display = ["estate", "category", "department"]
    list_filter = ["estate", "department"]
    list_select_related = ["estate", "category", "department"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(RouteDecision)
class RouteDecisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "complaint", "action", "suggested_department", "suggested_handler",
                    "chosen_department", "chosen_handler", "overridden", "by"]
    list_filter = ["overridden", "action", "chosen_department"]
    date_hierarchy = "created_at"
    list_select_related = ["complaint", "suggested_department", "suggested_handler",
                           "chosen_department", "chosen_handler", "by"]


class MemberInline(admin.TabularInline):
    model = IncidentMember
    fields = readonly_fields = ("complaint", "added_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["pk", "first_at", "estate", "category", "building", "facility", "lead", "status"]
    list_filter = ["status", "estate", "category"]
    date_hierarchy = "first_at"
    list_select_related = ["estate", "category", "building", "facility", "lead"]
    inlines = [MemberInline]
