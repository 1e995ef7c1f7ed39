"""Attachment files: prepared and stored before a change's transaction, kept only if it commits.

A service that takes files works in three steps (``docs/architecture.md``, "Files"):

1. ``check(kind, files)`` — the upload checks (``uploads.check_uploads``), before anything
   else is done;
2. ``with staging(checked) as staged, transaction.atomic():`` — entering ``staging``
   re-encodes the photos (``uploads.prepare``) and writes every file to storage under its
   final name, *before* the transaction starts: no file work holds a row lock (or, on
   SQLite, the database's single write lock). Each file is written after a *pending mark*
   naming it (``attachments/pending/<random>``);
3. inside the transaction the service writes the ``Attachment`` rows with those names and
   calls ``staged.keep()``, which clears the marks once the transaction commits
   (``transaction.on_commit``).

If the change does not commit, its files go:

* an exception that leaves the ``with`` (``Conflict``, ``IllegalTransition``, a failing
  hook, the ``IntegrityError`` of an idempotent retry that lost the race…) rolled the
  transaction — or the savepoint, when the service runs inside an outer ``atomic`` —
  back, so ``staging`` deletes the files and their marks at once;
* what no exception here can see — an outer transaction rolled back later, a process
  killed before the commit — leaves marks behind. ``sweep`` (every hour from the worker,
  ``anju.complaints.tasks``) settles each mark older than ``STALE_AFTER``: a file no
  ``Attachment`` row names is deleted; a file a committed row names (the process died
  between the commit and the clearing of the mark) is kept, and only the mark goes.

So a committed row always names a file that was in place before the commit, and a file
without a committed row is removed either at once or by the next sweep.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from anju.complaints import uploads
from anju.complaints.models import Attachment

logger = logging.getLogger(__name__)

PENDING_DIR = "attachments/pending"
# Far longer than any transaction lives (and than a request may take); a mark this old
# belongs to a change that will never commit, or to one that committed long ago.
STALE_AFTER = timedelta(hours=1)


def _file_field() -> Any:
    return Attachment._meta.get_field("file")


def _storage() -> Storage:
    return _file_field().storage


@dataclass(frozen=True)
class Checked:
    """An upload the checks accepted, with the attachment kind it is for."""

    kind: str
    upload: Any
    content_type: str


@dataclass(frozen=True)
class Stored:
    """A prepared file written to storage: what its ``Attachment`` row records."""

    kind: str
    name: str
    content_type: str
    size: int
    display_name: str


def check(kind: str, files: Iterable[Any]) -> list[Checked]:
    """Check the uploads of one kind (``uploads.check_uploads``, with its limit on the count)."""
    files = list(files)
    return [Checked(kind, upload, content_type)
            for upload, content_type in zip(files, uploads.check_uploads(files), strict=True)]


@dataclass
class Staging:
    """The files of one change; see the module's docstring. Use through ``staging``."""

    checked: Sequence[Checked]
    files: list[Stored] = field(default_factory=list, init=False)
    _names: list[str] = field(default_factory=list, init=False)  # written to storage
    _marks: list[str] = field(default_factory=list, init=False)
    _kept: bool = field(default=False, init=False)

    def __enter__(self) -> Staging:
        try:
            for item in self.checked:
                self.files.append(self._store(item))
        except BaseException:
            self.discard()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # An exception here means the transaction (or savepoint) inside was rolled back;
        # files that were never given to a row are no one's either.
        if exc_type is not None or not self._kept:
            self.discard()

    def _store(self, item: Checked) -> Stored:
        prepared = uploads.prepare(item.upload, item.content_type)  # photos lose EXIF/GPS here
        storage = _storage()
        name = _file_field().generate_filename(Attachment(content_type=prepared.content_type),
                                               prepared.display_name)
        self._marks.append(_mark(storage, name))  # the mark first: no unmarked file, ever
        saved = storage.save(name, prepared.content)
        self._names.append(saved)
        if saved != name:  # the storage chose another name: mark that one too
            self._marks.append(_mark(storage, saved))
        return Stored(item.kind, saved, prepared.content_type, prepared.size,
                      prepared.display_name)

    def keep(self) -> None:
        """Called inside the transaction that writes the rows: clear the marks on commit."""
        if not self.files:
            return
        self._kept = True
        transaction.on_commit(self._settle)

    def _settle(self) -> None:
        # After the commit: a failure must not turn a committed change into an error.
        # A mark left here is cleared by the sweep, which finds the row.
        _delete_all(_storage(), self._marks)
        self._marks = []

    def discard(self) -> None:
        """Delete the files written (the change did not commit), then their marks."""
        storage = _storage()
        if _delete_all(storage, self._names):
            _delete_all(storage, self._marks)  # a file that could not go keeps its mark
        self._names, self._marks = [], []


def staging(checked: Sequence[Checked]) -> Staging:
    return Staging(list(checked))


def _mark(storage: Storage, name: str) -> str:
    return storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}", ContentFile(name.encode()))


def _delete_all(storage: Storage, names: Iterable[str]) -> bool:
    """Delete what can be deleted; log the rest. True when everything went."""
    ok = True
    for name in names:
        try:
            storage.delete(name)  # a file already missing is no error
        except OSError:
            logger.exception("Could not delete %s", name)
            ok = False
    return ok


@dataclass(frozen=True)
class SweepReport:
    files_removed: int = 0
    marks_cleared: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"files_removed": self.files_removed, "marks_cleared": self.marks_cleared}


def sweep(*, now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> SweepReport:
    """Settle the pending marks older than ``older_than``: delete the files no row names."""
    storage = _storage()
    cutoff = (now or timezone.now()) - older_than
    try:
        _, marks = storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return SweepReport()
    stale: dict[str, str] = {}  # mark → file it names
    for mark in marks:
        path = f"{PENDING_DIR}/{mark}"
        try:
            if storage.get_modified_time(path) > cutoff:
                continue
            with storage.open(path, "rb") as handle:
                stale[path] = handle.read().decode("utf-8", "replace").strip()
        except FileNotFoundError:
            continue  # settled meanwhile
    names = sorted({name for name in stale.values() if name})
    referenced: set[str] = set()
    for start in range(0, len(names), 500):
        referenced.update(Attachment.objects.filter(file__in=names[start:start + 500])
                          .values_list("file", flat=True))
    removed = cleared = 0
    for mark, name in stale.items():
        orphan = (name and name not in referenced and name.startswith("attachments/")
                  and not name.startswith(f"{PENDING_DIR}/"))
        if orphan:
            if not _delete_all(storage, [name]):
                continue  # kept, with its mark, for the next sweep
            removed += 1
        if _delete_all(storage, [mark]):
            cleared += 1
    if removed:
        logger.info("Removed %s attachment files of changes that did not commit", removed)
    return SweepReport(removed, cleared)
