"""Locking sign-in after repeated failures, per user name and per address.

After ``ANJU_LOCKOUT_FAILURES`` failures for one user name within
``ANJU_LOCKOUT_WINDOW_SECONDS`` (or ``ANJU_LOCKOUT_IP_FAILURES`` from one address),
every further attempt is refused for ``ANJU_LOCKOUT_SECONDS`` - even with the right
password. Counts live in ``SignInThrottle`` rows, locked while they change, so all web
workers share them. A completed sign-in clears the user name's count (not the
address's: one person's success says nothing about the guesses of others behind it).

Callers: ``accounts.backends.LockoutBackend`` (passwords, the console and the admin)
and the console's second step (a wrong authenticator code is a failure too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from anju.accounts import signals
from anju.accounts.models import SignInThrottle
from anju.lib.errors import DomainError

Scope = SignInThrottle.Scope
KEY_LENGTH = SignInThrottle._meta.get_field("key").max_length or 150


@dataclass(frozen=True)
class Lock:
    scope: str
    until: datetime


class LockedOut(DomainError):
    code = "locked_out"
    http_status = 429
    default_message = _("Too many failed sign-ins for this account. Signing in is blocked "
                        "until %(until)s. Wait until then, or ask an administrator to unlock it.")

    def __init__(self, lock: Lock) -> None:
        message = LOCKED_IP if lock.scope == Scope.IP else None
        until = formats.date_format(timezone.localtime(lock.until), "Y-m-d H:i")
        super().__init__(message, until=until)
        self.lock = lock


LOCKED_IP = _("Too many failed sign-ins from this network. Signing in from here is blocked "
              "until %(until)s.")


def _keys(username: str, ip: str | None) -> list[tuple[str, str, int]]:
    keys = [(Scope.USERNAME.value, username[:KEY_LENGTH], settings.ANJU_LOCKOUT_FAILURES)]
    if ip:
        keys.append((Scope.IP.value, ip, settings.ANJU_LOCKOUT_IP_FAILURES))
    return keys


def lockout_check(*, username: str, ip: str | None, now: datetime | None = None) -> None:
    """Raise ``LockedOut`` when the user name or the address is locked now."""
    now = now or timezone.now()
    match = Q()
    for scope, key, _limit in _keys(username, ip):
        match |= Q(scope=scope, key=key)
    row = (SignInThrottle.objects.filter(match, locked_until__gt=now)
           .order_by("-locked_until").values_list("scope", "locked_until").first())
    if row is not None and row[1] is not None:
        raise LockedOut(Lock(scope=row[0], until=row[1]))


def lockout_record_failure(*, username: str, ip: str | None,
                           now: datetime | None = None) -> Lock | None:
    """Count one failed attempt; return the lock it caused (or that already holds), if any."""
    now = now or timezone.now()
    locks = []
    with transaction.atomic():
        for scope, key, limit in _keys(username, ip):
            until = _count(scope, key, limit, now)
            if until is not None:
                locks.append(Lock(scope=scope, until=until))
    return max(locks, key=lambda lock: lock.until) if locks else None


def _count(scope: str, key: str, limit: int, now: datetime) -> datetime | None:
    SignInThrottle.objects.get_or_create(scope=scope, key=key, defaults={"window_started_at": now})
    row = SignInThrottle.objects.select_for_update().get(scope=scope, key=key)
    if row.locked_until is not None and row.locked_until > now:
        return row.locked_until  # refused attempts do not extend the lock
    if row.window_started_at <= now - timedelta(seconds=settings.ANJU_LOCKOUT_WINDOW_SECONDS):
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures < limit:
        row.save(update_fields=["failures", "window_started_at"])
        return None
    # Locked: the count starts again when the lock ends.
    row.failures, row.window_started_at = 0, now
    row.locked_until = now + timedelta(seconds=settings.ANJU_LOCKOUT_SECONDS)
    row.save(update_fields=["failures", "window_started_at", "locked_until"])
    signals.sign_in_locked.send(sender=SignInThrottle, throttle=row, scope=scope,
                                until=row.locked_until)  # the audit log's auth.locked
    return row.locked_until


def lockout_clear(*, username: str) -> None:
    """Forget the user name's failures: called when a sign-in completes."""
    SignInThrottle.objects.filter(scope=Scope.USERNAME, key=username[:KEY_LENGTH]).delete()
