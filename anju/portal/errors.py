"""The portal's one place for turning domain errors into what the resident reads."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anju.lib.errors import DomainError


def message(error: DomainError) -> str:
    """The error's text in the active language."""
    return str(error)


def attach(form: forms.Form, error: DomainError) -> None:
    """Show ``error`` on the field it concerns when the form has one, else above the form."""
    fields = [name for name in getattr(error, "errors", {}) if name in form.fields]
    form.add_error(fields[0] if fields else None, message(error))


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/not_found.html",
                  {"title": _("Complaint not found")}, status=404)
