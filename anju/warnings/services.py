"""Raising, acknowledging and commenting on warnings; their reasons in the reader's language.

``raise_warnings`` is the only way warnings are created. It is set-based and idempotent:
multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` statements on the unique ``key``
(``anju.lib.bulk.insert_rows``) tell it which rows this very call inserted. Two workers raising
the same findings at once therefore store each warning once, and each warning is returned
to exactly one caller, which may then notify about it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from anju.audit.log import record
from anju.lib.bulk import insert_rows
from anju.lib.errors import InvalidInput
from anju.warnings.models import Kind, Level, Warning, WarningComment

MAX_COMMENT = 2000
BATCH = 1000


@dataclass(frozen=True)
class Draft:
    kind: str
    key: str
    reason_code: str
    complaint_id: int | None = None
    related_ids: tuple[int, ...] = ()
    estate_id: int | None = None
    department_id: int | None = None
    level: int = 0
    target: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def raise_warnings(drafts: Iterable[Draft], *, now: datetime | None = None) -> list[Warning]:
    """Store the drafts whose keys are new; return only the warnings this call created."""
    now = now or timezone.now()
    token = uuid.uuid4()
    by_key: dict[str, Draft] = {}
    for draft in drafts:
        if len(draft.key) > 200:
            raise ValueError(f"Warning keys are at most 200 characters: {draft.key!r}")
        by_key.setdefault(draft.key, draft)
    if not by_key:
        return []
    # In key order: concurrent callers inserting overlapping keys then wait for each other
    # instead of deadlocking.
    ordered = sorted(by_key.values(), key=lambda d: d.key)
    rows = [{"kind": d.kind, "key": d.key, "reason_code": d.reason_code, "complaint_id": d.complaint_id,
             "estate_id": d.estate_id, "department_id": d.department_id, "level": d.level,
             "target": d.target, "data": d.data, "raised_at": now, "batch": token} for d in ordered]
    with transaction.atomic():
        inserted = dict((key, pk) for pk, key in
                        insert_rows(Warning, rows, conflict="key", returning=("id", "key")))
        created = [_stored(pk, row) for row in rows if (pk := inserted.get(row["key"])) is not None]
        created.sort(key=lambda w: w.pk)
        links = [
            Warning.related.through(warning_id=w.pk, complaint_id=complaint_id)
            for w in created
            for complaint_id in dict.fromkeys(by_key[w.key].related_ids)
        ]
        if links:
            Warning.related.through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    return created


def _stored(pk: int, row: dict[str, Any]) -> Warning:
    """The instance of a row ``insert_rows`` has just inserted (no query to read it back)."""
    warning = Warning(pk=pk, **row)
    warning._state.adding = False
    warning._state.db = DEFAULT_DB_ALIAS
    return warning


def acknowledge(warning: Warning, user: Any, *, now: datetime | None = None) -> bool:
    """Mark a warning as seen and taken in hand. Returns False when it already was.

    Compare-and-set: of two people acknowledging at once, one is recorded.
    """
    now = now or timezone.now()
    with transaction.atomic():
        done = Warning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=user)
        if done:
            record("warning.acknowledged", actor=user, target=warning,
                   data={"kind": warning.kind, "key": warning.key})
    if done:
        warning.acknowledged_at, warning.acknowledged_by = now, user
    return bool(done)


def comment(warning: Warning, user: Any, text: str) -> WarningComment:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(gettext_lazy("Please write a comment."), errors={"text": ["required"]})
    if len(text) > MAX_COMMENT:
        raise InvalidInput(gettext_lazy("The comment is too long."), errors={"text": ["too_long"]})
    with transaction.atomic():
        entry = WarningComment.objects.create(warning=warning, author=user, text=text)
        record("warning.commented", actor=user, target=warning,
               data={"kind": warning.kind, "comment": entry.pk})
    return entry


# --------------------------------------------------------------------------- reasons

Renderer = Callable[[Warning], str]
REASONS: dict[str, Renderer] = {}


def reason(code: str) -> Callable[[Renderer], Renderer]:
    """Register how a reason code reads. Other apps (the SLA sweep) may add their own."""

    def register(fn: Renderer) -> Renderer:
        REASONS[code] = fn
        return fn

    return register


def reason_text(warning: Warning) -> str:
    """The warning's reason as a sentence in the active language."""
    renderer = REASONS.get(warning.reason_code)
    if renderer is not None:
        try:
            return renderer(warning)
        except (KeyError, TypeError, ValueError):
            pass  # data of an older shape: fall back to the kind
    return str(Kind(warning.kind).label) if warning.kind in Kind.values else warning.reason_code


def category_name(code: str | None) -> str:
    from anju.complaints.reference import categories

    category = categories.get(code) if code else None
    if category is None:
        return code or _("no category")
    if category.name_en and (get_language() or "").startswith("en"):
        return category.name_en
    return category.name


TARGETS = {
    "feedback": gettext_lazy("first feedback"),
    "onsite": gettext_lazy("on site"),
    "resolve": gettext_lazy("resolution"),
    "visit": gettext_lazy("return visit"),
}


def _target(warning: Warning) -> str:
    return str(TARGETS.get(warning.target, warning.target))


@reason("repeat")
def _repeat(w: Warning) -> str:
    return _("Repeat complaint: same complainant, place and category (%(category)s) as %(earlier)s, "
             "%(days)s days earlier.") % {
        "category": category_name(w.data.get("category")), "earlier": w.data["earlier"],
        "days": w.data["days"]}


@reason("hotspot")
def _hotspot(w: Warning) -> str:
    return _("%(count)s complaints about %(category)s at %(place)s within %(hours)s hours.") % {
        "count": w.data["count"], "category": category_name(w.data.get("category")),
        "place": w.data["place"], "hours": w.data["hours"]}


@reason("spike")
def _spike(w: Warning) -> str:
    return _("%(count)s complaints about %(category)s on %(day)s, against a usual %(mean)s a day "
             "(standard deviation %(sd)s, last %(days)s days).") % {
        "count": w.data["count"], "category": category_name(w.data.get("category")),
        "day": w.data["day"], "mean": w.data["mean"], "sd": w.data["sd"], "days": w.data["days"]}


@reason("escalation_words")
def _words(w: Warning) -> str:
    return _("The complaint mentions %(words)s: the complainant may take it further.") % {
        "words": "、".join(w.data["words"])}


@reason("escalation_angry")
def _angry(w: Warning) -> str:
    return _("Triage found the complainant angry: the complaint may be taken further.")


@reason("dissatisfied")
def _dissatisfied(w: Warning) -> str:
    if w.data.get("solved") is False:
        return _("The resident rated %(stars)s stars and says the problem is not solved.") % {
            "stars": w.data["satisfaction"]}
    return _("The resident rated %(stars)s stars.") % {"stars": w.data["satisfaction"]}


# The SLA sweep (anju/sla) raises "sla.<kind>" with data {"target", "mark": "50"|"80"|…}.
@reason("sla.sla_share")
@reason("sla_share")
def _sla_share(w: Warning) -> str:
    share = w.data["share"] if "share" in w.data else int(w.data["mark"])
    return _("%(share)s%% of the time for %(target)s is used.") % {"share": share, "target": _target(w)}


@reason("sla.sla_breach")
@reason("sla_breach")
def _sla_breach(w: Warning) -> str:
    return _("The deadline for %(target)s has passed.") % {"target": _target(w)}


@reason("sla.ladder")
@reason("ladder")
def _ladder(w: Warning) -> str:
    level = Level(w.level).label if w.level in Level.values else w.level
    return _("Escalated to the %(level)s: the deadline for %(target)s is still not met.") % {
        "level": level, "target": _target(w)}
