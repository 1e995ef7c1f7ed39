"""What gets logged without the acting code calling ``record`` itself.

Connected in ``AuditConfig.ready``. Sign-ins come from Django's auth signals (the console,
the admin and the portal all go through ``login``/``authenticate``); lock-outs, revoked
keys and second-factor changes from the accounts' own signals (``accounts.signals``: the
accounts are a layer below the audit log and do not write it); complaint transitions
from the audit hook of the complaint services (``complaints.audit_trail``); role and permission
changes from ``access_changes``; admin changes from ``config_changes``. Each receiver runs
inside the transaction of the change it records.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from anju.accounts import signals as accounts
from anju.accounts.models import ApiToken, RecoveryCode, SignInThrottle, TwoFactor
from anju.audit import access_changes, config_changes
from anju.audit.log import record, safe_username
from anju.staff.models import StaffProfile

UID = "anju.audit"


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.login", actor=user, target=user, request=request,
           data={"path": getattr(request, "path", "")})


def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # Django has already replaced the password and other secrets in ``credentials``.
    tried = str(credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username") or "")
    # Nobody signed in: even if the browser still holds another user's session.
    record("auth.login_failed", actor=AnonymousUser(), request=request,
           data={"username": safe_username(tried)[:150], "path": getattr(request, "path", "")})


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.logout", actor=user, target=user, request=request)


def on_token_saved(sender: Any, instance: ApiToken, created: bool, raw: bool = False,
                   **kwargs: Any) -> None:
    if created and not raw:
        record("token.created", target=instance,
               data={"user": instance.user_id, "prefix": instance.prefix})


def on_token_revoked(sender: Any, token: ApiToken, **kwargs: Any) -> None:
    record("token.revoked", target=token, data={"user": token.user_id, "prefix": token.prefix})


def on_sign_in_locked(sender: Any, throttle: SignInThrottle, scope: str, until: Any,
                      **kwargs: Any) -> None:
    record("auth.locked", target=("accounts.signinthrottle", throttle.pk),
           data={"scope": scope, "until": until.isoformat()})


def on_two_factor_enrolled(sender: Any, user: Any, **kwargs: Any) -> None:
    record("auth.two_factor_enrolled", actor=user, target=user)


def on_recovery_code_used(sender: Any, user: Any, left: int, **kwargs: Any) -> None:
    record("auth.recovery_code_used", actor=user, target=user, data={"left": left})


def on_two_factor_reset(sender: Any, user: Any, actor: Any, **kwargs: Any) -> None:
    record("auth.two_factor_reset", actor=actor, target=user)


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid=f"{UID}.login")
    user_login_failed.connect(on_login_failed, dispatch_uid=f"{UID}.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid=f"{UID}.logout")
    post_save.connect(on_token_saved, sender=ApiToken, dispatch_uid=f"{UID}.token")
    accounts.token_revoked.connect(on_token_revoked, sender=ApiToken, dispatch_uid=f"{UID}.revoked")
    accounts.sign_in_locked.connect(on_sign_in_locked, sender=SignInThrottle,
                                    dispatch_uid=f"{UID}.locked")
    accounts.two_factor_enrolled.connect(on_two_factor_enrolled, sender=TwoFactor,
                                         dispatch_uid=f"{UID}.two_factor_enrolled")
    accounts.recovery_code_used.connect(on_recovery_code_used, sender=RecoveryCode,
                                        dispatch_uid=f"{UID}.recovery_code_used")
    accounts.two_factor_reset.connect(on_two_factor_reset, sender=TwoFactor,
                                      dispatch_uid=f"{UID}.two_factor_reset")
    for model in (get_user_model(), StaffProfile):
        name = f"{UID}.{model._meta.label_lower}"
        pre_save.connect(access_changes.remember_before, sender=model, dispatch_uid=f"{name}.pre")
        post_save.connect(access_changes.record_saved, sender=model, dispatch_uid=f"{name}.post")
        post_delete.connect(access_changes.record_deleted, sender=model, dispatch_uid=f"{name}.del")
    for through in access_changes.m2m_senders():
        m2m_changed.connect(access_changes.record_m2m, sender=through,
                            dispatch_uid=f"{UID}.{through._meta.label_lower}")
    post_save.connect(config_changes.record_log_entry, sender=LogEntry, dispatch_uid=f"{UID}.admin")
    admin.site.add_action(config_changes.audited_delete_selected, "delete_selected")
