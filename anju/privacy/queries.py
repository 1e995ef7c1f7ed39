"""Keeping blind indexes right on every kind of write, and looking rows up by them.

``BlindIndexField.pre_save`` covers ``save()`` and ``bulk_create()``. Django skips
``pre_save`` for ``QuerySet.update()``, ``bulk_update()`` and fields left out of
``save(update_fields=…)``; the query set and the model mixin below add the index
columns there, so an index can never go stale behind a changed phone number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from anju.privacy.fields import index_fields


class BlindIndexQuerySet(models.QuerySet):
    def matching(self, **values: str) -> BlindIndexQuerySet:
        """Rows whose indexed ``source`` field equals the value, e.g. ``matching(phone=…)``.

        A blank value matches nothing.
        """
        by_source = {f.source: f for f in index_fields(self.model)}
        lookups = {}
        for source, value in values.items():
            if source not in by_source:
                raise TypeError(f"{self.model.__name__}.{source} has no blind index.")
            lookups[by_source[source].name] = by_source[source].digest(value)
        if any(digest is None for digest in lookups.values()):
            return self.none()
        return self.filter(**lookups)

    def update(self, **kwargs: Any) -> int:
        for field in index_fields(self.model):
            if field.source in kwargs and field.name not in kwargs:
                value = kwargs[field.source]
                if hasattr(value, "resolve_expression"):
                    raise TypeError(f"{field.source} has a blind index: update it with a value, "
                                    f"not an expression.")
                kwargs[field.name] = field.digest(value)
        return super().update(**kwargs)

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs, fields = list(objs), list(fields)
        for field in index_fields(self.model):
            if field.source in fields and field.name not in fields:
                fields.append(field.name)
                for obj in objs:
                    setattr(obj, field.attname, field.derive(obj))
        return super().bulk_update(objs, fields, batch_size=batch_size)


class BlindIndexed:
    """Model mixin: ``save(update_fields=[source])`` saves the source's index too."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            names = list(update_fields)
            names += [f.name for f in index_fields(type(self))
                      if f.source in names and f.name not in names]
            kwargs["update_fields"] = names
        super().save(*args, **kwargs)  # type: ignore[misc]
