"""E-mail against a real local SMTP server (aiosmtpd), WeCom against a local HTTP server,
and the console SMS backend's log."""

import json
import logging
import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from anju.notify import delivery
from anju.notify.channels import DeliveryError
from anju.notify.channels.console import ConsoleSMS
from anju.notify.channels.wecom import WeComRobot
from anju.notify.models import Message
from anju.notify.services import message_enqueue
from tests.notify.peers import LocalProvider


class Inbox:
    def __init__(self, refuse=()):
        self.refuse, self.received = set(refuse), []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox(refuse={"nobody@example.com"})
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    yield inbox
    controller.stop()


@pytest.mark.django_db
def test_email_is_delivered_over_smtp(smtp):
    message = message_enqueue(channel="email", recipient="wang@example.com", kind="test",
                              subject="投诉已受理", body="您的投诉已受理。")
    assert delivery.deliver_due(now=timezone.now()) == 1
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    [(to, content)] = smtp.received
    assert to == ["wang@example.com"] and "Subject:" in content


@pytest.mark.django_db
def test_a_refused_mailbox_fails_permanently(smtp):
    message = message_enqueue(channel="email", recipient="nobody@example.com", kind="test",
                              subject="x", body="y")
    delivery.deliver_due(now=timezone.now())
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and smtp.received == []


@pytest.mark.django_db
def test_an_smtp_server_that_is_down_is_retried(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    message = message_enqueue(channel="email", recipient="wang@example.com", kind="test",
                              subject="x", body="y")
    delivery.deliver_due(now=timezone.now())
    message.refresh_from_db()
    assert message.state == Message.State.PENDING and message.attempts == 1


def test_wecom_posts_markdown_and_maps_errors():
    answers = iter([(200, {"errcode": 0, "errmsg": "ok"}),
                    (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
                    (200, {"errcode": 93000, "errmsg": "invalid webhook url"}),
                    (502, b"bad gateway")])
    with LocalProvider(lambda *request: next(answers)) as server:
        robot = WeComRobot(server.url + "cgi-bin/webhook/send?key=k1")
        robot.send(recipient="", subject="", body="**紧急投诉**")
        outcomes = []
        for _ in range(3):
            with pytest.raises(DeliveryError) as err:
                robot.send(recipient="", subject="", body="x")
            outcomes.append(err.value.permanent)
    assert outcomes == [False, True, False]
    method, path, _headers, body = server.requests[0]
    assert method == "POST" and path == "/cgi-bin/webhook/send?key=k1"
    assert json.loads(body) == {"msgtype": "markdown", "markdown": {"content": "**紧急投诉**"}}


def test_wecom_without_a_webhook_is_a_permanent_error():
    with pytest.raises(DeliveryError) as err:
        WeComRobot("").send(recipient="", subject="", body="x")
    assert err.value.permanent


def test_console_sms_masks_the_number_but_shows_the_code(caplog):
    with caplog.at_level(logging.INFO, logger="anju.sms"):
        ConsoleSMS().send(recipient="13812345678", subject="", body="验证码 482913")
    assert "13812345678" not in caplog.text
    assert "138****5678" in caplog.text and "482913" in caplog.text
