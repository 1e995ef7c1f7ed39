"""The size of the matrix: cases checked per part, printed at the end of the run (conftest)."""

from __future__ import annotations

from collections import Counter

# part of the matrix ("console act", "api read", …) → (endpoint × actor × target) cases checked
CASES: Counter[str] = Counter()


def count(part: str, cases: int = 1) -> None:
    CASES[part] += cases


def summary() -> str | None:
    if not CASES:
        return None
    return (f"access matrix: {sum(CASES.values())} cases (endpoint x actor x target), "
            f"in {len(CASES)} parts")
