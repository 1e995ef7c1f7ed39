"""Signed survey links: the resident answers without signing in.

A token signs ``{visit id, one-time value}`` with ``django.core.signing`` under its own
salt; it is valid for ``ANJU_VISIT_LINK_DAYS`` and for one answer only — answering (or a
new link) replaces the visit's one-time value, so an old token no longer matches.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.lib.errors import DomainError
from anju.notify.models import Message
from anju.notify.services import notify_complainant
from anju.notify.templating import register_default
from anju.visits.models import ReturnVisit

SALT = "anju.visits.survey-link"
EVENT = "visit.survey"

register_default(
    EVENT,
    zh=("请评价投诉 {number} 的处理",
        "【安居】您的投诉 {number} 已处理完毕，诚邀您花一分钟评价我们的服务（无需登录，{days}天内有效）："
        "{link}"),
    en=("Please rate how complaint {number} was handled",
        "[Anju] Complaint {number} has been resolved. Please take a minute to rate our service "
        "(no sign-in needed, valid for {days} days): {link}"),
)


class LinkInvalid(DomainError):
    code = "link_invalid"
    http_status = 404
    default_message = _("This link is not valid. Please check that you copied all of it.")


class LinkExpired(DomainError):
    code = "link_expired"
    http_status = 410
    default_message = _("This link has expired. Please call the service desk to give your "
                        "rating.")


class LinkUsed(DomainError):
    code = "link_used"
    http_status = 410
    default_message = _("This survey has already been answered. Thank you!")


def max_age() -> timedelta:
    return timedelta(days=settings.ANJU_VISIT_LINK_DAYS)


def token_for(visit: ReturnVisit) -> str:
    """A new token for ``visit``; the visit's previous token stops working. Saves the visit."""
    visit.link_nonce = secrets.token_hex(16)
    visit.save(update_fields=["link_nonce"])
    return signing.dumps({"v": visit.pk, "n": visit.link_nonce}, salt=SALT)


def url_for(token: str) -> str:
    return settings.ANJU_SITE_URL.rstrip("/") + reverse("visits:survey", args=[token])


def visit_for(token: str, *, now: datetime | None = None, lock: bool = False) -> ReturnVisit:
    """The open visit a token stands for, or LinkInvalid / LinkExpired / LinkUsed."""
    now = now or timezone.now()
    try:
        # TimestampSigner measures age against time.time(); pass the age we want checked.
        data = signing.loads(token, salt=SALT, max_age=max_age()
                             + (timezone.now() - now))
    except signing.SignatureExpired:
        raise LinkExpired() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        raise LinkInvalid()
    visits = ReturnVisit.objects.select_related("complaint")
    if lock:
        visits = visits.select_for_update(of=("self",))
    visit = visits.filter(pk=data["v"]).first()
    if visit is None:
        raise LinkInvalid()
    if not visit.is_open or not visit.link_nonce or visit.link_nonce != data.get("n"):
        raise LinkUsed()
    return visit


def send_link(visit: ReturnVisit) -> Message | None:
    """Queue the survey link to the complainant (their channel and language, anju.notify).

    Call inside the transaction that opened the visit. None when nobody can be told.
    """
    url = url_for(token_for(visit))
    message = notify_complainant(visit.complaint, EVENT, link=url,
                                 days=settings.ANJU_VISIT_LINK_DAYS)
    if message is not None:
        visit.link_sent_at = message.created_at
        visit.save(update_fields=["link_sent_at"])
    return message
