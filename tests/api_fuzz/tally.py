"""Figures of the schemathesis run, printed at the end of the session (conftest.py)."""

from __future__ import annotations

from collections import Counter

CASES: Counter[tuple[str, str]] = Counter()  # (caller, operation) → cases sent
FAILURES: Counter[tuple[str, str]] = Counter()  # (caller, operation) → cases that failed a check
STATUSES: Counter[int] = Counter()  # HTTP status → responses that passed the checks


def summary() -> str | None:
    if not CASES:
        return None
    operations = {operation for _caller, operation in CASES}
    callers = sorted({caller for caller, _operation in CASES})
    return (f"schemathesis: {len(operations)} operations x {len(callers)} callers "
            f"({', '.join(callers)}), {sum(CASES.values())} cases run, "
            f"{sum(FAILURES.values())} failed checks (no 5xx, response schema conformance); "
            f"responses by status: {dict(sorted(STATUSES.items()))}")
