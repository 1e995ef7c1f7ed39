"""Deleting rows that are only kept for a short while: sign-in codes, sent messages and
the counters of failed sign-ins.

A sign-in code row holds a phone number and the address that asked for it; it is needed
for an hour (rate limits) and useful for a few weeks (abuse reports). A finished outbox
message (sent, or failed for good) holds a recipient and a text; the complaint's own
trail records what happened, so the delivery log can go after a while. Pending messages
are never touched. A failed-sign-in counter holds a user name or an address; once its
window has passed and no lock-out is running it counts nothing any more.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from anju.accounts.models import OneTimeCode, SignInThrottle
from anju.notify.models import Message

FINISHED = (Message.State.SENT, Message.State.FAILED)


def old_sign_in_codes(*, before: datetime) -> QuerySet[OneTimeCode]:
    return OneTimeCode.objects.filter(created_at__lt=before)


def stale_sign_in_throttles(*, now: datetime) -> QuerySet[SignInThrottle]:
    window_start = now - timedelta(seconds=settings.ANJU_LOCKOUT_WINDOW_SECONDS)
    return SignInThrottle.objects.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now), window_started_at__lt=window_start)


def old_finished_messages(*, before: datetime) -> QuerySet[Message]:
    return (Message.objects.filter(state__in=FINISHED)
            .alias(finished_at=Coalesce("sent_at", "created_at")).filter(finished_at__lt=before))


def purge(queryset: QuerySet, *, dry_run: bool) -> int:
    """Delete the rows (one statement: neither table has dependants); return how many."""
    if dry_run:
        return queryset.count()
    deleted, _by_model = queryset.delete()
    return deleted
