"""Writing to the outbox. Call inside the transaction of the change that caused it."""

from __future__ import annotations

from typing import Any

from anju.notify.models import Message


def message_enqueue(*, channel: str, recipient: str, kind: str, body: str, subject: str = "",
                    complaint: Any = None) -> Message:
    return Message.objects.create(channel=channel, recipient=recipient, kind=kind, body=body,
                                  subject=subject, complaint=complaint)
