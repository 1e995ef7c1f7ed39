"""Drill-down: the complaints behind a figure, as filters of the console complaint list.

Every chart and figure of the dashboards links to ``/console/?tab=all&…`` with the
parameters below (made by ``Scope.link_params``). The inbox applies them after its own
filters, so the list shows exactly the complaints a figure counted — still within the
viewer's reach, since the inbox starts from ``visible_complaints``. Bad values are
ignored, never an error page (like the inbox's own filters).

* ``from``, ``to`` — received on these local dates (inclusive, YYYY-MM-DD)
* ``estates``, ``departments``, ``categories``, ``buildings``, ``facilities``, ``handlers``
  — comma-separated ids; ``none`` stands for "not set"
* ``channels``, ``root_causes`` — comma-separated codes; ``none`` as above
* ``outcome`` — one of ``OUTCOMES`` (the definitions of ``metrics``)
* ``reason`` — a dissatisfaction reason code (``visits.Reason``) or ``none``
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from anju.complaints.models import OPEN_STATUSES, Complaint, Status

# Statuses that never count towards time to resolution or on-time resolution.
NOT_RESOLVING = (Status.REFERRED_OUT, Status.WITHDRAWN, Status.MERGED)

ID_PARAMS = {
    "estates": "estate_id", "departments": "department_id", "categories": "category_id",
    "buildings": "building_id", "facilities": "facility_id", "handlers": "handler_id",
}
CODE_PARAMS = {"channels": "channel", "root_causes": "root_cause"}


def resolved_q() -> Q:
    return Q(resolved_at__isnull=False) & ~Q(status__in=NOT_RESOLVING)


def feedback_late_q(now: datetime) -> Q:
    return Q(feedback_due_at__isnull=False) & (
        Q(first_feedback_at__gt=F("feedback_due_at"))
        | Q(first_feedback_at__isnull=True, feedback_due_at__lt=now)
        & ~Q(status__in=(Status.WITHDRAWN, Status.MERGED)))


def resolve_late_q(now: datetime) -> Q:
    return ~Q(status__in=NOT_RESOLVING) & Q(resolve_due_at__isnull=False) & (
        Q(resolved_at__gt=F("resolve_due_at"))
        | Q(resolved_at__isnull=True, resolve_due_at__lt=now) & ~Q(status=Status.ON_HOLD))


def outcome_q(name: str, now: datetime) -> Q | None:
    simple: dict[str, Q] = {
        "resolved": resolved_q(),
        "closed": Q(status=Status.CLOSED),
        "withdrawn": Q(status=Status.WITHDRAWN),
        "referred_out": Q(status=Status.REFERRED_OUT),
        "merged": Q(status=Status.MERGED),
        "open": Q(status__in=OPEN_STATUSES),
        "rated": Q(satisfaction__isnull=False),
        "satisfied": Q(satisfaction__gte=4),
        "unsatisfied": Q(satisfaction__lte=3),
        "repeat": Q(repeat_of__isnull=False),
        "reopened": Q(reopen_count__gt=0),
    }
    if name in simple:
        return simple[name]
    if name == "feedback_late":
        return feedback_late_q(now)
    if name == "resolve_late":
        return resolve_late_q(now)
    return None


OUTCOMES = ("resolved", "closed", "withdrawn", "referred_out", "merged", "open", "rated",
            "satisfied", "unsatisfied", "repeat", "reopened", "feedback_late", "resolve_late")


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _tokens(raw: str) -> list[str]:
    return [t.strip() for t in (raw or "").split(",") if t.strip()][:50]


def _in(field: str, tokens: list[str], *, ids: bool) -> Q | None:
    values: list[Any] = []
    with_none = False
    for token in tokens:
        if token == "none":  # noqa: S105 - not a password: the "not set" token
            with_none = True
        elif not ids:
            values.append(token[:40])
        elif token.isdigit() and len(token) < 10:
            values.append(int(token))
    if not values and not with_none:
        return None
    q = Q(**{f"{field}__in": values})
    if with_none:
        q |= Q(**{f"{field}__isnull": True}) if ids else Q(**{field: ""})
    return q


def active(params: Any) -> bool:
    """Whether the request carries any drill-down filter."""
    return any(params.get(name) for name in ("from", "to", "outcome", "reason", *ID_PARAMS, *CODE_PARAMS))


def apply(qs: QuerySet[Complaint], params: Any, *, now: datetime | None = None) -> QuerySet[Complaint]:
    """Narrow a complaint list by the drill-down parameters (a QueryDict or a dict)."""
    start, end = _day(params.get("from", "")), _day(params.get("to", ""))
    if start:
        qs = qs.filter(created_at__gte=_midnight(start))
    if end:
        qs = qs.filter(created_at__lt=_midnight(end + timedelta(days=1)))
    for name, field in ID_PARAMS.items():
        q = _in(field, _tokens(params.get(name, "")), ids=True)
        if q is not None:
            qs = qs.filter(q)
    for name, field in CODE_PARAMS.items():
        q = _in(field, _tokens(params.get(name, "")), ids=False)
        if q is not None:
            qs = qs.filter(q)
    outcome = outcome_q(params.get("outcome", ""), now or timezone.now())
    if outcome is not None:
        qs = qs.filter(outcome)
    reason = (params.get("reason", "") or "").strip()[:40]
    if reason:
        qs = qs.filter(Exists(_dissatisfied_responses(reason)))
    return qs


def _dissatisfied_responses(reason: str) -> QuerySet[Any]:
    from anju.visits.models import SurveyResponse

    responses = SurveyResponse.objects.filter(complaint=OuterRef("pk"), dissatisfied=True)
    if reason == "none":
        return responses.filter(reasons=[])
    # The JSON text contains the quoted code: works alike on SQLite and PostgreSQL.
    return responses.filter(reasons__icontains=f'"{reason}"')
