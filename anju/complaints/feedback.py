"""What the complainant is told at each step, written to the outbox with the change.

Texts are in Chinese, the residents' language; the notifications issue will make them
editable templates with per-resident language and channel preferences.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anju.complaints.models import Complaint
from anju.notify.models import Message
from anju.notify.services import message_enqueue

TEXTS = {
    "complaint.received": _(
        "[Anju] Your complaint %(number)s has been received. We will verify it and tell you "
        "the handling plan soon. Progress: %(link)s"),
    "complaint.refer_out": _(
        "[Anju] Complaint %(number)s is outside property services: %(reason)s. "
        "Please contact: %(advice)s"),
    "complaint.assign": _(
        "[Anju] Complaint %(number)s has been dispatched to %(department)s. Plan: %(plan)s"),
    "complaint.hold": _("[Anju] Complaint %(number)s is waiting: %(note)s"),
    "complaint.resolve": _(
        "[Anju] Complaint %(number)s has been resolved: %(result)s. Please rate our service: "
        "%(link)s"),
    "complaint.rate_reopen": _(
        "[Anju] Complaint %(number)s has been reopened and a supervisor is following it up."),
    "complaint.reopen": _("[Anju] Complaint %(number)s has been reopened: %(note)s"),
}


def tell_complainant(complaint: Complaint, event_code: str, *, note: str = "") -> Message | None:
    """Queue the message for ``event_code`` to the complainant's phone, if there is one."""
    template = TEXTS.get(event_code)
    phone = complaint.complainant_phone
    if template is None or not phone:
        return None
    params = {
        "number": complaint.number,
        "link": f"{settings.ANJU_SITE_URL}/portal/c/{complaint.number}/",
        "reason": complaint.scope_reason,
        "advice": complaint.referral_advice,
        "department": str(complaint.department or ""),
        "plan": complaint.plan,
        "result": complaint.result,
        "note": note,
    }
    with translation.override("zh-hans"):
        text = str(template) % params
    return message_enqueue(channel=Message.Channel.SMS, recipient=phone, kind=event_code,
                           body=text, complaint=complaint)
