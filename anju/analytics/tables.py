"""A table of figures, the one shape every statistic takes on its way to a page or a file.

Metrics answer with their own small result types; ``tables_of`` turns each into a ``Table``;
the console renders tables, and ``exports`` writes them to Excel or CSV. A column's ``kind``
says what its values are, so each writer can format them properly (a percentage is a
fraction 0..1, a duration a number of seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "int", "number", "percent", "duration", "date", "datetime"]
KINDS: tuple[str, ...] = ("text", "int", "number", "percent", "duration", "date", "datetime")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; use one of {KINDS}.")


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def values(self, row: dict[str, Any]) -> list[Any]:
        """The row's values in column order (a missing value is None)."""
        return [row.get(c.key) for c in self.columns]
