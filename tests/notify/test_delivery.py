import datetime as dt

import pytest
from django.utils import timezone

from anju.notify import delivery
from anju.notify.channels import DeliveryError
from anju.notify.models import Message
from anju.notify.services import message_enqueue


class Flaky:
    def __init__(self, failures, permanent=False):
        self.failures, self.permanent, self.sent = failures, permanent, []

    def send(self, *, recipient, subject, body):
        if self.failures:
            self.failures -= 1
            raise DeliveryError("provider down", permanent=self.permanent)
        self.sent.append((recipient, body))


@pytest.fixture
def channel(monkeypatch):
    holder = {}

    def use(fake):
        holder["fake"] = fake
        monkeypatch.setattr(delivery, "for_channel", lambda name: fake)
        return fake

    return use


@pytest.mark.django_db
def test_a_due_message_is_sent_once(channel):
    fake = channel(Flaky(0))
    message_enqueue(channel="sms", recipient="13800001111", kind="test", body="你好")
    now = timezone.now()
    assert delivery.deliver_due(now=now) == 1
    assert delivery.deliver_due(now=now) == 0
    assert fake.sent == [("13800001111", "你好")]
    assert Message.objects.get().state == Message.State.SENT


@pytest.mark.django_db
def test_a_failing_provider_is_retried_with_backoff_then_delivered(channel):
    fake = channel(Flaky(2))
    message = message_enqueue(channel="sms", recipient="13800001111", kind="test", body="x")
    now = timezone.now()
    assert delivery.deliver_due(now=now) == 0
    message.refresh_from_db()
    assert message.state == Message.State.PENDING and message.attempts == 1
    assert delivery.deliver_due(now=now) == 0  # not due again before the backoff
    later = message.next_attempt_at
    delivery.deliver_due(now=later)
    message.refresh_from_db()
    # The backoff counts from the claim (the run's clock plus the time the run has taken).
    assert message.attempts == 2
    assert dt.timedelta(seconds=60) <= message.next_attempt_at - later < dt.timedelta(seconds=61)
    assert delivery.deliver_due(now=message.next_attempt_at) == 1
    assert fake.sent


@pytest.mark.django_db
def test_a_permanent_failure_is_visible_and_not_retried(channel):
    channel(Flaky(1, permanent=True))
    message = message_enqueue(channel="sms", recipient="1", kind="test", body="x")
    delivery.deliver_due(now=timezone.now())
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and "provider down" in message.last_error
    assert delivery.deliver_due(now=timezone.now() + dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_a_message_left_sending_by_a_killed_worker_is_picked_up_after_its_lease(channel):
    fake = channel(Flaky(0))
    message = message_enqueue(channel="sms", recipient="13800001111", kind="test", body="x")
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENDING,
                                                 next_attempt_at=now + delivery.LEASE)
    assert delivery.deliver_due(now=now) == 0
    assert delivery.deliver_due(now=now + delivery.LEASE) == 1
    assert len(fake.sent) == 1
