"""One complaint: every recorded fact, its trail, and a form for each allowed action.

``act`` is the one view that changes a complaint from the console. It looks the form up
in ``ACTION_FORMS`` and the service in the transition table (``transitions.service``);
the access policy and the table decide, the view only translates between HTTP and those.
The return visit (rate, rate_reopen, close_unreachable) is recorded on its call screen
(anju/visits): the page offers the one way there (``return_visit``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.complaints import access, disclosure, transitions
from anju.complaints.models import Attachment, Complaint
from anju.complaints.transitions import TABLE, Console, Transition
from anju.console import errors, presenters
from anju.console.action_forms import ACTION_FORMS, ActionForm
from anju.console.guards import staff_required
from anju.console.reveal_form import RevealForm
from anju.lib.errors import Conflict, DomainError, NotAllowed, NotFound
from anju.visits import selectors as visit_selectors
from anju.visits.models import ReturnVisit


def _fresh(user: Any, number: str) -> Complaint | None:
    """The complaint through the access policy; None when it is not visible (or absent)."""
    try:
        return access.get_visible(user, number=number)
    except NotFound:
        return None


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "console/not_found.html", status=404)


def offered_forms(user: Any, complaint: Complaint, bound: ActionForm | None = None,
                  allowed: list[Transition] | None = None) -> list[tuple[Any, ActionForm, bool]]:
    """(label, form, is_primary) for each action the user may take on the complaint page,
    primary ones first."""
    if allowed is None:
        allowed = access.allowed_actions(user, complaint)
    offered: dict[str, tuple[Any, ActionForm, bool]] = {}
    for transition in allowed:
        code = transition.action
        if code not in ACTION_FORMS:
            continue
        form = bound if bound is not None and bound.action == code else ACTION_FORMS[code](
            complaint=complaint, user=user)
        offered[code] = (transition.label, form, transition.primary)
    if bound is not None and bound.action not in offered:
        # Keep what they typed on screen even though the action is no longer offered.
        offered[bound.action] = (TABLE[bound.action].label, bound, True)
    return sorted(offered.values(), key=lambda item: not item[2])


def return_visit(user: Any, complaint: Complaint, allowed: list[Transition]
                 ) -> dict[str, Any] | None:
    """The one way to record the return visit, for who may (the roles that rate and close a
    resolved complaint, ``Capability.WORK_VISITS``): the open visit's call screen, or — the
    worker opens it a moment after the resolve — a button that opens it now."""
    if not any(t.console == Console.RETURN_VISIT for t in allowed):
        return None
    if not visit_selectors.may_visit(user):
        return None
    visit = (visit_selectors.visible_visits(user)
             .filter(complaint=complaint, state=ReturnVisit.State.OPEN).first())
    return {"visit": visit, "overdue": visit is not None and visit.is_overdue()}


def _render(request: HttpRequest, complaint: Complaint, *, bound: ActionForm | None = None,
            status: int = 200, complainant: disclosure.ContactView | None = None,
            reveal_form: RevealForm | None = None) -> HttpResponse:
    user = request.user
    attachments = list(complaint.attachments.all())
    allowed = access.allowed_actions(user, complaint)
    complainant = complainant or disclosure.contact_view(user, complaint)
    context = {
        "c": complaint,
        "complainant": complainant,
        "reveal_form": reveal_form or RevealForm(),
        "recorded_by": presenters.recorded_by(complaint),
        "place": presenters.place_within_estate(complaint),
        "timeline": presenters.timeline(complaint, contact=complainant),
        "deadlines": presenters.deadlines(complaint),
        "supervisions": complaint.supervisions.select_related("by"),
        "outbox": complaint.messages.exclude(kind__startswith="staff.").order_by("created_at"),
        "attachment_groups": _group_attachments(attachments),
        "merged": access.visible_complaints(user).filter(merged_into=complaint).only("number"),
        "merged_into_visible": complaint.merged_into_id is not None and access.visible_complaints(
            user).filter(pk=complaint.merged_into_id).exists(),
        "actions": offered_forms(user, complaint, bound, allowed),
        "return_visit": return_visit(user, complaint, allowed),
        "open_action": bound.action if bound is not None else None,
        "just_recorded": request.GET.get("new") == "1",
        "now": timezone.now(),
    }
    return render(request, "console/complaint.html", context, status=status)


def _group_attachments(attachments: list[Attachment]) -> list[tuple[Any, list[Attachment]]]:
    groups = []
    for kind, label in Attachment.Kind.choices:
        items = [a for a in attachments if a.kind == kind and a.file]  # no file: retention removed it
        if items:
            groups.append((label, items))
    return groups


@staff_required
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    complaint = _fresh(request.user, number)
    if complaint is None:
        return not_found(request)
    return _render(request, complaint)


@require_POST
@staff_required
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404()
    user = request.user
    complaint = _fresh(user, number)
    if complaint is None:
        return not_found(request)
    form = form_class(request.POST, request.FILES, complaint=complaint, user=user)
    if _posted_version(request) not in (None, complaint.version):
        return _conflict(request, complaint, form)
    try:
        access.check_action(user, complaint, form.check_action)
    except DomainError as err:
        messages.error(request, errors.message_for(err))
        return redirect(_detail_url(complaint))
    if not form.is_valid():
        return _render(request, complaint, bound=form, status=400)
    service = transitions.service(form.service_action())
    try:
        result = service(actor=user, complaint_id=complaint.pk, version=form.cleaned_data["version"],
                **form.service_kwargs())
    except DomainError as err:
        latest = _fresh(user, number)
        if latest is None:  # e.g. it became confidential meanwhile
            return not_found(request)
        if errors.is_conflict(err):
            return _conflict(request, latest, form)
        errors.add_to_form(form, err)
        return _render(request, latest, bound=form, status=errors.status_for(err))
    messages.success(request, form.success_message(result))
    return redirect(_detail_url(complaint))


@require_POST
@staff_required
def reveal(request: HttpRequest, number: str) -> HttpResponse:
    """Show the complainant's contact details in full, once, logged with the reason."""
    complaint = _fresh(request.user, number)
    if complaint is None:
        return not_found(request)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _render(request, complaint, reveal_form=form, status=400)
    try:
        shown = disclosure.reveal(request.user, complaint, reason=form.cleaned_data["reason"],
                                  note=form.cleaned_data["note"], request=request)
    except NotAllowed as err:  # like a refused action: back to the page, with the reason
        messages.error(request, errors.message_for(err))
        return redirect(_detail_url(complaint))
    except DomainError as err:
        errors.add_to_form(form, err)
        return _render(request, complaint, reveal_form=form, status=errors.status_for(err))
    return _render(request, complaint, complainant=shown)


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _conflict(request: HttpRequest, complaint: Complaint, form: ActionForm) -> HttpResponse:
    """Show the latest state with what the person typed, ready to send again."""
    data = request.POST.copy()
    data["version"] = str(complaint.version)
    fresh = type(form)(data, request.FILES, complaint=complaint, user=request.user)
    fresh.is_valid()
    fresh.add_error(None, errors.message_for(Conflict()))
    fresh.add_error(None, _("The page now shows the latest state and keeps what you typed; "
                            "check it and send again."))
    return _render(request, complaint, bound=fresh, status=Conflict.http_status)


def _detail_url(complaint: Complaint) -> str:
    return reverse("console:complaint", args=[complaint.number])
