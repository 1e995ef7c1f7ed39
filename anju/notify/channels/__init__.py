"""Channel adapters behind one small interface: ``send(*, recipient, subject, body)``.

``send`` returns when the provider accepted the message and raises ``DeliveryError``
otherwise; ``permanent`` errors (an invalid number, a rejected signature) are not retried.

* SMS: ``settings.ANJU_SMS_BACKEND`` — console (default), Aliyun or Tencent Cloud;
* e-mail: Django's mail backend (SMTP);
* WeCom: the group robot webhook (staff alerts);
* in-app: the outbox row itself is the notification.
"""

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
    return import_string(settings.ANJU_SMS_BACKEND)()  # type: ignore[no-any-return]


def for_channel(name: str) -> Channel:
    from anju.notify.channels.console import InApp
    from anju.notify.channels.email import Email
    from anju.notify.channels.wecom import WeComRobot

    if name == "sms":
        return sms_backend()
    if name == "in_app":
        return InApp()
    if name == "wecom":
        return WeComRobot()
    return Email()
