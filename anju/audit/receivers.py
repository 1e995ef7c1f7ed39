"""What gets logged without the acting code calling ``record`` itself.

Connected in ``AuditConfig.ready``. Sign-ins come from Django's auth signals (the console,
the admin and the portal all go through ``login``/``authenticate``); complaint transitions
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

from anju.accounts.models import ApiToken
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


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid=f"{UID}.login")
    user_login_failed.connect(on_login_failed, dispatch_uid=f"{UID}.login_failed")
    user_logged_out.connect(on_logout, dispatch_uid=f"{UID}.logout")
    post_save.connect(on_token_saved, sender=ApiToken, dispatch_uid=f"{UID}.token")
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
