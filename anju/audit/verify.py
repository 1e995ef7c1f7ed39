"""Walking the chain: the first altered, inserted or deleted entry, or an all-clear.

Entries are read in ``seq`` order in batches, without holding a transaction open, so the
log can be checked while it grows. Each entry must (1) carry the next sequence number,
(2) name its predecessor's hash as ``prev_hash`` and (3) hash to its stored ``hash``.
A gap in the numbers means entries were deleted; a number out of order or a broken link
means one was inserted (or the one before rewritten with a fresh hash); a wrong hash
means the entry was altered. At the end the chain head row must agree with the last
entry, which catches entries deleted from the end - unless the attacker rewrote that row
too, which is what comparing with a head noted elsewhere (``expect``) is for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from anju.audit import chain
from anju.audit.log import HEAD_ID
from anju.audit.models import AuditEntry, ChainHead

COLUMNS = (*chain.HASHED_FIELDS, "prev_hash", "hash")


@dataclass(frozen=True)
class Problem:
    kind: str  # altered | inserted | deleted | truncated | head
    seq: int
    message: str


@dataclass(frozen=True)
class Report:
    count: int
    head_seq: int
    head_hash: str
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows(batch_size: int, after: int | None) -> Iterator[dict[str, Any]]:
    while True:
        rows = AuditEntry.objects.all() if after is None else AuditEntry.objects.filter(seq__gt=after)
        batch = list(rows.order_by("seq").values(*COLUMNS)[:batch_size])
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1]["seq"]


class _Walk:
    def __init__(self, expect: tuple[int, str] | None) -> None:
        self.expect = expect
        self.count = 0
        self.seq = 0
        self.hash = chain.GENESIS

    def step(self, row: dict[str, Any]) -> Problem | None:
        seq = row["seq"]
        expected = self.seq + 1
        if seq > expected:
            missing = str(expected) if seq == expected + 1 else f"{expected}-{seq - 1}"
            return Problem("deleted", expected, f"entry {missing} is missing before entry {seq}: "
                                                "entries were deleted")
        if seq < expected:
            return Problem("inserted", seq, f"entry {seq} is out of order (expected {expected}): "
                                            "it was inserted")
        if row["prev_hash"] != self.hash:
            return Problem("inserted", seq, f"entry {seq} does not link to entry {self.seq}: an entry "
                                            "was inserted here, or the one before was rewritten")
        if chain.entry_hash(row["prev_hash"], row) != row["hash"]:
            return Problem("altered", seq, f"entry {seq} was altered: its contents do not match "
                                           "its hash")
        if self.expect and seq == self.expect[0] and row["hash"] != self.expect[1]:
            return Problem("altered", seq, f"entry {seq} differs from the head noted earlier: "
                                           "the chain was rewritten up to here")
        self.count, self.seq, self.hash = self.count + 1, seq, row["hash"]
        return None

    def report(self, problem: Problem | None = None) -> Report:
        return Report(self.count, self.seq, self.hash, problem)


def verify(*, expect: tuple[int, str] | None = None, batch_size: int = 1000) -> Report:
    """Check the whole chain; ``expect`` is a ``(seq, hash)`` head noted earlier."""
    walk = _Walk(expect)
    while True:
        # The first pass has no lower bound, so an entry numbered 0 or below is seen too.
        for row in _rows(batch_size, walk.seq if walk.count else None):
            if (problem := walk.step(row)) is not None:
                return walk.report(problem)
        head = ChainHead.objects.filter(pk=HEAD_ID).values_list("seq", "hash").first()
        if head is None or head[0] <= walk.seq:
            break
        # Either appended while we walked (then there is more to read) or cut off the end.
        if not AuditEntry.objects.filter(seq__gt=walk.seq).exists():
            return walk.report(Problem("truncated", walk.seq + 1, (
                f"the chain head records entry {head[0]} but the log ends at entry {walk.seq}: "
                "entries were deleted from the end")))
    if head is not None and head[0] == walk.seq and head[1] != walk.hash:
        return walk.report(Problem("altered", walk.seq, f"entry {walk.seq} differs from the chain "
                                                        "head: the last entry was rewritten"))
    if head is not None and head[0] < walk.seq:
        return walk.report(Problem("inserted", head[0] + 1, (
            f"entries after {head[0]}, the chain head, were written outside the audit log")))
    if head is None and walk.count:
        return walk.report(Problem("head", walk.seq, "the chain head row is missing: it was deleted"))
    if expect and expect[0] > walk.seq:
        return walk.report(Problem("truncated", walk.seq + 1, (
            f"the head noted earlier is entry {expect[0]} but the log ends at entry {walk.seq}: "
            "entries were deleted from the end")))
    return walk.report()
