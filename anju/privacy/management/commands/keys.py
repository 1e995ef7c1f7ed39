"""``anju keys generate|status|rotate|reindex``: the keys that encrypt personal data.

* ``generate [--id ID]`` prints a new key line for ``ANJU_DATA_KEYS`` or the key file
  (``--id index`` for a blind-index key). It also works before any key is configured
  (see ``anju/__main__.py``).
* ``status`` counts the stored values of every encrypted column per key id.
* ``rotate`` re-encrypts every value that is not under the current key; run it after
  putting the new key first on every server. Safe while the site runs, resumable.
* ``reindex`` recomputes every blind index after the index key changed.

See docs/security.md, "Personal data at rest".
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.privacy import rotation
from anju.privacy.crypto import DecryptionError
from anju.privacy.keys import default_key_id, generate_line, keyring


class Command(BaseCommand):
    help = "Generate keys for personal data, show which key encrypts what, rotate, re-index."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        generate = sub.add_parser("generate", help="Print a new key line.")
        generate.add_argument("--id", dest="key_id", default=None,
                              help="The key id (default k<date>, e.g. k20260115); 'index' for "
                                   "a blind-index key.")
        sub.add_parser("status", help="Count stored values per key id, per column.")
        rotate = sub.add_parser("rotate", help="Re-encrypt everything with the current key.")
        rotate.add_argument("--batch-size", type=int, default=500)
        reindex = sub.add_parser("reindex", help="Recompute the blind indexes (new index key).")
        reindex.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "generate":
            self._generate(options["key_id"])
            return
        if options.get("batch_size", 1) < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            getattr(self, f"_{subcommand}")(**options)
        except DecryptionError as exc:
            raise CommandError(str(exc)) from None

    def _generate(self, key_id: str | None) -> None:
        try:
            self.stdout.write(generate_line(key_id or default_key_id()))
        except ValueError as exc:
            raise CommandError(str(exc)) from None

    def _status(self, **options: Any) -> None:
        ring = keyring()
        self.stdout.write(f"Keys ({ring.source}): {', '.join(ring.keys)}; current: {ring.current_id}")
        stale = 0
        for column, counts in sorted(rotation.key_counts().items()):
            parts = ", ".join(f"{key}: {n}" for key, n in sorted(counts.items()))
            self.stdout.write(f"  {column}: {parts or 'no rows'}")
            stale += sum(n for key, n in counts.items() if key not in (ring.current_id, rotation.EMPTY))
        if stale:
            self.stdout.write(f"{stale} values are not under the current key: run `anju keys rotate`.")
        else:
            self.stdout.write("Every value is under the current key.")

    def _rotate(self, *, batch_size: int, **options: Any) -> None:
        current = keyring().current_id
        self.stdout.write(f"Re-encrypting with key {current}…")
        report = rotation.rotate(batch_size=batch_size)
        for label in sorted(set(report.rewritten) | set(report.changed_meanwhile)):
            self.stdout.write(f"  {label}: {report.rewritten[label]} rows re-encrypted"
                              + (f", {report.changed_meanwhile[label]} changed meanwhile (already "
                                 f"current)" if report.changed_meanwhile[label] else ""))
        total = sum(report.rewritten.values())
        self.stdout.write(self.style.SUCCESS(
            f"Done: {total} rows re-encrypted with key {current}. Check with `anju keys status` "
            f"before removing an old key."))

    def _reindex(self, *, batch_size: int, **options: Any) -> None:
        changed = rotation.reindex(batch_size=batch_size)
        for label, count in sorted(changed.items()):
            self.stdout.write(f"  {label}: {count} rows re-indexed")
        self.stdout.write(self.style.SUCCESS(f"Done: {sum(changed.values())} rows re-indexed."))
