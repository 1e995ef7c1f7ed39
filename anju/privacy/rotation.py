"""Key rotation, key status and re-indexing over every encrypted column of the project.

The columns are found from the models (``EncryptedMixin`` and ``BlindIndexField``
fields), so a new encrypted field is rotated without being listed anywhere.

Rotation reads the stored tokens as text, picks the rows with a value under an older
key and rewrites those values with the current key, one compare-and-set update per row
(``WHERE pk = … AND column = <the token read>``): a row the application changed in the
meantime is already under the current key and is left alone. Batches commit one by one,
so an interrupted run keeps its progress and the next run only does what is left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

from anju.privacy import crypto
from anju.privacy.fields import encrypted_fields, index_fields
from anju.privacy.keys import keyring

EMPTY = "(empty)"
NOT_ENCRYPTED = "(not encrypted)"


def _raw(name: str) -> str:
    return f"_raw_{name}"


def encrypted_models() -> list[tuple[Any, list[Any]]]:
    return [(model, fields) for model in apps.get_models() if (fields := encrypted_fields(model))]


def _raw_rows(model: Any, fields: list[Any]) -> Any:
    """The model's rows with each encrypted column as stored (``_raw_<name>``), no decryption."""
    return model._base_manager.annotate(
        **{_raw(f.name): Cast(f.name, output_field=TextField()) for f in fields})


def key_counts() -> dict[str, Counter[str]]:
    """For each ``app.model.field``: how many values each key id encrypts, plus empty ones
    and any that are not tokens at all."""
    counts: dict[str, Counter[str]] = {}
    for model, fields in encrypted_models():
        names = [_raw(f.name) for f in fields]
        per_field = [counts.setdefault(f.purpose, Counter()) for f in fields]
        for values in _raw_rows(model, fields).values_list(*names).iterator(chunk_size=2000):
            for counter, value in zip(per_field, values, strict=True):
                counter[EMPTY if not value else crypto.key_id_of(value) or NOT_ENCRYPTED] += 1
    return counts


@dataclass
class RotationReport:
    rewritten: Counter[str] = field(default_factory=Counter)  # model label → rows re-encrypted
    changed_meanwhile: Counter[str] = field(default_factory=Counter)  # skipped: written since read


def _stale(fields: list[Any], prefix: str) -> Q:
    query = Q()
    for f in fields:
        raw = _raw(f.name)
        query |= Q(**{f"{raw}__isnull": False}) & ~Q(**{raw: ""}) & ~Q(**{f"{raw}__startswith": prefix})
    return query


def _batches(model: Any, fields: list[Any], prefix: str, size: int) -> Iterator[list[tuple[Any, ...]]]:
    names = ["pk", *(_raw(f.name) for f in fields)]
    stale = _raw_rows(model, fields).filter(_stale(fields, prefix)).order_by("pk")
    last = None
    while True:
        qs = stale if last is None else stale.filter(pk__gt=last)
        rows = list(qs.values_list(*names)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rewrite(model: Any, fields: list[Any], row: tuple[Any, ...], prefix: str) -> bool:
    pk, tokens = row[0], row[1:]
    changes: dict[str, str] = {}
    unchanged: list[Exact] = []
    for f, token in zip(fields, tokens, strict=True):
        unchanged.append(Exact(Cast(f.name, output_field=TextField()), token or ""))
        if token and not token.startswith(prefix):
            changes[f.name] = crypto.decrypt(token, f.purpose)  # encrypted again on save
    # Compare-and-set: only if every column still holds what was read.
    return model._base_manager.filter(*unchanged, pk=pk).update(**changes) == 1


def rotate(*, batch_size: int = 500, progress: Callable[[str, int], None] | None = None) -> RotationReport:
    """Re-encrypt every value not under the current key. Safe while the site runs."""
    ring = keyring()
    prefix = f"{crypto.VERSION}:{ring.current_id}:"
    report = RotationReport()
    for model, fields in encrypted_models():
        label = model._meta.label
        for rows in _batches(model, fields, prefix, batch_size):
            with transaction.atomic():
                for row in rows:
                    if _rewrite(model, fields, row, prefix):
                        report.rewritten[label] += 1
                    else:
                        report.changed_meanwhile[label] += 1
            if progress is not None:
                progress(label, report.rewritten[label])
    return report


def reindex(*, batch_size: int = 500) -> Counter[str]:
    """Recompute every blind index (after the index key changed); counts rows changed."""
    changed: Counter[str] = Counter()
    for model in apps.get_models():
        indexes = index_fields(model)
        if not indexes:
            continue
        columns = [f.name for f in indexes] + [f.source for f in indexes]
        last = None
        while True:
            qs = model._base_manager.order_by("pk").only(*columns)
            rows = list((qs if last is None else qs.filter(pk__gt=last))[:batch_size])
            if not rows:
                break
            with transaction.atomic():
                for row in rows:
                    values = {f.name: f.derive(row) for f in indexes}
                    if any(getattr(row, name) != value for name, value in values.items()):
                        model._base_manager.filter(pk=row.pk).update(**values)
                        changed[model._meta.label] += 1
            last = rows[-1].pk
    return changed
