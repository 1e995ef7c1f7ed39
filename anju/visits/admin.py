"""Read-only admin views: visits and answers change only through anju.visits.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from anju.complaints.access import visible_complaints
from anju.visits.models import ReturnVisit, SurveyResponse, VisitAttempt


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: Any) -> Any:
        # Within the reader's reach, like every other list of complaints.
        return super().get_queryset(request).filter(
            complaint__in=visible_complaints(request.user))


class AttemptInline(admin.TabularInline):
    model = VisitAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "outcome", "by", "note")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ReturnVisit)
class ReturnVisitAdmin(ReadOnly):
    list_display = ["complaint", "state", "due_at", "failed_attempts", "handed_over_at"]
    list_filter = ["state"]
    fields = readonly_fields = ("complaint", "state", "due_at", "failed_attempts",
                                "handed_over_at", "link_sent_at", "created_at", "finished_at")
    inlines = [AttemptInline]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnly):
    list_display = ["complaint", "stars", "solved", "dissatisfied", "source", "estate",
                    "created_at"]
    list_filter = ["source", "stars", "dissatisfied", "estate"]
    fields = readonly_fields = ("complaint", "visit", "source", "stars", "solved", "reasons",
                                "comment", "dissatisfied", "estate", "department", "category",
                                "handler", "recorded_by", "created_at")
