"""Return-visit fixtures: English UI, resolved complaints, the worker's tasks run at once."""

from __future__ import annotations

import pytest

from anju.complaints import services
from anju.complaints.models import Channel


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def resolve(new_complaint, agent, handler, departments):
    """Walk a new complaint (the resident's, or ``overrides``) to resolved."""

    def make(**overrides):
        complaint = new_complaint(**overrides)
        services.complaint_verify(actor=agent, complaint_id=complaint.pk)
        services.complaint_assign(actor=agent, complaint_id=complaint.pk,
                                  department=departments["engineering"], handler=handler,
                                  plan="明天上午上门检查")
        services.complaint_accept(actor=handler, complaint_id=complaint.pk)
        services.complaint_resolve(actor=handler, complaint_id=complaint.pk,
                                   result="已重做防水")
        complaint.refresh_from_db()
        return complaint

    return make


@pytest.fixture
def phone_complaint(resolve, agent, world):
    """A phone complaint with no resident account: only a contact phone."""
    return lambda: resolve(actor=agent, channel=Channel.PHONE, room=None,
                           contact_name="王五", contact_phone="13700003333")
