"""Entries cannot be changed or removed: not through Django, not with SQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from anju.audit.log import record
from anju.audit.models import AppendOnlyError, AuditEntry
from tests.audit.conftest import entries, raw


def test_the_model_refuses_to_change_or_delete_an_entry(db):
    entry = record("auth.login", data={"path": "/console/login/"})
    entry.action = "auth.logout"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="auth.logout")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError, match="record"):
        AuditEntry.objects.bulk_create([AuditEntry(seq=99, action="auth.login")])
    assert entries()[0].action == "auth.login"


def test_the_database_refuses_update_and_delete_from_any_client(db):
    entry = record("auth.login")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET action = %s WHERE seq = %s", ("auth.logout", entry.seq))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry WHERE seq = %s", (entry.seq,))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry")

    assert [(e.seq, e.action) for e in entries()] == [(1, "auth.login")]


@pytest.mark.postgres
def test_postgresql_refuses_truncate_too(db):
    record("auth.login")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("TRUNCATE audit_auditentry")
    assert len(entries()) == 1


def test_deleting_a_user_leaves_their_entries_alone(db, agent):
    record("auth.login", actor=agent)
    agent.delete()

    entry = next(e for e in entries() if e.action == "auth.login")
    assert entry.actor_id is not None and entry.actor_label == "agent"


def test_flush_empties_the_log_and_puts_the_triggers_back(db):
    record("auth.login")

    call_command("flush", interactive=False, verbosity=0)

    assert entries() == []
    record("auth.login")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM audit_auditentry")
