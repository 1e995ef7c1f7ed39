"""Deleting rows that are only kept for a short while: sign-in codes and sent messages.

A sign-in code row holds a phone number and the address that asked for it; it is needed
for an hour (rate limits) and useful for a few weeks (abuse reports). A finished outbox
message (sent, or failed for good) holds a recipient and a text; the complaint's own
trail records what happened, so the delivery log can go after a while. Pending messages
are never touched.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from anju.accounts.models import OneTimeCode
from anju.notify.models import Message

FINISHED = (Message.State.SENT, Message.State.FAILED)


def old_sign_in_codes(*, before: datetime) -> QuerySet[OneTimeCode]:
    return OneTimeCode.objects.filter(created_at__lt=before)


def old_finished_messages(*, before: datetime) -> QuerySet[Message]:
    return (Message.objects.filter(state__in=FINISHED)
            .alias(finished_at=Coalesce("sent_at", "created_at")).filter(finished_at__lt=before))


def purge(queryset: QuerySet, *, dry_run: bool) -> int:
    """Delete the rows (one statement: neither table has dependants); return how many."""
    if dry_run:
        return queryset.count()
    deleted, _by_model = queryset.delete()
    return deleted
