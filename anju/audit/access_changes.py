"""Who may do what: entries for changes to roles, reach, flags, groups and permissions.

Single-value fields are compared with the stored row in ``pre_save`` (one query, only when
a user or staff profile is saved with those fields); many-to-many changes come from
``m2m_changed`` from either side of the relation. Entries carry ids and codes only.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models

from anju.audit.log import record
from anju.staff.models import StaffProfile

USER_FLAGS = ("is_active", "is_staff", "is_superuser")
STAFF_FIELDS = ("role", "all_estates")
_STAFF_CODES = {"role": "staff.role_changed", "all_estates": "staff.reach_changed"}
_BEFORE = "_audit_before"


def _watched(sender: type[models.Model]) -> tuple[str, ...]:
    return USER_FLAGS if sender is get_user_model() else STAFF_FIELDS


def remember_before(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None,
                    **kwargs: Any) -> None:
    fields = _watched(sender)
    if raw or instance._state.adding or (update_fields is not None
                                         and not set(update_fields) & set(fields)):
        return
    before = sender._default_manager.filter(pk=instance.pk).values(*fields).first()
    setattr(instance, _BEFORE, before)


def record_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                 update_fields: Any = None, **kwargs: Any) -> None:
    if raw:
        return
    fields = tuple(name for name in _watched(sender) if update_fields is None or name in update_fields)
    is_user = sender is get_user_model()
    target = instance if is_user else ("accounts.user", instance.user_id)
    now = {name: getattr(instance, name) for name in fields}
    if created:
        record("user.created" if is_user else "staff.created", target=target, data=now)
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if before is None:
        return
    for name in fields:
        if before[name] != now[name]:
            code = "user.access_changed" if is_user else _STAFF_CODES[name]
            record(code, target=target, data={"field": name, "from": before[name], "to": now[name]})


def record_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if sender is get_user_model():
        record("user.deleted", target=instance)
    else:
        record("staff.deleted", target=("accounts.user", instance.user_id),
               data={"role": instance.role})


# --------------------------------------------------------------------------- many-to-many

@functools.cache
def _m2m_specs() -> dict[Any, tuple[Any, str, str]]:
    """through model -> (owner model, field name, action code)."""
    user = get_user_model()
    specs = [(StaffProfile, "estates", "staff.reach_changed"),
             (StaffProfile, "departments", "staff.departments_changed"),
             (user, "groups", "user.groups_changed"),
             (user, "user_permissions", "user.permissions_changed"),
             (Group, "permissions", "group.permissions_changed")]
    return {getattr(owner, name).through: (owner, name, code) for owner, name, code in specs}


def m2m_senders() -> list[Any]:
    return list(_m2m_specs())


def record_m2m(sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None,
               **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    owner, name, code = _m2m_specs()[sender]
    field = owner._meta.get_field(name)
    source, other = field.m2m_field_name(), field.m2m_reverse_field_name()  # type: ignore[union-attr]
    if action == "pre_clear":
        mine, theirs = (other, source) if reverse else (source, other)
        pk_set = set(sender.objects.filter(**{f"{mine}_id": instance.pk})
                     .values_list(f"{theirs}_id", flat=True))
    if not pk_set:
        return
    pairs = [(pk, instance.pk) for pk in pk_set] if reverse else [(instance.pk, pk) for pk in pk_set]
    change = "added" if action == "post_add" else "removed"
    by_owner: dict[Any, list[Any]] = {}
    for owner_pk, other_pk in pairs:
        by_owner.setdefault(owner_pk, []).append(other_pk)
    targets = _targets(owner, instance if not reverse else None, list(by_owner))
    for owner_pk, others in sorted(by_owner.items()):
        values = _permission_codes(others) if field.related_model is Permission else sorted(others)
        record(code, target=targets[owner_pk], data={"field": name, change: values})


def _targets(owner: type[models.Model], instance: Any, pks: list[Any]) -> dict[Any, Any]:
    """Staff changes are filed under the person's user id; the rest under the owner row."""
    meta = owner._meta
    if owner is not StaffProfile:
        return {pk: (f"{meta.app_label}.{meta.model_name}", pk) for pk in pks}
    if instance is not None:
        return {instance.pk: ("accounts.user", instance.user_id)}
    users = dict(StaffProfile.objects.filter(pk__in=pks).values_list("pk", "user_id"))
    return {pk: ("accounts.user", users.get(pk, "")) for pk in pks}


def _permission_codes(pks: list[Any]) -> list[str]:
    rows = Permission.objects.filter(pk__in=pks).values_list("content_type__app_label", "codename")
    return sorted(f"{app}.{codename}" for app, codename in rows)
