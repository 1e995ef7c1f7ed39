"""``retention_apply``: the whole retention policy in one call (command and daily job).

Callers may rely on: it is idempotent (a second run changes nothing more); with
``dry_run`` it only counts; each complaint is anonymised in its own short transaction,
so a run can be interrupted and resumed by the next one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from anju.complaints.models import Attachment
from anju.estates.models import Estate
from anju.notify.models import Message
from anju.retention import purge
from anju.retention.anonymise import complaint_anonymise, due_complaints


@dataclass
class Report:
    cutoff: datetime
    dry_run: bool
    complaints_by_estate: dict[str, int] = field(default_factory=dict)
    files_removed: int = 0
    messages_cleared: int = 0
    sign_in_codes_deleted: int = 0
    messages_deleted: int = 0
    sign_in_counters_deleted: int = 0

    @property
    def complaints(self) -> int:
        return sum(self.complaints_by_estate.values())

    def as_dict(self) -> dict:
        return {"cutoff": self.cutoff.isoformat(), "dry_run": self.dry_run,
                "complaints": self.complaints, "complaints_by_estate": self.complaints_by_estate,
                "files_removed": self.files_removed, "messages_cleared": self.messages_cleared,
                "sign_in_codes_deleted": self.sign_in_codes_deleted,
                "messages_deleted": self.messages_deleted,
                "sign_in_counters_deleted": self.sign_in_counters_deleted}


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_apply(*, years: int | None = None, now: datetime | None = None,
                    dry_run: bool = False) -> Report:
    """Anonymise complaints finished more than ``years`` (ANJU_RETENTION_YEARS) ago and
    delete old sign-in codes, finished outbox messages and spent sign-in counters."""
    now = now or timezone.now()
    years = settings.ANJU_RETENTION_YEARS if years is None else years
    report = Report(cutoff=years_before(now, years), dry_run=dry_run)
    if dry_run:
        _count_complaints(report)
    else:
        _anonymise_complaints(report, now)
    report.sign_in_codes_deleted = purge.purge(
        purge.old_sign_in_codes(before=now - timedelta(days=settings.ANJU_RETENTION_CODE_DAYS)),
        dry_run=dry_run)
    report.messages_deleted = purge.purge(
        purge.old_finished_messages(
            before=now - timedelta(days=settings.ANJU_RETENTION_MESSAGE_DAYS)),
        dry_run=dry_run)
    report.sign_in_counters_deleted = purge.purge(purge.stale_sign_in_throttles(now=now),
                                                  dry_run=dry_run)
    return report


def _count_complaints(report: Report) -> None:
    due = due_complaints(cutoff=report.cutoff)
    rows = due.values("estate__name").annotate(n=Count("pk")).order_by("estate__name")
    report.complaints_by_estate = {row["estate__name"]: row["n"] for row in rows}
    report.files_removed = Attachment.objects.filter(complaint__in=due).exclude(file="").count()
    report.messages_cleared = Message.objects.filter(complaint__in=due).count()


def _anonymise_complaints(report: Report, now: datetime) -> None:
    by_estate: Counter[int] = Counter()
    ids = list(due_complaints(cutoff=report.cutoff).order_by("pk").values_list("pk", flat=True))
    for complaint_id in ids:
        outcome = complaint_anonymise(complaint_id=complaint_id, cutoff=report.cutoff, now=now)
        if outcome is None:  # reopened meanwhile, or another run got there first
            continue
        by_estate[outcome.estate_id] += 1
        report.files_removed += outcome.attachments
        report.messages_cleared += outcome.messages
    names = dict(Estate.objects.filter(pk__in=by_estate).values_list("pk", "name"))
    report.complaints_by_estate = {names[pk]: n for pk, n in sorted(by_estate.items())}
