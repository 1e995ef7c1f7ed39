"""Signing in and out. Only staff members may use the console; residents use the portal.

Signing in is one or two steps. The password step (``LoginView``) checks the password
through ``authenticate`` - and so through the lock-out (``accounts.backends``). A user
with an authenticator, or who must have one, is not signed in yet: the session only
remembers who passed the password (``pending``) and they go on to the code step
(``login_code``) or to set one up (``views.two_factor``). Only then ``complete``
signs them in, for one working shift. The admin's login page sends here.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from anju.accounts import lockout
from anju.accounts.backends import REQUEST_ATTRIBUTE
from anju.accounts.models import User
from anju.accounts.two_factor import is_enrolled, two_factor_verify
from anju.complaints.access import is_staff_member, role_of
from anju.complaints.guards import staff_required
from anju.complaints.transitions import RESIDENT
from anju.lib.client_ip import client_ip
from anju.lib.errors import InvalidInput
from anju.security.two_factor_gate import two_factor_required

SESSION_PENDING = "anju_signin_pending"
PENDING_SECONDS = 10 * 60


class StaffAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or password is not right. Both are case-sensitive."),
        "resident": _("This console is for property staff. Residents can follow their "
                      "complaints in the resident portal."),
        "not_staff": _("This account has no staff profile yet. Ask an administrator to add one."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_resident = False
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autocomplete": "username"})

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if is_staff_member(user) or user.is_staff:  # is_staff: the admin site, profile or not
            return
        if role_of(user) == RESIDENT:
            self.refused_resident = True
            raise forms.ValidationError(self.error_messages["resident"], code="resident")
        raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")

    def get_invalid_login_error(self) -> ValidationError:
        lock = getattr(self.request, REQUEST_ATTRIBUTE, None)
        if lock is not None:
            return ValidationError(str(lockout.LockedOut(lock)), code="locked_out")
        return super().get_invalid_login_error()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false", "autofocus": True}))


@method_decorator(never_cache, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("console:home")  # type: ignore[assignment]

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        next_url = self.get_success_url()
        if not is_staff_member(user) and next_url == reverse("console:home"):
            next_url = reverse("admin:index")
        if is_enrolled(user):
            remember_pending(self.request, user, next_url)
            return redirect("console:login_code")
        if two_factor_required(user):
            remember_pending(self.request, user, next_url)
            return redirect("console:two_factor")
        return complete(self.request, user, next_url)


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("console:login")  # type: ignore[assignment]


# --------------------------------------------------------------------------- two steps


def remember_pending(request: HttpRequest, user: Any, next_url: str) -> None:
    """The password was right; the session is still not signed in."""
    request.session.cycle_key()
    request.session[SESSION_PENDING] = {"user": user.pk, "backend": user.backend,
                                        "next": next_url, "at": int(time.time())}


def pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The user who passed the password step in this session in the last ten minutes."""
    data = request.session.get(SESSION_PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(data["user"]), is_active=True).first()
    return (user, data) if user is not None else None


def forget_pending(request: HttpRequest) -> None:
    request.session.pop(SESSION_PENDING, None)


def complete(request: HttpRequest, user: Any, next_url: str, backend: str | None = None) -> HttpResponse:
    """Sign ``user`` in for one shift and clear their failed attempts."""
    forget_pending(request)
    login(request, user, backend=backend)
    request.session.set_expiry(settings.ANJU_STAFF_SESSION_SECONDS)
    lockout.lockout_clear(username=user.get_username())
    return redirect(next_url)


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the authenticator code (or a recovery code). Failures count toward lock-out."""
    found = pending(request)
    if found is None:
        messages.info(request, _("Please sign in again."))
        return redirect("console:login")
    user, data = found
    if not is_enrolled(user):  # must set one up first
        return redirect("console:two_factor")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _check_code(request, user, form.cleaned_data["code"])
        except lockout.LockedOut as locked:
            forget_pending(request)
            form.add_error(None, str(locked))
            status = 429
        except InvalidInput as wrong:
            form.add_error("code", str(wrong))
            status = 422
        else:
            return complete(request, user, data["next"], data["backend"])
    return render(request, "console/login_code.html", {"form": form, "locked": status == 429},
                  status=status)


def _check_code(request: HttpRequest, user: User, code: str) -> None:
    ip = client_ip(request)
    try:
        lockout.lockout_check(username=user.get_username(), ip=ip)
        two_factor_verify(user=user, code=code)
    except lockout.LockedOut:
        _failed(request, user)
        raise
    except InvalidInput:
        _failed(request, user)
        lock = lockout.lockout_record_failure(username=user.get_username(), ip=ip)
        if lock is not None:
            raise lockout.LockedOut(lock) from None
        raise


def _failed(request: HttpRequest, user: User) -> None:
    # The same signal as a wrong password, so the audit log sees the failure.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()},
                           request=request)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the console: the same lock-out and second factor."""
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('console:login')}?{urlencode({'next': next_url})}")


# --------------------------------------------------------------------------- password


@method_decorator([never_cache, staff_required], name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing one's own password; Django's validators (settings) decide what is allowed."""

    template_name = "console/password_change.html"
    success_url = reverse_lazy("console:two_factor")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response
