from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from anju.accounts import signals
from anju.accounts.models import ApiToken, SignInThrottle, TwoFactor, User
from anju.accounts.two_factor import two_factor_reset

RESET = _("Reset two-factor sign-in (the user sets it up again at next sign-in)")


def may_reset_two_factor(request: Any) -> bool:
    return bool(request.user.has_perm("accounts.delete_twofactor"))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users; ``anju.staff.admin`` registers them again with their staff profile inline."""

    list_display = ["username", "name", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "name"]
    fieldsets = [(None, {"fields": ["username", "password", "name"]}),
                 *(BaseUserAdmin.fieldsets or ())[2:]]
    actions = ["reset_two_factor"]

    @admin.action(description=RESET, permissions=["reset_two_factor"])
    def reset_two_factor(self, request: Any, queryset: Any) -> None:
        for user in queryset:
            two_factor_reset(user=user, actor=request.user)
        count = len(queryset)
        self.message_user(request, ngettext("Two-factor sign-in was reset for %(count)d user.",
                                            "Two-factor sign-in was reset for %(count)d users.",
                                            count) % {"count": count})

    def has_reset_two_factor_permission(self, request: Any) -> bool:
        return may_reset_two_factor(request)


@admin.register(TwoFactor)
class TwoFactorAdmin(admin.ModelAdmin):
    """Who has an authenticator. The key itself is never shown."""

    list_display = ["user", "created_at", "confirmed_at"]
    fields = ["user", "created_at", "confirmed_at"]
    readonly_fields = ["user", "created_at", "confirmed_at"]
    search_fields = ["user__username", "user__name"]
    actions = ["reset"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # the reset action also removes the recovery codes

    @admin.action(description=RESET, permissions=["reset"])
    def reset(self, request: Any, queryset: Any) -> None:
        for device in queryset.select_related("user"):
            two_factor_reset(user=device.user, actor=request.user)

    def has_reset_permission(self, request: Any) -> bool:
        return may_reset_two_factor(request)


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin):
    """Failed sign-in counts and locks. Deleting a row unlocks it."""

    list_display = ["scope", "key", "failures", "window_started_at", "locked_until"]
    list_filter = ["scope"]
    search_fields = ["key"]
    readonly_fields = ["scope", "key", "failures", "window_started_at", "locked_until"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


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
        with transaction.atomic():
            for token in queryset.filter(revoked_at__isnull=True):  # type: ignore[attr-defined]
                ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
                signals.token_revoked.send(sender=ApiToken, token=token)  # audit: token.revoked
