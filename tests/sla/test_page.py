"""The console complaint page shows every target, time left or overdue, and the pauses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints import services
from tests.console.conftest import page_text

pytestmark = pytest.mark.django_db


def test_the_page_shows_targets_time_left_overdue_and_pauses(client, new_complaint, agent, handler,
                                                             departments):
    now = timezone.now()
    c = new_complaint(urgency="urgent", now=now - timedelta(hours=5))
    services.complaint_verify(actor=agent, complaint_id=c.pk, now=now - timedelta(hours=5))
    services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                              handler=handler, plan="上门", now=now - timedelta(hours=5))
    services.complaint_accept(actor=handler, complaint_id=c.pk, now=now - timedelta(hours=4, minutes=50))
    services.complaint_hold(actor=handler, complaint_id=c.pk, reason="等配件",
                            now=now - timedelta(hours=4, minutes=40))
    services.complaint_resume(actor=handler, complaint_id=c.pk, now=now - timedelta(hours=2, minutes=40))
    client.force_login(agent)
    text = page_text(client.get(f"/console/c/{c.number}/"))
    assert "首次反馈" in text and "到场" in text and "办结" in text
    assert "已完成" in text  # feedback given at verification, on site when signed for
    # resolve: 4h around the clock + 2h paused → due 1h from now
    assert "剩余" in text and "计时暂停" in text
    services.complaint_hold(actor=handler, complaint_id=c.pk, reason="再等", now=now)
    text = page_text(client.get(f"/console/c/{c.number}/"))
    assert "已暂停（挂起中）" in text and "仍在挂起" in text


def test_an_overdue_target_says_by_how_much(client, new_complaint, agent):
    c = new_complaint(urgency="urgent", now=timezone.now() - timedelta(hours=6))
    client.force_login(agent)
    text = page_text(client.get(f"/console/c/{c.number}/"))
    assert "已超时" in text
