"""The warnings board of the staff console: a live list, acknowledge and comment.

Mounted under /console/warnings/ (``anju.console.urls``). The list refreshes itself with
htmx polling (attributes only: the console's CSP allows no inline script); each refresh
is an ordinary GET of the same page, of which htmx keeps the board element.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anju.complaints import access
from anju.complaints.guards import staff_required
from anju.lib.errors import DomainError
from anju.staff import policy
from anju.staff.policy import Capability
from anju.warnings import dead_letters, services
from anju.warnings.models import Kind, Warning
from anju.warnings.selectors import visible_warnings

SHOWN = 100
REFRESH_SECONDS = 30


@dataclass(frozen=True)
class Row:
    warning: Warning
    reason: str
    links: list[Any]  # the complaints this reader may open: [(pk, number)]
    hidden_links: int  # linked complaints this reader may not open (confidential ones)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", {
        "message": _("The warnings board is for supervisors, project managers and the quality "
                     "department.")}, status=403)


def _rows(user: Any, warnings: list[Warning]) -> list[Row]:
    """Each warning with its reason and the links this reader may follow, in two queries."""
    through = Warning.related.through
    links: dict[int, list[int]] = {}
    for warning_id, complaint_id in (through.objects.filter(warning__in=warnings)
                                     .values_list("warning_id", "complaint_id")):
        links.setdefault(warning_id, []).append(complaint_id)
    wanted = {pk for ids in links.values() for pk in ids}
    numbers = dict(access.visible_complaints(user).filter(pk__in=wanted).values_list("pk", "number"))
    rows = []
    for w in warnings:
        ids = links.get(w.pk, [])
        shown = [(pk, numbers[pk]) for pk in sorted(ids) if pk in numbers]
        rows.append(Row(warning=w, reason=services.reason_text(w), links=shown,
                        hidden_links=len(ids) - len(shown)))
    return rows


@never_cache
@staff_required
def board(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.can(user, Capability.WATCH_WARNINGS):
        return _forbidden(request)
    show = request.GET.get("show", "open")
    show = show if show in ("open", "all") else "open"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    qs = visible_warnings(user)
    if show == "open":
        qs = qs.filter(acknowledged_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    warnings = list(qs.select_related("complaint", "estate", "department", "acknowledged_by")
                    .prefetch_related("comments__author").order_by("-raised_at", "-pk")[:SHOWN + 1])
    context = {
        "rows": _rows(user, warnings[:SHOWN]),
        "more": len(warnings) > SHOWN,
        "show": show,
        "kind": kind,
        "kinds": Kind.choices,
        "now": timezone.now(),
        "refresh": REFRESH_SECONDS,
        "back": request.get_full_path(),
    }
    return render(request, "warnings/board.html", context)


def _target(request: HttpRequest, pk: int) -> Warning | None:
    return visible_warnings(request.user).filter(pk=pk).first()


def _back(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("next", "")
    if not back or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                       require_https=request.is_secure()):
        back = reverse("console:warnings")
    return redirect(back)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "console/not_found.html", status=404)


@require_POST
@staff_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.can(request.user, Capability.WATCH_WARNINGS):
        return _forbidden(request)
    warning = _target(request, pk)
    if warning is None:
        return _not_found(request)
    if services.acknowledge(warning, request.user):
        messages.success(request, _("Warning acknowledged."))
    else:
        messages.info(request, _("This warning was already acknowledged."))
    return _back(request)


@require_POST
@staff_required
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.can(request.user, Capability.WATCH_WARNINGS):
        return _forbidden(request)
    warning = _target(request, pk)
    if warning is None:
        return _not_found(request)
    try:
        services.comment(warning, request.user, request.POST.get("text", ""))
    except DomainError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Comment added."))
    return _back(request)


@require_POST
@staff_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the background work of a dead-letter warning again (one click on the board)."""
    if not policy.can(request.user, Capability.WATCH_WARNINGS):
        return _forbidden(request)
    warning = _target(request, pk)
    if warning is None or warning.kind != Kind.DEAD_LETTER:
        return _not_found(request)
    if dead_letters.retry(warning, request.user):
        messages.success(request, _("Queued again: the worker will retry it in a moment."))
    else:
        messages.info(request, _("This work is no longer waiting for a retry."))
    return _back(request)
