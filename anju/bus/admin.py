from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from anju.bus import runner
from anju.bus.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "subscriber", "event", "state", "attempts", "available_at", "finished_at"]
    list_filter = ["state", "subscriber"]
    search_fields = ["subscriber", "event__complaint__number"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    list_select_related = ["event__complaint"]
    actions = ["retry_dead"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a deleted delivery is work lost; a dead letter is retried or left

    @admin.action(description=_("Retry the selected dead letters"))
    def retry_dead(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        n = runner.retry(queryset.values_list("pk", flat=True))
        self.message_user(request, ngettext("%(n)d delivery queued again.",
                                            "%(n)d deliveries queued again.", n) % {"n": n},
                          messages.SUCCESS)
