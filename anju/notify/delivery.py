"""Delivering the outbox. Run by the worker's periodic sweep; safe with many workers.

Each due row is claimed with a compare-and-set update (pending → sending); a worker
that loses the race skips the row. A row left in ``sending`` by a killed worker is
picked up again once its lease (``next_attempt_at``) has passed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from anju.notify.channels import DeliveryError, for_channel
from anju.notify.models import Message

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=30 * 2 ** max(attempts - 1, 0))


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send up to ``limit`` due messages; returns how many were sent."""
    now = now or timezone.now()
    due = Message.objects.filter(
        Q(state=Message.State.PENDING) | Q(state=Message.State.SENDING),
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at").values_list("id", "state")[:limit]
    sent = 0
    for message_id, state in list(due):
        claimed = Message.objects.filter(id=message_id, state=state, next_attempt_at__lte=now).update(
            state=Message.State.SENDING, next_attempt_at=now + LEASE)
        if not claimed:
            continue  # another worker got there first
        sent += _send_one(Message.objects.get(id=message_id), now=now)
    return sent


def _send_one(message: Message, *, now: datetime) -> int:
    message.attempts += 1
    try:
        for_channel(message.channel).send(recipient=message.recipient, subject=message.subject,
                                          body=message.body)
    except DeliveryError as exc:
        give_up = exc.permanent or message.attempts >= MAX_ATTEMPTS
        message.state = Message.State.FAILED if give_up else Message.State.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
        message.last_error = str(exc)[:1000]
        message.save(update_fields=["state", "attempts", "next_attempt_at", "last_error"])
        logger.warning("Delivery of message %s failed (attempt %s): %s", message.pk,
                       message.attempts, exc)
        return 0
    message.state = Message.State.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["state", "attempts", "sent_at"])
    return 1
