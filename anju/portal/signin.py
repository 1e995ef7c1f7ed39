"""Signing in with a mobile number and a code by SMS; two short screens."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from anju.complaints.access import is_staff_member, role_of
from anju.complaints.transitions import RESIDENT
from anju.lib import phones
from anju.lib.client_ip import client_ip
from anju.lib.errors import DomainError
from anju.portal import errors
from anju.portal.forms import CodeForm, PhoneForm
from anju.portal.otp import otp_request, otp_verify
from anju.privacy import crypto

SESSION_PHONE = "portal_signin_phone"
SESSION_NEXT = "portal_signin_next"
SESSION_PURPOSE = "portal.signin.phone"


def _remember_phone(request: HttpRequest, phone: str) -> None:
    """Keep the typed number between the two screens, encrypted: sessions live in the
    database like everything else (anju.privacy)."""
    request.session[SESSION_PHONE] = crypto.encrypt(phone, SESSION_PURPOSE)


def _remembered_phone(request: HttpRequest) -> str:
    token = request.session.get(SESSION_PHONE)
    if not token:
        return ""
    try:
        return crypto.decrypt(token, SESSION_PURPOSE)
    except crypto.DecryptionError:  # a key retired meanwhile: ask for the number again
        request.session.pop(SESSION_PHONE, None)
        return ""


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("portal:home")


def _already_in(request: HttpRequest) -> HttpResponse | None:
    if role_of(request.user) == RESIDENT:
        return redirect(_safe_next(request, request.GET.get("next")))
    if is_staff_member(request.user):
        return redirect("console:home")
    return None


def signin(request: HttpRequest) -> HttpResponse:
    """Screen one: the phone number. The answer is the same for numbers we do not know."""
    if (elsewhere := _already_in(request)) is not None:
        return elsewhere
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST":
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                otp_request(phone=form.cleaned_data["phone"], ip=client_ip(request))
            except DomainError as error:
                errors.attach(form, error)
            else:
                _remember_phone(request, phones.normalise(form.cleaned_data["phone"]))
                request.session[SESSION_NEXT] = next_url
                return redirect("portal:signin_code")
    else:
        form = PhoneForm(initial={"phone": _remembered_phone(request)})
    return render(request, "portal/signin.html", {"form": form, "next": next_url},
                  status=422 if form.errors else 200)


def signin_code(request: HttpRequest) -> HttpResponse:
    """Screen two: the code from the SMS. Success signs the resident in."""
    if (elsewhere := _already_in(request)) is not None:
        return elsewhere
    phone = _remembered_phone(request)
    if not phone:
        return redirect("portal:signin")
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                resident = otp_verify(phone=phone, code=form.cleaned_data["code"])
            except DomainError as error:
                errors.attach(form, error)
            else:
                next_url = _safe_next(request, request.session.pop(SESSION_NEXT, None))
                request.session.pop(SESSION_PHONE, None)
                login(request, resident.user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(next_url)
    else:
        form = CodeForm()
    context = {"form": form, "masked_phone": phones.mask(phone), "phone": phone,
               "next": request.session.get(SESSION_NEXT, "")}
    return render(request, "portal/signin_code.html", context, status=422 if form.errors else 200)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:signin")
