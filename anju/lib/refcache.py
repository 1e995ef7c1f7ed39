"""Per-process caches of small reference tables read on every intake (estates, categories).

An intake names its estate and category by code; looking both up costs two queries on
the hottest write of the product, for rows that change a few times a year. A
``ReferenceCache`` keeps the rows it has found, by key, for ``ANJU_REFERENCE_CACHE_SECONDS``
(default 30). A save or delete in this process empties the cache at once; other
processes see the change when their entries expire, so deactivating an estate or a
category takes effect everywhere within that time. Misses are not cached: a new row is
found at once.

Cached instances are shared by every request of the process: read them, never change them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

M = TypeVar("M", bound=models.Model)

_ALL: list[ReferenceCache[Any]] = []


class ReferenceCache(Generic[M]):
    def __init__(self, model: type[M], field: str, **filters: Any) -> None:
        self.model = model
        self.field = field
        self.filters = filters
        self._rows: dict[Any, tuple[float, M]] = {}
        self._lock = threading.Lock()
        post_save.connect(self._changed, sender=model, weak=False)
        post_delete.connect(self._changed, sender=model, weak=False)
        _ALL.append(self)

    def get(self, key: Any) -> M | None:
        """The row whose ``field`` equals ``key`` (and which matches the filters), or None."""
        now = time.monotonic()
        hit = self._rows.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        row = self.model._default_manager.filter(**{self.field: key}, **self.filters).first()
        if row is not None:
            with self._lock:
                self._rows[key] = (now + settings.ANJU_REFERENCE_CACHE_SECONDS, row)
        return row

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def _changed(self, **kwargs: Any) -> None:
        self.clear()


def clear_all() -> None:
    """Forget every cached row (tests call this between cases)."""
    for cache in _ALL:
        cache.clear()


T = TypeVar("T")


class SnapshotCache(Generic[T]):
    """A small table read whole (policies, message templates), kept per process.

    ``load()`` builds the value from the database; it is reused for
    ``ANJU_REFERENCE_CACHE_SECONDS``, and a save or delete of any of ``models`` (labels
    such as ``"notify.MessageTemplate"``) in this process drops it at once. Unlike
    ``ReferenceCache`` an empty table is cached too, so the common case (no admin rows)
    costs no query either.
    """

    def __init__(self, load: Callable[[], T], *models: str) -> None:
        self._load = load
        self._value: tuple[float, T] | None = None
        self._lock = threading.Lock()
        for label in models:
            post_save.connect(self.clear, sender=label, weak=False,
                              dispatch_uid=f"snapshot.{label}.{id(self)}")
            post_delete.connect(self.clear, sender=label, weak=False,
                                dispatch_uid=f"snapshot-del.{label}.{id(self)}")
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self) -> T:
        now = time.monotonic()
        value = self._value
        if value is not None and value[0] > now:
            return value[1]
        loaded = self._load()
        with self._lock:
            self._value = (now + settings.ANJU_REFERENCE_CACHE_SECONDS, loaded)
        return loaded

    def clear(self, **kwargs: Any) -> None:
        with self._lock:
            self._value = None
