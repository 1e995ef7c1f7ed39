"""In-app notifications (the staff console's bell, the portal's) and residents' settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anju.audit.log import record
from anju.complaints import access
from anju.complaints.guards import resident_required, staff_required
from anju.notify.models import ContactPreference, Message
from anju.notify.services import mark_read

PAGE = 50


def inbox(user: Any) -> QuerySet[Message]:
    """``user``'s in-app notifications about complaints they may still see (or none)."""
    visible = access.visible_complaints(user).values("pk")
    return (Message.objects.filter(user=user, channel=Message.Channel.IN_APP)
            .filter(Q(complaint=None) | Q(complaint__in=visible))
            .select_related("complaint").order_by("-created_at"))


def _list(request: HttpRequest, template: str, extra: dict[str, Any]) -> HttpResponse:
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        mark_read(request.user, ids or None)
        return redirect(request.path)
    items = list(inbox(request.user)[:PAGE])
    return render(request, template, {"items": items, **extra})


@require_http_methods(["GET", "POST"])
@staff_required
def console_notifications(request: HttpRequest) -> HttpResponse:
    return _list(request, "notify/console_list.html", {})


@require_http_methods(["GET", "POST"])
@resident_required
def portal_notifications(request: HttpRequest) -> HttpResponse:
    return _list(request, "notify/portal_list.html",
                 {"section": "notifications", "title": _("Notifications")})


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ContactPreference
        fields = ["channel", "language", "email", "opted_out"]
        labels = {"channel": gettext_lazy("Tell me by"), "language": gettext_lazy("Language"),
                  "email": gettext_lazy("E-mail address"),
                  "opted_out": gettext_lazy("Send me no progress messages")}
        help_texts = {"opted_out": gettext_lazy(
            "Sign-in codes are always sent. You can still follow your complaints here.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == ContactPreference.Via.EMAIL and not data.get("email"):
            self.add_error("email", _("Enter the e-mail address to use."))
        return data


@require_http_methods(["GET", "POST"])
@resident_required
def portal_settings(request: HttpRequest) -> HttpResponse:
    resident = request.user.resident  # type: ignore[union-attr]
    preference = ContactPreference.objects.filter(resident=resident).first() or ContactPreference(
        resident=resident)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        record("notify.preference", actor=request.user, target=saved,
               data={"channel": saved.channel, "language": saved.language,
                     "opted_out": saved.opted_out}, request=request)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notify:portal_settings")
    return render(request, "notify/portal_settings.html",
                  {"form": form, "section": "settings", "title": _("Notification settings")})
