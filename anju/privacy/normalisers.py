"""How a value is normalised before its blind index is computed, per purpose.

Two spellings of the same phone number must give the same index, or a lookup misses.
"""

from __future__ import annotations

from collections.abc import Callable

from anju.lib import id_numbers, phones


def _text(value: str) -> str:
    return " ".join(value.split())


NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": phones.normalise,
    "id_number": id_numbers.normalise,
}


def normalise(purpose: str, value: str) -> str:
    return NORMALISERS.get(purpose, _text)(value or "")
