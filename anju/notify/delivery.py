"""Delivering the outbox. Run by the worker's periodic sweep; safe with many workers.

Each due row is claimed with a compare-and-set update (pending → sending); a worker
that loses the race skips the row. A row left in ``sending`` by a killed worker is
picked up again once its lease (``next_attempt_at``) has passed. The lease starts when
the row is claimed, not when the run started, so a row claimed late in a long run still
gets a whole lease; the result is written only while the lease is still the worker's.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from anju.notify.channels import DeliveryError, for_channel
from anju.notify.models import Attempt, Message

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=30 * 2 ** max(attempts - 1, 0))


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send up to ``limit`` due messages; returns how many were sent."""
    started = timezone.now()
    now = now or started
    skew = now - started  # a caller's clock (tests) moves with the real one during the run
    due = Message.objects.filter(
        Q(state=Message.State.PENDING) | Q(state=Message.State.SENDING),
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at").values_list("id", "state")[:limit]
    sent = 0
    for message_id, state in list(due):
        claimed_at = timezone.now() + skew
        lease = claimed_at + LEASE
        claimed = Message.objects.filter(id=message_id, state=state, next_attempt_at__lte=now).update(
            state=Message.State.SENDING, next_attempt_at=lease)
        if not claimed:
            continue  # another worker got there first
        sent += _send_one(Message.objects.get(id=message_id), now=claimed_at)
    return sent


def _send_one(message: Message, *, now: datetime) -> int:
    """Send one claimed message; ``message.next_attempt_at`` holds the worker's lease."""
    lease = message.next_attempt_at
    message.attempts += 1
    try:
        for_channel(message.channel).send(recipient=message.recipient, subject=message.subject,
                                          body=message.body)
    except DeliveryError as exc:
        give_up = exc.permanent or message.attempts >= MAX_ATTEMPTS
        message.state = Message.State.FAILED if give_up else Message.State.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
        message.last_error = str(exc)[:1000]
        _finish(message, lease, ["state", "attempts", "next_attempt_at", "last_error"])
        Attempt.objects.create(message=message, number=message.attempts, at=now,
                               permanent=exc.permanent, error=message.last_error)
        # Never the recipient or the text: the error and the row's id only.
        logger.warning("Delivery of message %s failed (attempt %s): %s", message.pk,
                       message.attempts, exc)
        if give_up:
            _after_failure(message)
        return 0
    message.state = Message.State.SENT
    message.sent_at = timezone.now()
    _finish(message, lease, ["state", "attempts", "sent_at"])
    Attempt.objects.create(message=message, number=message.attempts, at=now, ok=True)
    return 1


def _finish(message: Message, lease: datetime, fields: list[str]) -> None:
    """Write the outcome only while the row is still claimed under our lease."""
    owned = Message.objects.filter(pk=message.pk, state=Message.State.SENDING, next_attempt_at=lease)
    if not owned.update(**{field: getattr(message, field) for field in fields}):
        logger.warning("Message %s outlived its lease while being sent; another worker owns it now",
                       message.pk)


def _after_failure(message: Message) -> None:
    """A complainant's message failed for good: tell the staff, who must call instead."""
    if message.complaint_id is None or message.channel in (Message.Channel.WECOM,
                                                           Message.Channel.IN_APP):
        return
    from anju.notify.services import alert_staff, notify_user
    from anju.notify.templating import render

    complaint = message.complaint
    alert_staff("staff.delivery_failed", complaint=complaint, channel=message.channel,
                note=message.last_error[:200])
    if complaint is not None and complaint.handler_id is not None:
        with translation.override("zh-hans"):
            body = render(_("Complaint {number}: the {channel} to the complainant could not be "
                            "delivered ({error}). Please contact them another way."),
                          {"number": complaint.number, "channel": message.get_channel_display(),
                           "error": message.last_error[:200]})
        notify_user(complaint.handler, kind="staff.delivery_failed", complaint=complaint,
                    subject=complaint.number, body=body)
