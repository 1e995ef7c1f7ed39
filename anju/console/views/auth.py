"""Signing in and out. Only staff members may use the console; residents use the portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from anju.complaints.access import is_staff_member, role_of
from anju.complaints.transitions import RESIDENT


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
        if is_staff_member(user):
            return
        if role_of(user) == RESIDENT:
            self.refused_resident = True
            raise forms.ValidationError(self.error_messages["resident"], code="resident")
        raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("console:home")  # type: ignore[assignment]


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("console:login")  # type: ignore[assignment]
