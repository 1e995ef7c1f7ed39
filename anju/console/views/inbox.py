"""The inboxes: my tasks, my department, my estates, everything — each within reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.analytics import drill
from anju.complaints import selectors
from anju.complaints.access import role_of
from anju.complaints.guards import staff_required
from anju.complaints.models import Complaint
from anju.console.filter_forms import FilterForm
from anju.staff import policy
from anju.staff.models import Role

PER_PAGE = 25
# Counting a huge table is slow; beyond this the inbox says "more than".

TAB_LABELS = {
    "mine": _("My tasks"),
    "department": _("My department"),
    "estates": _("My estates"),
    "all": _("Everything"),
}


def tabs_for(user: Any) -> list[str]:
    """The inboxes that differ from each other for this user's role and reach."""
    role = role_of(user)
    has_departments = user.staff.departments.exists()
    tabs = []
    if role in policy.ASSIGNEES:
        tabs.append("mine")
    if has_departments:
        tabs.append("department")
    if role != Role.HANDLER and not policy.department_bound(user):
        tabs.append("estates")
    tabs.append("all")
    return tabs


@dataclass(frozen=True)
class Page:
    number: int
    rows: list[Complaint]
    has_previous: bool
    has_next: bool
    total: int
    total_capped: bool


def paginate(qs: Any, raw_page: str | None) -> Page:
    """One page without an unbounded COUNT: fetch one row more to know if another follows."""
    try:
        number = max(int(raw_page or 1), 1)
    except ValueError:
        number = 1
    start = (number - 1) * PER_PAGE
    rows = list(qs[start:start + PER_PAGE + 1])
    total, exact = selectors.capped_count(qs)
    return Page(number=number, rows=rows[:PER_PAGE], has_previous=number > 1,
                has_next=len(rows) > PER_PAGE, total=total, total_capped=not exact)


@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    tabs = tabs_for(user)
    default = selectors.default_inbox(user)
    if default not in tabs:
        default = tabs[0]
    requested = request.GET.get("tab", "")
    tab = requested if requested in tabs else default
    form = FilterForm(request.GET or None, user=user)
    qs = selectors.inbox(user, tab)
    if form.is_bound:
        qs = selectors.search(qs, **form.search_kwargs())
    if drill.active(request.GET):  # the complaints behind a statistic (anju/analytics/drill.py)
        qs = drill.apply(qs, request.GET)
    ordering = form.ordering()
    qs = selectors.with_list_columns(qs).select_related("room__unit__building").order_by(*ordering)
    page = paginate(qs, request.GET.get("page"))
    context = {
        "tabs": [(name, TAB_LABELS[name]) for name in tabs],
        "tab": tab,
        "form": form,
        "page": page,
        "now": timezone.now(),
    }
    return render(request, "console/inbox.html", context)
