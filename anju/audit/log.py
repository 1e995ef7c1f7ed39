"""``record``: the one way to write to the audit log.

Usage::

    from anju.audit.log import record

    record("pii.reveal", actor=request.user, target=complaint,
           data={"field": "contact_phone", "reason": "return visit"}, request=request)
    record("export.complaints", actor=user, data={"rows": 120, "estates": [3, 4]})

``data`` holds ids, codes and field names only - never a name, phone number, address or
any other personal data, because the log is kept for good and cannot be edited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from anju.audit import chain
from anju.audit.context import current_request, request_ip, request_user
from anju.audit.models import AuditEntry, ChainHead
from anju.lib import phones

ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_MOBILE_INSIDE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
HEAD_ID = 1
Target = Model | tuple[str, Any] | None


@dataclass(frozen=True)
class Entry:
    """One entry to append with ``record_many``; the fields mean what ``record``'s do."""

    action: str
    actor: Any = None
    target: Target = None
    data: dict | None = None


def record(action: str, *, actor: Any = None, target: Target = None, data: dict | None = None,
           request: HttpRequest | None = None, ip: str | None = None) -> AuditEntry:
    """Append an entry and return it.

    Joins the caller's transaction: the entry is committed, or rolled back, with the change
    it describes. ``actor`` defaults to the signed-in user of ``request``, and ``request``
    to the request being served (``AuditContextMiddleware``); ``ip`` likewise. ``target``
    is a model instance or a ``("app_label.model", id)`` pair. Appends from concurrent
    transactions wait for each other from this call until the caller commits, so call it
    late in the transaction.
    """
    return record_many([Entry(action, actor, target, data)], request=request, ip=ip)[0]


def record_many(entries: Sequence[Entry], *, request: HttpRequest | None = None,
                ip: str | None = None) -> list[AuditEntry]:
    """Append several entries in order under one lock of the chain's head (set-based
    changes: the deadline ladder's steps); otherwise exactly like ``record``."""
    if not entries:
        return []
    request = request if request is not None else current_request()
    address = _ip(ip) if ip else request_ip(request)
    rows = []
    for e in entries:
        if not ACTION.match(e.action) or len(e.action) > 80:
            raise ValueError(f"Audit action codes are dotted lower-case words, not {e.action!r}.")
        actor = e.actor if e.actor is not None else request_user(request)
        has_user = getattr(actor, "pk", None) is not None
        target_type, target_id = _target(e.target)
        rows.append({
            "actor_id": actor.pk if has_user else None,
            "actor_label": _label(actor, request)[:150],
            "action": e.action,
            "target_type": target_type[:60],
            "target_id": target_id[:64],
            "ip": address,
            "data": chain.canonical_data(e.data or {}),
        })
    # No savepoint: if the insert fails, the caller's transaction is lost anyway.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        seq, prev_hash = head.seq, head.hash
        appended = []
        for fields in rows:
            seq += 1
            entry = AuditEntry(seq=seq, created_at=timezone.now(), prev_hash=prev_hash, **fields)
            entry.hash = chain.entry_hash(prev_hash, {**fields, "seq": seq, "created_at": entry.created_at})
            prev_hash = entry.hash
            appended.append(entry)
        if len(appended) == 1:
            appended[0].save()
        else:
            AuditEntry.objects.all()._append_chained(appended)
        ChainHead.objects.filter(pk=HEAD_ID).update(seq=seq, hash=prev_hash)
    return appended


def current_head() -> tuple[int, str]:
    """The last committed entry as ``(seq, hash)``; ``(0, GENESIS)`` for an empty log."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return last if last is not None else (0, chain.GENESIS)


def _locked_head() -> ChainHead:
    # PostgreSQL: the row lock queues concurrent appends. SQLite: the write transaction
    # (BEGIN IMMEDIATE, see settings) already serialises them and FOR UPDATE is a no-op.
    head = ChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # First entry, or the database was flushed: start from whatever the table holds.
        seq, last_hash = current_head()
        try:
            with transaction.atomic():
                ChainHead.objects.create(pk=HEAD_ID, seq=seq, hash=last_hash)
        except IntegrityError:
            pass  # another writer created it first; lock theirs
        head = ChainHead.objects.select_for_update().get(pk=HEAD_ID)
    return head


def _target(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, Model):
        meta = target._meta
        return f"{meta.app_label}.{meta.model_name}", str(target.pk)
    kind, pk = target
    return kind, str(pk)


def _ip(raw: str) -> str | None:
    try:
        return chain.canonical_ip(raw)
    except ValueError:
        return None


def safe_username(username: str) -> str:
    """A user name fit for the permanent log: mobile numbers in it are masked."""
    number = phones.normalise(username)
    if phones.is_mobile(number):
        return phones.mask(number)
    return scrub(username)


def scrub(text: str) -> str:
    """``text`` with every mobile number in it masked: for free text headed for the log."""
    return _MOBILE_INSIDE.sub(lambda found: phones.mask(found.group()), text)


def _label(actor: Any, request: HttpRequest | None) -> str:
    if getattr(actor, "pk", None) is not None:
        return safe_username(actor.get_username())
    return "anonymous" if request is not None else "system"
