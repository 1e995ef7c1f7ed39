"""The triage suggestion on the console's complaint page (anju/triage): accept it in one
click, or correct it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.complaints import access
from anju.complaints.guards import staff_required
from anju.console import errors
from anju.console.suggestion_form import DecisionForm
from anju.console.views.complaint import not_found
from anju.lib.errors import DomainError, NotFound
from anju.triage import services


@require_POST
@staff_required
def decide(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        complaint = access.get_visible(user, number=number)
    except NotFound:
        return not_found(request)
    detail = reverse("console:complaint", args=[complaint.number])
    try:
        access.check_action(user, complaint, "classify")
    except DomainError as err:
        messages.error(request, errors.message_for(err))
        return redirect(detail)
    form = DecisionForm(request.POST, complaint=complaint, user=user)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect(detail)
    data = form.cleaned_data
    try:
        services.suggestion_create(complaint_id=complaint.pk)  # when the worker has not yet
        if data["decision"] == DecisionForm.ACCEPT:
            services.suggestion_accept(actor=user, complaint_id=complaint.pk, version=data["version"])
            messages.success(request, _("Suggestion accepted."))
        else:
            services.suggestion_correct(actor=user, complaint_id=complaint.pk, category=data["category"],
                                        urgency=data["urgency"], note=data["note"],
                                        version=data["version"])
            messages.success(request, _("Classification corrected."))
    except DomainError as err:
        messages.error(request, errors.message_for(err))
    return redirect(detail)
