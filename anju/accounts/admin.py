from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from anju.accounts.models import ApiToken, User
from anju.staff.models import StaffProfile


class StaffInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["estates", "departments", "skills"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "name"]
    fieldsets = [(None, {"fields": ["username", "password", "name"]}),
                 *(BaseUserAdmin.fieldsets or ())[2:]]
    inlines = [StaffInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are issued with `anju token create`, which shows the key once

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request: object, queryset: object) -> None:
        from django.utils import timezone

        queryset.update(revoked_at=timezone.now())  # type: ignore[attr-defined]
