"""Resolving API keys to users.

Used by the REST API (``anju.api.auth``) and any other interface that accepts bearer
tokens. A key is looked up by its SHA-256 hash in one query that also loads the
user's staff profile and resident record, since every request needs the caller's role.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from anju.accounts.models import ApiToken, User, hash_secret

KEY_PREFIX = "anju_"
MAX_KEY_LENGTH = 100
# last_used_at is informational; writing it on every request would turn each read
# into a write, so it is refreshed at most this often.
LAST_USED_PRECISION = timedelta(minutes=1)


def user_for_api_key(raw: str, *, now: datetime | None = None) -> User | None:
    """The active user a live (unrevoked) key belongs to, or None."""
    if not raw or len(raw) > MAX_KEY_LENGTH or not raw.startswith(KEY_PREFIX):
        return None
    try:
        # get(), not first(): no ORDER BY to compile on the hottest query of the API.
        token = ApiToken.objects.select_related("user", "user__staff", "user__resident").get(
            key_hash=hash_secret(raw), revoked_at__isnull=True)
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    _touch(token, now or timezone.now())
    return token.user


def _touch(token: ApiToken, now: datetime) -> None:
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_PRECISION:
        return
    # Compare-and-set: when several workers see the same stale value only one writes.
    ApiToken.objects.filter(pk=token.pk, last_used_at=last).update(last_used_at=now)
