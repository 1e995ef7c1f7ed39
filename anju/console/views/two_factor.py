"""Setting up two-factor sign-in, and seeing its state.

Reached in two ways: by a signed-in staff member (voluntary, or sent by the gate), or
straight after the password step by someone who must enrol before being signed in
(``auth.pending``). Confirming the first code signs the latter in, and shows the
recovery codes once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from anju.accounts import two_factor
from anju.accounts.models import TwoFactor
from anju.complaints.access import is_staff_member
from anju.complaints.guards import not_staff
from anju.console.views.auth import CodeForm, complete, pending
from anju.lib.errors import InvalidInput
from anju.security.two_factor_gate import two_factor_required


@never_cache
def two_factor_page(request: HttpRequest) -> HttpResponse:
    found = None if request.user.is_authenticated else pending(request)
    if found is None and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user: Any = found[0] if found else request.user
    if found is None and not (is_staff_member(user) or user.is_staff):
        return not_staff(request)
    if two_factor.is_enrolled(user):
        if found is not None:  # enrolled meanwhile: the normal second step applies
            return redirect("console:login_code")
        return render(request, "console/two_factor.html", {
            "enrolled": TwoFactor.objects.get(user=user),
            "codes_left": two_factor.recovery_codes_left(user)})
    device = two_factor.two_factor_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_confirm(user=user, code=form.cleaned_data["code"])
        except InvalidInput as wrong:
            form.add_error("code", str(wrong))
        else:
            next_url = found[1]["next"] if found else reverse("console:two_factor")
            if found is not None:
                complete(request, user, next_url, found[1]["backend"])
            return render(request, "console/two_factor_codes.html",
                          {"codes": codes, "next": next_url})
    uri = two_factor.provisioning_uri(device)
    context = {
        "form": form, "required": two_factor_required(user), "signing_in": found is not None,
        "qr": two_factor.qr_data_uri(uri),
        "secret": " ".join(device.totp_secret[i:i + 4] for i in range(0, len(device.totp_secret), 4)),
    }
    return render(request, "console/two_factor.html", context, status=422 if form.errors else 200)
