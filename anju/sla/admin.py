"""Admin screens (Chinese by default) for SLA policies, working hours and calendar overrides."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.sla import calendar
from anju.sla.models import CalendarOverride, EstateHours, Policy


def _recompute_later() -> None:
    from anju.sla.tasks import sla_policies_changed

    sla_policies_changed.enqueue()


def _calendar_notice(request: Any) -> None:
    today = timezone.localdate()
    overrides = CalendarOverride.objects.values_list("date", flat=True)
    missing = calendar.unknown_years([today.year, today.year + 1], overrides)
    if missing:
        messages.warning(request, _(
            "The holiday calendar does not know %(years)s yet: Monday to Friday count as working days."
            " Add the public holidays and make-up workdays as calendar overrides,"
            " or upgrade chinese-calendar.")
            % {"years": ", ".join(map(str, missing))})


class RecomputeOnSave(admin.ModelAdmin):
    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _recompute_later()

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        _recompute_later()

    def changelist_view(self, request: Any, extra_context: Any = None) -> Any:
        _calendar_notice(request)
        return super().changelist_view(request, extra_context)


@admin.register(Policy)
class PolicyAdmin(RecomputeOnSave):
    list_display = ("urgency", "category", "estate", "clock", "feedback", "onsite", "resolve", "visit",
                    "shares", "ladder", "reopen", "is_active")
    list_filter = ("urgency", "clock", "is_active")


@admin.register(EstateHours)
class EstateHoursAdmin(RecomputeOnSave):
    list_display = ("estate", "start", "end")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RecomputeOnSave):
    list_display = ("date", "is_workday", "note")
    date_hierarchy = "date"
