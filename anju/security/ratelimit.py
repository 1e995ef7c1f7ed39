"""A small fixed-window rate limiter on Django's cache.

``hit("api_token", key)`` counts one request of ``key`` against the rate named
``api_token`` in ``settings.ANJU_RATES`` (``ANJU_RATE_API_TOKEN=600/minute``, parsed into
a ``Rate`` when the settings load) and returns how many seconds to wait when the limit is
passed, else None. The common path is one atomic cache ``incr``; the first request of a
window adds the counter.

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

from django.conf import settings
from django.core.cache import cache as store

from anju.lib.env import Rate

PREFIX = "anju:rl"


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
    """Every rate in ``settings.ANJU_RATES``, parsed when the settings loaded
    (``anju.lib.env.env_rate``)."""
    return settings.ANJU_RATES
