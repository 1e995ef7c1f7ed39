"""A small fixed-window rate limiter on Django's cache.

``hit("api_token", key)`` counts one request of ``key`` against the rate named
``api_token`` in ``settings.ANJU_RATES`` (``"600/minute"``) and returns how many
seconds to wait when the limit is passed, else None. The common path is one atomic
cache ``incr``; the first request of a window adds the counter.

The counts are only as shared as the cache: the default local-memory cache is per
process, so with several web workers each counts on its own and the real limit is the
configured one times the number of workers. Production should point ``CACHE_URL`` at a
shared Redis (docs/security.md). A window lets through at most twice the limit across
its boundary; that is accepted for the sake of one counter per key.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache as store
from django.core.exceptions import ImproperlyConfigured

UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
PREFIX = "anju:rl"


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def hit(name: str, key: str, *, now: float | None = None) -> int | None:
    """Count one request; seconds until the window ends when over the limit, else None."""
    rate = configured_rates()[name]
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"{PREFIX}:{name}:{window}:{digest}"
    wait = max(math.ceil((window + 1) * rate.seconds - now), 1)
    count = _incr(cache_key, timeout=wait + 1)
    return wait if count > rate.limit else None


def _incr(cache_key: str, *, timeout: int) -> int:
    try:
        return store.incr(cache_key)
    except ValueError:  # the first request of this window
        if store.add(cache_key, 1, timeout=timeout):
            return 1
        return store.incr(cache_key)  # another request added it first


def configured_rates() -> dict[str, Rate]:
    """Every rate in ``settings.ANJU_RATES``, parsed; raises ImproperlyConfigured if one is bad."""
    return _parse_all(tuple(sorted(settings.ANJU_RATES.items())))


@lru_cache(maxsize=8)
def _parse_all(items: tuple[tuple[str, str], ...]) -> dict[str, Rate]:
    return {name: parse_rate(name, text) for name, text in items}


def parse_rate(name: str, text: str) -> Rate:
    """``"20/hour"``, ``"600/minute"``, ``"5/30s"`` → a Rate."""
    count, _slash, period = str(text).partition("/")
    period = period.strip().lower()
    seconds = UNITS.get(period.removesuffix("s")) or (
        int(period[:-1]) if period.endswith("s") and period[:-1].isdigit() else 0)
    if not (count.strip().isdigit() and int(count) > 0 and seconds > 0):
        raise ImproperlyConfigured(
            f"Rate {name}={text!r}: write it as <requests>/<second|minute|hour|day>, "
            "for example 600/minute, or <requests>/<seconds>s such as 5/30s.")
    return Rate(limit=int(count), seconds=seconds)
