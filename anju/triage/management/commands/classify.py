"""``anju classify [FILE]``: classify JSON lines with a ``text`` field.

Reads FILE (or standard input), writes one JSON line per input line with every input
field kept and ``category``, ``urgency``, ``angry``, ``in_scope``, ``confidence``,
``top_categories`` and ``rules`` added. A bad line (invalid JSON, no ``text``) gets a
message on standard error naming its line number and is skipped; the rest go on. Lines
are classified in batches, so a large file runs at batch speed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from anju.triage import api

BATCH = 2000


class Command(BaseCommand):
    help = "Classify JSON lines with a “text” field (category, urgency, angry, in_scope, confidence)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="JSON-lines file (default: standard input).")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        if file == "-":
            if hasattr(sys.stdin, "reconfigure"):
                sys.stdin.reconfigure(encoding="utf-8-sig")
            self._run(sys.stdin)
            return
        try:
            stream = open(file, encoding="utf-8-sig")  # noqa: SIM115 (closed below)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}") from None
        with stream:
            self._run(stream)

    def _run(self, stream: IO[str]) -> None:
        use_keyword_rules = self._keyword_rules_available()
        out = sys.stdout
        if hasattr(out, "reconfigure"):
            out.reconfigure(encoding="utf-8")
        bad = 0
        for batch, errors in _batches(stream):
            for number, message in errors:
                bad += 1
                sys.stderr.write(f"line {number}: {message}\n")
            if not batch:
                continue
            results = api.classify_texts([item["text"] for item in batch], keyword_rules=use_keyword_rules)
            for item, result in zip(batch, results, strict=True):
                item.update(result.as_dict())
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
            out.flush()
        if bad:
            sys.stderr.write(f"{bad} line(s) skipped\n")

    def _keyword_rules_available(self) -> bool:
        """Keyword rules live in the database; without one, classify with the model and danger words."""
        try:
            from anju.triage.rules import keyword_rules

            keyword_rules.get()
        except DatabaseError as exc:
            sys.stderr.write(f"note: keyword rules not applied (database: {exc})\n")
            return False
        return True


def _batches(stream: IO[str]) -> Iterator[tuple[list[dict[str, Any]], list[tuple[int, str]]]]:
    batch: list[dict[str, Any]] = []
    errors: list[tuple[int, str]] = []
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append((number, f"invalid JSON ({exc.msg}, column {exc.colno})"))
            continue
        if not isinstance(item, dict):
            errors.append((number, "not a JSON object"))
        elif not isinstance(item.get("text"), str):
            errors.append((number, "missing “text” (a string)"))
        else:
            batch.append(item)
        if len(batch) >= BATCH:
            yield batch, errors
            batch, errors = [], []
    yield batch, errors
