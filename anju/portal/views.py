"""The resident's pages: my complaints, a new complaint, one complaint and its actions.

Every complaint is read through the access policy (``get_visible``), so a number that
is not the resident's own answers exactly like one that does not exist. Every write is
a service call; a ``DomainError`` becomes a message on the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from anju.complaints import access, services
from anju.complaints.guards import resident_required
from anju.complaints.models import Channel, Complaint, Status
from anju.lib.errors import DomainError, NotFound
from anju.portal import errors, progress
from anju.portal.forms import (
    ComplaintForm,
    NoteForm,
    WithdrawForm,
    category_label,
    new_idempotency_key,
)
from anju.visits.forms import SurveyForm
from anju.visits.models import SurveyResponse
from anju.visits.services import answers_from, survey_submit

PAGE_SIZE = 20
RESULT_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED})


def _own_rooms(request: HttpRequest) -> list[Any]:
    user: Any = request.user  # a resident: resident_required let them in
    return list(user.resident.rooms.select_related("unit__building__estate__company"))


def _get(request: HttpRequest, number: str) -> Complaint:
    return access.get_visible(request.user, number=number)


@resident_required
def home(request: HttpRequest) -> HttpResponse:
    """My complaints, newest first, with the way to file a new one on top."""
    complaints = (access.visible_complaints(request.user)
                  .select_related("room__unit__building__estate", "estate").order_by("-created_at"))
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(c, progress.tone(c)) for c in page.object_list]
    return render(request, "portal/home.html", {"page": page, "rows": rows, "section": "list",
                                                "title": _("My complaints")})


# no-store: Back from the confirmation must not restore a filled form with a fresh
# idempotency key, which would file the same complaint twice.
@never_cache
@resident_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    """The one form of a new complaint; success leads to the confirmation screen."""
    rooms = _own_rooms(request)
    if not rooms:
        return render(request, "portal/no_rooms.html", {"title": _("New complaint"),
                                                         "section": "new"})
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, rooms=rooms)
        if form.is_valid():
            try:
                intake = _create(request, form)
            except DomainError as error:
                errors.attach(form, error)
            else:
                return redirect("portal:submitted", number=intake.complaint.number)
    else:
        form = ComplaintForm(rooms=rooms, initial={"idempotency_key": new_idempotency_key()})
    context = {
        "form": form, "title": _("New complaint"), "estate": rooms[0].estate, "section": "new",
        "photos_lost": bool(form.errors and request.FILES),
        "max_files": settings.ANJU_UPLOAD_MAX_FILES,
    }
    return render(request, "portal/new.html", context, status=422 if form.errors else 200)


def _create(request: HttpRequest, form: ComplaintForm) -> services.Intake:
    data = form.cleaned_data
    room = form.chosen_room
    return services.complaint_create(
        actor=request.user, channel=Channel.WEB, estate=room.estate, room=room,
        category=data["category"], description=data["description"],
        occurred_at=data["occurred_at"] or timezone.now(), files=data["photos"],
        idempotency_key=data["idempotency_key"])


@resident_required
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    """Screen three: the number, and what happens next."""
    try:
        complaint = _get(request, number)
    except NotFound:
        return errors.not_found(request)
    return render(request, "portal/submitted.html",
                  {"complaint": complaint, "title": _("Complaint submitted")})


@resident_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """One complaint: status, progress, trail, photos and the actions open to the resident."""
    try:
        complaint = _get(request, number)
    except NotFound:
        return errors.not_found(request)
    allowed = {t.action for t in access.allowed_actions(request.user, complaint)}
    context = {
        "complaint": complaint, "title": complaint.number, "tone": progress.tone(complaint),
        "what_next": progress.what_next(complaint), "steps": progress.stepper(complaint),
        "timeline": progress.timeline(complaint, request.user),
        "photos": progress.photos(complaint, request.user),
        "can_rate": bool(allowed & {"rate", "rate_reopen"}), "can_note": "note" in allowed,
        "can_withdraw": "withdraw" in allowed, "on_hold": complaint.status == Status.ON_HOLD,
        "show_result": bool(complaint.result) and complaint.status in RESULT_STATUSES,
        "category_name": category_label(complaint.category) if complaint.category else "",
    }
    return render(request, "portal/detail.html", context)


# ----------------------------------------------------------------------------- actions

Perform = Callable[[HttpRequest, Complaint, dict[str, Any]], Complaint]


def _action_page(request: HttpRequest, number: str, *, actions: set[str], form_class: type,
                 template: str, title: Any, done: Any, perform: Perform) -> HttpResponse:
    """One action's page: show its form, call the service, report back on the detail page.

    ``done`` is the thank-you message, or a function of the changed complaint giving it.
    """
    try:
        complaint = _get(request, number)
    except NotFound:
        return errors.not_found(request)
    allowed = {t.action for t in access.allowed_actions(request.user, complaint)}
    error, error_status = None, None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                changed = perform(request, complaint, form.cleaned_data)
            except DomainError as caught:
                error, error_status = errors.message(caught), caught.http_status
                complaint = _get(request, number)  # show the state as it is now
                form = form_class(_with_version(request, complaint), request.FILES)
                form.is_valid()
            else:
                messages.success(request, str(done(changed) if callable(done) else done))
                return redirect("portal:detail", number=complaint.number)
    elif not allowed & actions:
        messages.info(request, _("This is not possible at the moment."))
        return redirect("portal:detail", number=complaint.number)
    else:
        form = form_class(initial={"version": complaint.version})
    context = {"complaint": complaint, "form": form, "error": error, "title": str(title),
               "tone": progress.tone(complaint),
               "photos_lost": bool((error or form.errors) and request.FILES),
               "max_files": settings.ANJU_UPLOAD_MAX_FILES}
    status = error_status or (422 if form.errors else 200)
    return render(request, template, context, status=status)


def _with_version(request: HttpRequest, complaint: Complaint) -> Any:
    """The posted data, with the version now current, so a second try can succeed."""
    data = request.POST.copy()
    data["version"] = str(complaint.version)
    return data


def _rate(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    # The satisfaction survey (anju.visits): rates through complaint_rate and stores the
    # answer with its reasons for statistics.
    response = survey_submit(actor=request.user, complaint_id=complaint.pk,
                             answers=answers_from(data), source=SurveyResponse.Source.PORTAL,
                             version=data["version"])
    return response.complaint


def _note(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return services.complaint_add_note(
        actor=request.user, complaint_id=complaint.pk, note=data["note"], files=data["photos"],
        version=data["version"])


def _withdraw(request: HttpRequest, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return services.complaint_withdraw(
        actor=request.user, complaint_id=complaint.pk, reason=data["reason"],
        version=data["version"])


@resident_required
def rate(request: HttpRequest, number: str) -> HttpResponse:
    return _action_page(request, number, actions={"rate", "rate_reopen"}, form_class=SurveyForm,
                        template="portal/rate.html", title=gettext_lazy("Rate the result"),
                        done=_rated, perform=_rate)


def _rated(complaint: Complaint) -> str:
    if complaint.status == Status.CLOSED:
        return _("Thank you for your rating.")
    return _("We are sorry it is not solved yet. Your complaint has been reopened and a "
             "supervisor will follow it up.")


@resident_required
def add_information(request: HttpRequest, number: str) -> HttpResponse:
    return _action_page(request, number, actions={"note"}, form_class=NoteForm,
                        template="portal/add_information.html",
                        title=gettext_lazy("Add more information"),
                        done=gettext_lazy("Thank you. Your information was added."),
                        perform=_note)


@resident_required
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    return _action_page(request, number, actions={"withdraw"}, form_class=WithdrawForm,
                        template="portal/withdraw.html",
                        title=gettext_lazy("Withdraw the complaint"),
                        done=gettext_lazy("Your complaint was withdrawn."), perform=_withdraw)
