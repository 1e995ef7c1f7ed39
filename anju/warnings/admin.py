"""Admin screens: warnings to read and acknowledge, and the pattern-warning thresholds."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from anju.warnings import services
from anju.warnings.models import PatternSettings, Warning, WarningComment
from anju.warnings.selectors import visible_warnings


class CommentInline(admin.TabularInline):
    model = WarningComment
    fields = readonly_fields = ("created_at", "author", "text")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ["raised_at", "kind", "level", "complaint", "estate", "reason", "acknowledged_at"]
    list_filter = ["kind", "level", "estate", ("acknowledged_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "raised_at"
    list_select_related = ["complaint", "estate"]
    fields = readonly_fields = ("kind", "level", "target", "reason", "complaint", "estate", "department",
                                "raised_at", "acknowledged_at", "acknowledged_by")
    inlines = [CommentInline]
    actions = ["acknowledge"]

    @admin.display(description=_("reason"))
    def reason(self, obj: Warning) -> str:
        return services.reason_text(obj)

    def get_queryset(self, request: Any) -> Any:
        # The same reach as the console's board.
        return visible_warnings(request.user).select_related("complaint", "estate", "department")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Acknowledge the selected warnings"), permissions=["change"])
    def acknowledge(self, request: Any, queryset: Any) -> None:
        done = sum(services.acknowledge(w, request.user) for w in queryset)
        self.message_user(request, ngettext("%(count)d warning acknowledged.",
                                            "%(count)d warnings acknowledged.", done) % {"count": done},
                          messages.SUCCESS)


@admin.register(PatternSettings)
class PatternSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "repeat_window_days", "hotspot_count", "hotspot_hours", "spike_k",
                    "spike_minimum", "updated_at"]
    fieldsets = [
        (None, {"fields": ["company"]}),
        (_("Repeat complaints"), {"fields": ["repeat_window_days"]}),
        (_("Hotspots"), {"fields": ["hotspot_count", "hotspot_hours"]}),
        (_("Volume spikes"), {"fields": ["spike_baseline_days", "spike_k", "spike_minimum"]}),
        (_("Escalation risk"), {"fields": ["keywords"]}),
    ]
