"""Appending to the chain: numbering, links, hashes, and what an entry may hold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import RequestFactory

from anju.audit import chain
from anju.audit.log import current_head, record
from anju.audit.models import AuditEntry, ChainHead
from tests.audit.conftest import entries


def test_entries_are_numbered_and_each_links_to_the_one_before(db):
    first = record("config.changed", data={"setting": "sla"})
    second = record("export.complaints", data={"rows": 3})
    third = record("pii.reveal", target=("complaints.complaint", 7), data={"field": "contact_phone"})

    assert [e.seq for e in entries()] == [1, 2, 3]
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert current_head() == (3, third.hash)
    assert ChainHead.objects.get().seq == 3 and ChainHead.objects.get().hash == third.hash


def test_the_stored_hash_covers_every_field_as_read_back_from_the_database(db):
    entry = record("pii.reveal", target=("estates.resident", 12), ip="::ffff:10.0.0.1",
                   data={"field": "phone", "share": 0.5, "amount": Decimal("1.50"),
                         "ids": {3, 1, 2}, "when": dt.date(2025, 1, 2)})
    stored = AuditEntry.objects.values(*chain.HASHED_FIELDS, "prev_hash", "hash").get(pk=entry.pk)

    assert chain.entry_hash(stored["prev_hash"], stored) == stored["hash"] == entry.hash
    assert stored["ip"] == "10.0.0.1"
    assert stored["data"] == {"field": "phone", "share": "0.5", "amount": "1.50", "ids": [1, 2, 3],
                              "when": "2025-01-02"}
    changed = {**stored, "target_id": "13"}
    assert chain.entry_hash(stored["prev_hash"], changed) != stored["hash"]


def test_an_entry_joins_the_callers_transaction(db):
    record("auth.login")
    with pytest.raises(RuntimeError), transaction.atomic():
        record("config.changed")
        raise RuntimeError("the change failed")

    assert [e.action for e in entries()] == ["auth.login"]
    assert current_head()[0] == 1
    assert record("auth.logout").seq == 2


def test_the_chain_head_is_rebuilt_from_the_table_when_its_row_is_gone(db):
    record("auth.login")
    ChainHead.objects.all().delete()  # as after a flush of that table alone

    assert record("auth.logout").seq == 2
    assert entries()[1].prev_hash == entries()[0].hash


def test_actor_and_address_come_from_the_request(db, agent):
    request = RequestFactory().get("/console/", REMOTE_ADDR="203.0.113.9")
    request.user = agent

    entry = record("export.complaints", request=request)

    assert entry.actor == agent and entry.actor_label == "agent" and entry.ip == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarded_address_is_logged(db, agent, settings):
    settings.ANJU_TRUSTED_PROXIES = 1
    request = RequestFactory().get("/console/", REMOTE_ADDR="10.0.0.2",
                                   HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    request.user = agent

    assert record("export.complaints", request=request).ip == "203.0.113.9"
    settings.ANJU_TRUSTED_PROXIES = 0  # without the setting the header is not believed
    assert record("export.complaints", request=request).ip == "10.0.0.2"


def test_without_a_request_the_actor_is_the_system(db):
    entry = record("retention.applied")
    assert entry.actor is None and entry.actor_label == "system" and entry.ip is None


@pytest.mark.parametrize(("username", "label"), [("13812345678", "138****5678"),
                                                 ("+86 138 1234 5678", "138****5678"),
                                                 ("r13812345678", "r138****5678"),
                                                 ("wang2024", "wang2024")])
def test_mobile_numbers_in_user_names_are_masked(db, django_user_model, username, label):
    user = django_user_model.objects.create_user(username=username)
    assert record("auth.login", actor=user).actor_label == label


@pytest.mark.parametrize("code", ["login", "Auth.Login", "auth login", "auth.", ".x", "a" * 81 + ".b"])
def test_action_codes_must_be_dotted(db, code):
    with pytest.raises(ValueError, match="dotted"):
        record(code)


def test_data_holds_plain_values_not_objects(db, agent):
    with pytest.raises(TypeError, match="ids and codes"):
        record("pii.reveal", data={"user": agent})
    assert entries("pii.reveal") == []
