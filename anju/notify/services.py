"""Writing to the outbox. Call inside the transaction of the change that caused it.

* ``message_enqueue`` — one message, text given (sign-in codes, tests, other modules);
* ``notify_complainant`` — the templated message for a complaint event, by the resident's
  preferred channel and language, or the channel the complaint came in on;
* ``alert_staff`` — a staff alert to the WeCom group robot (when configured);
* ``notify_user`` — an in-app notification on a staff member's or resident's bell.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anju.notify import templating
from anju.notify.models import ContactPreference, Language, Message

# Kinds never held back by quiet hours or switched off by an opt-out.
ALWAYS_SEND = frozenset({"otp"})


def quiet_window() -> tuple[time, time] | None:
    """The SMS quiet hours (start, end), parsed when the settings loaded; None: none."""
    return settings.ANJU_SMS_QUIET_HOURS


def send_at(now: datetime) -> datetime:
    """``now``, or the end of the quiet hours when ``now`` falls inside them."""
    window = quiet_window()
    if window is None:
        return now
    start, end = window
    local = timezone.localtime(now)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return now
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end), local.tzinfo)


def message_enqueue(*, channel: str, recipient: str, kind: str, body: str, subject: str = "",
                    complaint: Any = None, user: Any = None, urgent: bool = False,
                    quiet_hours: bool = False, now: datetime | None = None) -> Message:
    """Queue one message. With ``quiet_hours``, a non-urgent SMS written in the quiet hours
    waits for their end (deferred, not dropped)."""
    now = now or timezone.now()
    due = now
    if (quiet_hours and channel == Message.Channel.SMS and not urgent
            and kind not in ALWAYS_SEND):
        due = send_at(now)
    return Message.objects.create(channel=channel, recipient=recipient, kind=kind, body=body,
                                  subject=subject[:200], complaint=complaint, user=user,
                                  urgent=urgent, created_at=now, next_attempt_at=due)


def preference_of(resident: Any) -> ContactPreference | None:
    if resident is None:
        return None
    try:
        return resident.contact_preference  # type: ignore[no-any-return]
    except ContactPreference.DoesNotExist:
        return None


def _local(moment: datetime | None, language: str) -> str:
    if moment is None:
        return "to be confirmed" if language == Language.EN else "待定，我们会尽快告知"
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def complaint_params(complaint: Any, language: str, *, note: str = "") -> dict[str, str]:
    """The template variables of a complaint (see templating.VARIABLES)."""
    site = settings.ANJU_SITE_URL.rstrip("/")
    link = f"{site}/portal/c/{complaint.number}/"
    deadline = complaint.resolve_due_at if complaint.status != "received" else (
        complaint.feedback_due_at or complaint.resolve_due_at)
    with translation.override(language):
        category = str(complaint.category.name) if complaint.category_id else _("not classified")
        return {
            "number": complaint.number,
            "category": category,
            "plan": complaint.plan or "—",
            "handler": complaint.handler.display_name if complaint.handler_id else "",
            "department": str(complaint.department or ""),
            "deadline": _local(deadline, language),
            "link": link,
            "rate_link": f"{link}rate/",
            "reason": complaint.scope_reason or "—",
            "advice": complaint.referral_advice or "—",
            "result": complaint.result or "—",
            "note": note or "—",
            "estate": str(complaint.estate),
        }


def _route(complaint: Any, preference: ContactPreference | None) -> tuple[str, str, Any] | None:
    """(channel, recipient, user) for a complaint's complainant, or None if unreachable."""
    resident = complaint.resident
    phone = complaint.complainant_phone
    email = (preference.email if preference else "") or complaint.contact_email
    account = getattr(resident, "user", None) if resident is not None else None
    reachable: dict[str, tuple[str, str, Any] | None] = {
        Message.Channel.SMS: (Message.Channel.SMS, phone, None) if phone else None,
        Message.Channel.EMAIL: (Message.Channel.EMAIL, email, None) if email else None,
        Message.Channel.IN_APP: (Message.Channel.IN_APP, "", account) if account else None,
    }
    order: list[str] = []
    if preference is not None:
        order.append(preference.channel)
    if complaint.channel == "email":
        order.append(Message.Channel.EMAIL)
    order += [Message.Channel.SMS, Message.Channel.EMAIL, Message.Channel.IN_APP]
    for channel in order:
        found = reachable.get(channel)
        if found:
            return found
    return None


def notify_complainant(complaint: Any, event_code: str, *, note: str = "",
                       **params: object) -> Message | None:
    """Queue the message for ``event_code`` to the complainant, in the same transaction.

    Uses the resident's preferred channel and language when set (and sends nothing when
    they opted out), else the channel the complaint came in on; phone complaints get an
    SMS when a number is known. Extra ``params`` add or override template variables
    (``link=`` for a return-visit link, say). Returns None when nobody can be told.
    """
    preference = preference_of(complaint.resident)
    if preference is not None and preference.opted_out and event_code not in ALWAYS_SEND:
        return None
    route = _route(complaint, preference)
    if route is None:
        return None
    channel, recipient, user = route
    language = preference.language if preference is not None else Language.ZH
    text = templating.text_for(event_code, channel, language)
    if text is None:
        return None
    values: dict[str, object] = {**complaint_params(complaint, language, note=note), **params}
    return message_enqueue(channel=channel, recipient=recipient, user=user, kind=event_code,
                           subject=templating.render(text.subject, values),
                           body=templating.render(text.body, values), complaint=complaint,
                           urgent=complaint.urgency == "urgent", quiet_hours=True)


def alert_staff(event_code: str, *, complaint: Any = None, language: str = Language.ZH,
                **params: object) -> Message | None:
    """A staff alert to the WeCom group robot; nothing when no webhook is configured."""
    if not settings.ANJU_WECOM_WEBHOOK_URL:
        return None
    text = templating.text_for(event_code, Message.Channel.WECOM, language)
    if text is None:
        return None
    values: Mapping[str, object] = {
        **(complaint_params(complaint, language) if complaint is not None else {}), **params}
    return message_enqueue(channel=Message.Channel.WECOM, recipient="", kind=event_code,
                           subject=templating.render(text.subject, values),
                           body=templating.render(text.body, values), complaint=complaint,
                           urgent=True)


def notify_user(user: Any, *, kind: str, body: str, subject: str = "",
                complaint: Any = None) -> Message:
    """An in-app notification on ``user``'s bell."""
    return message_enqueue(channel=Message.Channel.IN_APP, recipient="", user=user, kind=kind,
                           subject=subject, body=body, complaint=complaint)


def mark_read(user: Any, message_ids: list[int] | None = None) -> int:
    """Mark ``user``'s in-app notifications read (all of them without ids)."""
    unread = Message.objects.filter(user=user, channel=Message.Channel.IN_APP, read_at=None)
    if message_ids is not None:
        unread = unread.filter(pk__in=message_ids)
    return unread.update(read_at=timezone.now())
