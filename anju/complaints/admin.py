"""Admin screens for the taxonomy and a read-only view of complaints.

Complaints change only through services (the console); the admin is for reading and for
the taxonomy administrators maintain.
"""

from typing import Any, ClassVar

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from anju.complaints.access import visible_complaints
from anju.complaints.models import Attachment, Category, Complaint, ComplaintEvent, Supervision
from anju.privacy.admin import masked


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "department", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["department", "is_active"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ["created_at", "action", "actor_label", "from_status", "to_status", "note"]


class SupervisionInline(ReadOnlyInline):
    model = Supervision
    fields = ["created_at", "by", "level", "reason"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["created_at", "kind", "original_name", "content_type", "size"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "estate", "category", "urgency", "channel", "escalated",
                    "created_at"]
    list_filter = ["status", "urgency", "channel", "escalated", "estate", "category"]
    search_fields = ["number"]
    date_hierarchy = "created_at"
    inlines = [EventInline, SupervisionInline, AttachmentInline]
    list_select_related = ["estate", "category"]
    # The complainant's details only masked: the console and the API reveal them, logged.
    exclude = ["contact_name", "contact_phone", "contact_phone_index", "contact_email",
               "people_involved", "idempotency_key"]
    readonly_fields: ClassVar[list[Any]] = [masked("name", "contact_name", _("contact name")),
                       masked("contact", "contact_phone", _("contact phone")),
                       masked("contact", "contact_email", _("contact e-mail"))]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The admin obeys the same access policy as every other interface.
        return visible_complaints(request.user).select_related("estate", "category")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
