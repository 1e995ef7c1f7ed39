"""The deadline sweep: warnings at shares of time used, at breach, and up the ladder.

Set-based and idempotent. Each round takes a batch of due, pending checkpoints
(``done_at IS NULL AND due_at <= now``, a partial index) — on PostgreSQL locked with
``FOR UPDATE SKIP LOCKED`` so concurrent workers take different rows — and, in ONE
transaction: raises their warnings (``INSERT … ON CONFLICT DO NOTHING`` on the warning
key, which holds the deadline, so a deadline is warned about once), supervises (督办) the
complaints of ladder steps through the complaint service
(``complaints_supervise_by_ladder``: version, ``escalated``, supervision, event, audit
entry and subscribers, like a supervisor's own 督办), queues an in-app message for
each recipient of a *new* warning, and marks the checkpoints done. A worker killed
mid-round rolls the whole round back; the next sweep does it again. A sweep with nothing
due costs one indexed query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from anju.complaints.models import Status
from anju.complaints.services import LadderStep, complaints_supervise_by_ladder
from anju.lib.bulk import insert_rows
from anju.notify.models import Message
from anju.sla.models import Checkpoint
from anju.staff.models import Role, StaffProfile
from anju.warnings.services import Draft, raise_warnings

BATCH = 5000
LEVEL_ROLE = {1: Role.SUPERVISOR, 2: Role.MANAGER, 3: Role.QUALITY}
LEVEL_NAME = {0: "handler", 1: "supervisor", 2: "manager", 3: "quality"}
LIVE = [s.value for s in Status if s.value not in
        {Status.REFERRED_OUT, Status.CLOSED, Status.WITHDRAWN, Status.MERGED, Status.ON_HOLD}]


def _kind(mark: str) -> tuple[str, int]:
    if mark == "breach":
        return "sla_breach", 0
    if mark.startswith("ladder"):
        return "ladder", int(mark[6:])
    return "sla_share", 0


def key_of(complaint_id: int, target: str, mark: str, deadline: datetime) -> str:
    return f"sla:{complaint_id}:{target}:{mark}:{int(deadline.timestamp())}"


def sweep(*, now: datetime | None = None, batch: int = BATCH, notify: bool = True) -> int:
    """Act on every due checkpoint; returns how many new warnings were raised."""
    now = now or timezone.now()
    raised = 0
    while True:
        n, more = _round(now, batch, notify)
        raised += n
        if not more:
            return raised


def _round(now: datetime, batch: int, notify: bool) -> tuple[int, bool]:
    with transaction.atomic():
        qs = (Checkpoint.objects.filter(done_at__isnull=True, due_at__lte=now)
              .order_by("due_at").values_list("pk", "complaint_id", "target", "mark", "deadline",
                                              "complaint__status", "complaint__estate_id",
                                              "complaint__department_id", "complaint__handler_id",
                                              "complaint__number"))
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs[:batch])
        if not rows:
            return 0, False
        drafts, info = [], {}
        for _pk, cid, target, mark, deadline, status, estate, dept, handler, number in rows:
            if status not in LIVE:
                continue  # finished or on hold: a recompute re-arms it if it comes back
            kind, level = _kind(mark)
            key = key_of(cid, target, mark, deadline)
            drafts.append(Draft(kind=kind, key=key, reason_code=f"sla.{kind}", complaint_id=cid,
                                estate_id=estate, department_id=dept, level=level, target=target,
                                data={"target": target, "mark": mark, "due": deadline.isoformat(),
                                      "number": number}))
            info[key] = (cid, estate, dept, handler, number, level, target, mark)
        created = raise_warnings(drafts, now=now)
        if created:
            _record(created, info, now, notify)
        Checkpoint.objects.filter(pk__in=[r[0] for r in rows], done_at__isnull=True).update(done_at=now)
    return len(created), len(rows) == batch


def _recipients(estates: Iterable[int]) -> dict[tuple[int, int | None, int], list[int]]:
    """(level, department or None, estate) → staff user ids, for levels 1..3."""
    out: dict[tuple[int, int | None, int], list[int]] = defaultdict(list)
    wanted = set(estates)
    profiles = (StaffProfile.objects.filter(role__in=list(LEVEL_ROLE.values()), user__is_active=True)
                .prefetch_related("estates", "departments"))
    for p in profiles:
        level = next(lv for lv, role in LEVEL_ROLE.items() if role == p.role)
        reach = wanted if p.all_estates else wanted & {e.pk for e in p.estates.all()}
        depts: list[int | None] = [d.pk for d in p.departments.all()] if level == 1 else [None]
        for estate in reach:
            for dept in depts:
                out[(level, dept, estate)].append(p.user_id)
    return out


def _record(created: list[Any], info: dict[str, tuple], now: datetime, notify: bool) -> None:
    reach = _recipients({info[w.key][1] for w in created}) if created else {}
    steps: list[LadderStep] = []
    messages: list[tuple[int, str, str, int]] = []
    with override("zh-hans"):
        for w in created:
            cid, estate, dept, handler, number, level, target, mark = info[w.key]
            target_label = TARGET_LABELS.get(target, target)
            if level == 0:
                users = [handler] if handler else reach.get((1, dept, estate), [])
            else:
                users = reach.get((level, dept if level == 1 else None, estate), [])
            if w.kind == "ladder":
                text = _("Escalated to the %(level)s: %(target)s deadline of %(number)s missed.") % {
                    "level": LEVEL_LABELS[level], "target": target_label, "number": number}
                steps.append(LadderStep(complaint_id=cid, level=LEVEL_NAME[level], reason=text,
                                        data={"step": level, "target": target, "warning": w.pk}))
            elif w.kind == "sla_breach":
                text = _("%(number)s: the %(target)s deadline is missed.") % {
                    "number": number, "target": target_label}
            else:
                text = _("%(number)s: %(share)s%% of the %(target)s time is used.") % {
                    "number": number, "share": mark, "target": target_label}
            if notify:
                messages.extend((u, f"sla.{w.kind}", text, cid) for u in dict.fromkeys(users))
    complaints_supervise_by_ladder(steps, now=now)
    _queue_messages(messages, now)


def _queue_messages(messages: list[tuple[int, str, str, int]], now: datetime) -> None:
    """In-app messages to staff (the outbox of anju/notify), in multi-row statements.

    The columns are those ``notify.services.notify_user`` would write; the others take the
    values Django would give a fresh ``Message``. Tens of thousands of warnings falling
    due at once are queued in seconds instead of a minute of model instances.
    """
    template = Message(channel=Message.Channel.IN_APP, recipient="", kind="", subject="", body="",
                       created_at=now, next_attempt_at=now)
    insert_rows(Message, [{"user_id": user_id, "kind": kind, "subject": text[:200], "body": text,
                           "complaint_id": complaint_id}
                          for user_id, kind, text, complaint_id in messages], template=template)


TARGET_LABELS = {"feedback": "首次反馈", "onsite": "到场", "resolve": "办结", "visit": "回访"}
LEVEL_LABELS = {1: "部门主管", 2: "项目经理", 3: "品质部"}
