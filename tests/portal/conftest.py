"""Portal fixtures: an English-reading browser, a signed-in resident, a resolved complaint."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from anju.complaints import services


@pytest.fixture
def client():
    """A browser whose person chose English, so assertions do not depend on the catalogue."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident.user)
    return client


@pytest.fixture
def resolved_complaint(new_complaint, agent, handler, departments):
    """A complaint of ``resident`` walked by the staff to resolved, waiting for the rating."""
    complaint = new_complaint()
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                              department=departments["engineering"], handler=handler,
                              plan="明天上午工程部上门检查楼上防水")
    services.complaint_accept(actor=handler, complaint_id=complaint.pk, note="内部：先联系楼上业主")
    services.complaint_resolve(actor=handler, complaint_id=complaint.pk,
                               result="楼上卫生间防水层破损，已重做防水")
    complaint.refresh_from_db()
    return complaint
