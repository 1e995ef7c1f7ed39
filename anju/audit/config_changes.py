"""Configuration changes made in the Django admin become ``config.changed`` entries.

The admin writes a ``LogEntry`` for every addition, change and deletion; a single one is
saved (``post_save`` below), but deleting several objects at once writes them with
``bulk_create``, which sends no signal. ``audited_delete_selected`` replaces the admin's
bulk-delete action and records whatever the signal did not.

Only the model, the object id, the kind of change and the names of the changed fields
are kept: the admin's ``object_repr`` and the inline objects' names can hold personal data.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib.admin.actions import delete_selected
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType

from anju.audit.context import current_request, request_user
from anju.audit.log import current_head, record
from anju.audit.models import AuditEntry

ACTION = "config.changed"
KINDS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def record_log_entry(sender: Any, instance: LogEntry, created: bool, raw: bool = False,
                     **kwargs: Any) -> None:
    if not created or raw:
        return
    content_type = (ContentType.objects.get_for_id(instance.content_type_id)
                    if instance.content_type_id else None)
    model = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    user = request_user(current_request())
    actor = user if user is not None and user.pk == instance.user_id else instance.user
    record(ACTION, actor=actor, target=(model, instance.object_id or ""),
           data={"kind": KINDS.get(instance.action_flag, str(instance.action_flag)),
                 "changes": _changes(instance.change_message)})


def _changes(message: str) -> list[dict[str, Any]]:
    """The admin's structured change message without object names."""
    try:
        items = json.loads(message) if message else []
    except ValueError:
        return [{"note": "free text, not kept"}]
    kept = []
    for item in items if isinstance(items, list) else []:
        for kind, detail in item.items() if isinstance(item, dict) else []:
            detail = detail if isinstance(detail, dict) else {}
            entry: dict[str, Any] = {"kind": kind}
            if "name" in detail:
                entry["model"] = str(detail["name"])  # a verbose model name
            if "fields" in detail:
                entry["fields"] = [str(name) for name in detail["fields"]]
            kept.append(entry)
    return kept


@functools.wraps(delete_selected)
def audited_delete_selected(modeladmin: Any, request: Any, queryset: Any) -> Any:
    pks = [str(pk) for pk in queryset.values_list("pk", flat=True)]
    seq_before, _hash = current_head()
    response = delete_selected(modeladmin, request, queryset)
    if response is not None:  # the confirmation page: nothing deleted yet
        return response
    meta = queryset.model._meta
    model = f"{meta.app_label}.{meta.model_name}"
    remaining = {str(pk) for pk in queryset.model._default_manager.filter(pk__in=pks)
                 .values_list("pk", flat=True)}
    gone = set(pks) - remaining
    done = set(AuditEntry.objects.filter(seq__gt=seq_before, action=ACTION, target_type=model,
                                         target_id__in=pks).values_list("target_id", flat=True))
    for pk in sorted(gone - done):
        record(ACTION, actor=request.user, target=(model, pk),
               data={"kind": "deleted", "bulk": True, "changes": []})
    return None
