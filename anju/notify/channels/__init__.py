"""Channel adapters behind one small interface: ``send(message) -> None`` or raise."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """Raised by a channel when a message could not be delivered.

    ``permanent`` errors are not retried (an invalid number, say).
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, *, recipient: str, subject: str, body: str) -> None: ...


@cache
def sms_backend() -> Channel:
    return import_string(settings.ANJU_SMS_BACKEND)()


def for_channel(name: str) -> Channel:
    from anju.notify.channels.console import InApp

    if name == "sms":
        return sms_backend()
    if name == "in_app":
        return InApp()
    from anju.notify.channels.email import Email

    return Email()
