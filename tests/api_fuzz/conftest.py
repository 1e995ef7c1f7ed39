"""Prints the schemathesis figures (tally.py) after the test summary."""

from __future__ import annotations

from tests.api.conftest import api_for  # noqa: F401  (re-exported fixture)
from tests.api_fuzz import tally


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    line = tally.summary()
    if line:
        terminalreporter.write_sep("-", "API fuzzing")
        terminalreporter.write_line(line)
        for (caller, operation), count in sorted(tally.CASES.items()):
            failed = tally.FAILURES[(caller, operation)]
            terminalreporter.write_line(f"  {caller:<9} {operation:<55} {count:>4} cases"
                                        + (f", {failed} failed" if failed else ""))
