"""Keyword rules (editable, effective without a restart) and suggestions (read-only),
with the acceptance rate of suggestions per category and week."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from anju.complaints.access import visible_complaints
from anju.triage.models import KeywordRule, Suggestion
from anju.triage.presenters import category_label
from anju.triage.selectors import acceptance_by_week


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "pattern", "category", "urgency", "active", "priority", "updated_at"]
    list_editable = ["active", "priority"]
    list_filter = ["active", "category", "urgency"]
    search_fields = ["name", "pattern"]
    fields = ["name", "pattern", "category", "urgency", "priority", "active"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["complaint", "category", "urgency", "angry", "confidence", "outcome",
                    "final_category", "final_urgency", "decided_by", "created_at"]
    list_filter = ["outcome", "category", "urgency", "angry"]
    date_hierarchy = "created_at"
    list_select_related = ["complaint", "decided_by"]
    readonly_fields = [f.name for f in Suggestion._meta.fields]
    change_list_template = "admin/triage/suggestion/change_list.html"

    def get_queryset(self, request: HttpRequest) -> Any:
        # The complaint list of the admin obeys the access policy; so does this one.
        return super().get_queryset(request).filter(complaint__in=visible_complaints(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        stats = path("acceptance/", self.admin_site.admin_view(self.acceptance_view),
                     name="triage_suggestion_acceptance")
        return [stats, *super().get_urls()]

    def acceptance_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [(row, category_label(row.category)) for row in acceptance_by_week()]
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Acceptance of triage suggestions per category and week"), "rows": rows}
        return TemplateResponse(request, "admin/triage/suggestion/acceptance.html", context)
