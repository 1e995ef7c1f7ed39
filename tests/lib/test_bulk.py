"""insert_rows: multi-row inserts that skip clashes and say which rows they inserted."""

from __future__ import annotations

import pytest
from django.db import connection

from anju.lib import bulk
from anju.notify.models import Message
from anju.warnings.models import Warning

pytestmark = pytest.mark.django_db


def warning_row(key, **extra):
    return {"kind": "hotspot", "key": key, "reason_code": "x", **extra}


def test_clashing_rows_are_skipped_and_only_the_inserted_ones_come_back(monkeypatch):
    monkeypatch.setitem(bulk.MAX_PARAMS, "sqlite", 40)  # a few rows per statement
    monkeypatch.setattr(bulk, "PG_ROWS", 3)
    first = bulk.insert_rows(Warning, [warning_row("a"), warning_row("b")], conflict="key",
                             returning=("id", "key"))
    assert sorted(key for _pk, key in first) == ["a", "b"]
    again = bulk.insert_rows(Warning, [warning_row(k) for k in "abcdefg"], conflict="key",
                             returning=("id", "key"))
    assert sorted(key for _pk, key in again) == list("cdefg")
    stored = dict(Warning.objects.values_list("key", "pk"))
    assert {key: pk for pk, key in first + again} == stored
    assert Warning.objects.get(key="c").level == 0  # a column the rows leave out: the default


def test_values_are_stored_as_save_would_store_them():
    template = Message(channel=Message.Channel.SMS, recipient="", kind="t", body="")
    bulk.insert_rows(Message, [{"recipient": "13800001111", "body": "你好"}], template=template)
    message = Message.objects.get()
    assert (message.recipient, message.body, message.channel) == ("13800001111", "你好", "sms")
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient FROM notify_message")
        [(raw,)] = cursor.fetchall()
    assert "13800001111" not in str(raw)  # encrypted like a save()


def test_nothing_to_insert_runs_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert_rows(Warning, [], conflict="key", returning=("id",)) == []
