"""Return visits in the console (the list and the call screen) and the public survey page.

Console pages live under /console/visits/ (``anju.console.urls``); the signed-link survey
under /survey/<token>/ (``anju.visits.urls``): no sign-in, the token is the credential.
The call screen is the console's one interface for the return visit: the complaint page
of a resolved complaint leads there (``open_for_complaint`` opens the visit first when the
worker has not yet), and its survey and close rate and close through the complaint core.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anju.complaints import access
from anju.complaints.guards import staff_required
from anju.complaints.transitions import TABLE, Console
from anju.lib.errors import DomainError, NotFound
from anju.privacy.masks import masked_contact
from anju.visits import links, selectors, services
from anju.visits.forms import AttemptForm, CloseForm, SurveyForm
from anju.visits.models import ReturnVisit, SurveyResponse

SHOWN = 200


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "console/forbidden.html", {
        "message": _("Return visits are made by the service desk.")}, status=403)


def script_text() -> str:
    """The call script: ``ANJU_VISIT_SCRIPT`` when set, else the shipped one."""
    if settings.ANJU_VISIT_SCRIPT:
        return str(settings.ANJU_VISIT_SCRIPT)
    return _(
        "Hello, this is the property service centre. We are calling about your complaint "
        "%(number)s, which was resolved recently. Do you have a minute for three questions? "
        "1. Is the problem solved? 2. How satisfied are you, from one to five stars? "
        "3. What is your rating about: speed, attitude, quality of work, communication or the "
        "result? Anything else you want to tell us? Thank you for your time.")


@never_cache
@staff_required
def visit_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_visit(request.user):
        return _forbidden(request)
    visits = list(selectors.worklist(request.user)[:SHOWN])
    now = timezone.now()
    rows = [(v, v.is_overdue(now)) for v in visits]
    return render(request, "visits/list.html", {"rows": rows, "now": now,
                                                "overdue": sum(1 for _v, late in rows if late)})


def _call_context(request: HttpRequest, visit: ReturnVisit, **forms: Any) -> dict[str, Any]:
    complaint = visit.complaint
    script = script_text()
    if "%(number)s" in script:
        script = script % {"number": complaint.number}
    return {
        "visit": visit, "complaint": complaint, "script": script,
        "phone": ("" if access.contact_hidden(request.user, complaint)
                  else masked_contact(complaint.complainant_phone)),
        "attempts": visit.attempts.select_related("by"),
        "max_attempts": settings.ANJU_VISIT_MAX_ATTEMPTS,
        "attempt_form": forms.get("attempt_form") or AttemptForm(),
        "survey_form": forms.get("survey_form") or SurveyForm(),
        "close_form": CloseForm(),
        # Closing as unreachable is offered when the lifecycle allows it to this user.
        "may_close": any(t.action == "close_unreachable"
                         for t in access.allowed_actions(request.user, complaint)),
        "responses": SurveyResponse.objects.filter(visit=visit),
        "overdue": visit.is_overdue(),
        "error": forms.get("error"),
    }


def _get(request: HttpRequest, pk: int) -> ReturnVisit:
    visit = (selectors.visible_visits(request.user)
             .select_related("complaint__estate", "complaint__resident", "complaint__category")
             .filter(pk=pk).first())
    if visit is None:
        raise NotFound()
    return visit


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "console/not_found.html", status=404)


@require_POST
@staff_required
def open_for_complaint(request: HttpRequest, number: str) -> HttpResponse:
    """From the complaint page to the call screen of its open return visit, opening the
    visit now when the worker's ``visits.open`` subscriber has not yet (``visit_open``)."""
    if not selectors.may_visit(request.user):
        return _forbidden(request)
    try:
        complaint = access.get_visible(request.user, number=number)
    except NotFound:
        return _not_found(request)
    allowed = [t for t in access.allowed_actions(request.user, complaint)
               if t.console == Console.RETURN_VISIT]
    visit = services.visit_open(complaint_id=complaint.pk) if allowed else None
    if visit is None:
        try:  # say why: not resolved (any more), or not this user's to do
            access.check_action(request.user, complaint, next(
                a for a, t in TABLE.items() if t.console == Console.RETURN_VISIT))
        except DomainError as err:
            messages.error(request, str(err))
        return redirect("console:complaint", number=complaint.number)
    return redirect("console:visit", pk=visit.pk)


@never_cache
@staff_required
def call_screen(request: HttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_visit(request.user):
        return _forbidden(request)
    try:
        visit = _get(request, pk)
    except NotFound:
        return _not_found(request)
    return render(request, "visits/call.html", _call_context(request, visit))


def _post(request: HttpRequest, pk: int, form_class: type, form_name: str,
          perform: Any, done: Any) -> HttpResponse:
    if not selectors.may_visit(request.user):
        return _forbidden(request)
    try:
        visit = _get(request, pk)
    except NotFound:
        return _not_found(request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = perform(visit, form.cleaned_data)
        except DomainError as err:
            visit = _get(request, pk)
            context = _call_context(request, visit, **{form_name: form, "error": str(err)})
            return render(request, "visits/call.html", context, status=err.http_status)
        messages.success(request, str(done(result) if callable(done) else done))
        return redirect("console:visit", pk=visit.pk)
    context = _call_context(request, visit, **{form_name: form})
    return render(request, "visits/call.html", context, status=422)


@require_POST
@staff_required
def record_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(visit: ReturnVisit, data: dict[str, Any]) -> Any:
        return services.attempt_record(actor=request.user, visit_id=visit.pk,
                                       outcome=data["outcome"], note=data["note"])

    return _post(request, pk, AttemptForm, "attempt_form", perform, _("Call attempt recorded."))


@require_POST
@staff_required
def record_survey(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(visit: ReturnVisit, data: dict[str, Any]) -> Any:
        return services.survey_by_call(actor=request.user, visit_id=visit.pk,
                                       answers=services.answers_from(data))

    return _post(request, pk, SurveyForm, "survey_form", perform, _surveyed)


def _surveyed(response: SurveyResponse) -> str:
    if response.dissatisfied:
        return _("Survey recorded. The complaint was reopened and the supervisor told.")
    return _("Survey recorded. The complaint is closed.")


@require_POST
@staff_required
def close_unreachable(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(visit: ReturnVisit, data: dict[str, Any]) -> Any:
        return services.visit_close_unreachable(actor=request.user, visit_id=visit.pk,
                                                note=data["note"])

    return _post(request, pk, CloseForm, "close_form", perform,
                 _("The complaint is closed as unreachable."))


@require_POST
@staff_required
def resend_link(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(visit: ReturnVisit, data: dict[str, Any]) -> Any:
        return services.visit_resend_link(actor=request.user, visit_id=visit.pk)

    def done(sent: bool) -> str:
        if sent:
            return _("A new survey link was sent; the previous one no longer works.")
        return _("The complainant has no phone, e-mail or account to send a link to.")

    return _post(request, pk, CloseForm, "close_form", perform, done)


# --------------------------------------------------------------------------- the public page


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The signed-link survey: mobile first, no sign-in. Chinese unless the reader chose."""
    try:
        visit = links.visit_for(token)
    except DomainError as err:
        return render(request, "visits/survey_closed.html",
                      {"title": _("Satisfaction survey"), "message": str(err)},
                      status=err.http_status)
    error = None
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                response = services.survey_by_link(token=token,
                                                    answers=services.answers_from(form.cleaned_data))
            except DomainError as err:
                error = str(err)
            else:
                return render(request, "visits/survey_done.html",
                              {"title": _("Thank you"), "response": response})
    else:
        form = SurveyForm()
    status = 422 if (error or form.errors) else 200
    return render(request, "visits/survey.html",
                  {"title": _("Satisfaction survey"), "form": form, "error": error,
                   "complaint": visit.complaint},
                  status=status)
