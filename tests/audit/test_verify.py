"""``anju audit verify`` and ``anju audit head``: the first problem, with its entry number.

Each tampering test first lets the triggers refuse the change, then drops them (the
``attacker`` fixture) to act as someone with full access to the database.
"""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError
from django.db import IntegrityError, transaction

from anju.audit import chain
from anju.audit.log import record
from anju.audit.models import ChainHead
from anju.audit.verify import verify
from tests.audit.conftest import entries, raw, run_audit


@pytest.fixture
def log(db):
    """Five entries, seq 1-5."""
    return [record("config.changed", target=("staff.department", n), data={"n": n}) for n in range(1, 6)]


def problem_of(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        run_audit("verify", *args)
    assert failure.value.returncode == 1
    return str(failure.value)


def rehash(seq: int, prev_hash: str, fields: dict) -> str:
    return chain.entry_hash(prev_hash, fields)


def test_an_intact_log_verifies_with_its_count_and_head(log):
    out = run_audit("verify")
    assert out == f"OK: 5 entries verified; head 5:{log[-1].hash}"
    assert run_audit("head") == f"5:{log[-1].hash}"
    assert run_audit("verify", "--expect-head", f"3:{log[2].hash}", "--batch-size", "2").startswith("OK: 5")


def test_an_empty_log_verifies(db):
    assert run_audit("verify") == f"OK: 0 entries verified; head 0:{chain.GENESIS}"
    assert run_audit("head") == f"0:{chain.GENESIS}"


def test_an_altered_entry_is_reported_with_its_number(log, attacker):
    attacker("UPDATE audit_auditentry SET data = %s WHERE seq = 3", (json.dumps({"n": 99}),))

    assert "ALTERED at entry 3" in problem_of()
    report = verify(batch_size=2)
    assert (report.problem.kind, report.problem.seq, report.count) == ("altered", 3, 2)


def test_the_trigger_refuses_the_alteration_before_it_is_dropped(log):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditentry SET data = %s WHERE seq = 3", (json.dumps({"n": 99}),))
    assert run_audit("verify").startswith("OK: 5")


def test_a_deleted_entry_is_reported_as_the_gap(log, attacker):
    attacker("DELETE FROM audit_auditentry WHERE seq = 2")
    assert "DELETED at entry 2" in problem_of()


def test_several_deleted_entries_are_reported_from_the_first(log, attacker):
    attacker("DELETE FROM audit_auditentry WHERE seq IN (2, 3)")
    message = problem_of()
    assert "DELETED at entry 2" in message and "entry 2-3 is missing" in message


def test_an_entry_inserted_in_the_middle_is_reported(log, attacker):
    # Make room at 3 by moving 3-5 up, then insert a well-formed entry linked to 2.
    for seq in (5, 4, 3):
        attacker("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", (seq + 1, seq))
    forged = {"seq": 3, "created_at": log[1].created_at, "actor_id": None, "actor_label": "system",
              "action": "config.changed", "target_type": "", "target_id": "", "ip": None, "data": {}}
    attacker("INSERT INTO audit_auditentry (seq, created_at, actor_label, action, target_type, "
             "target_id, data, prev_hash, hash) VALUES (%s, %s, %s, %s, '', '', '{}', %s, %s)",
             (3, log[1].created_at, "system", "config.changed", log[1].hash,
              chain.entry_hash(log[1].hash, forged)))

    assert "INSERTED at entry 4" in problem_of()  # the old entry 3 no longer links


def test_an_entry_appended_with_a_wrong_link_is_reported(log, attacker):
    attacker("INSERT INTO audit_auditentry (seq, created_at, actor_label, action, target_type, "
             "target_id, data, prev_hash, hash) VALUES (6, %s, '', 'auth.login', '', '', '{}', %s, %s)",
             (log[0].created_at, chain.GENESIS, "f" * 64))
    assert "INSERTED at entry 6" in problem_of()


def test_an_entry_numbered_before_the_first_is_reported(log, attacker):
    attacker("INSERT INTO audit_auditentry (seq, created_at, actor_label, action, target_type, "
             "target_id, data, prev_hash, hash) VALUES (0, %s, '', 'auth.login', '', '', '{}', %s, %s)",
             (log[0].created_at, chain.GENESIS, "f" * 64))
    assert "INSERTED at entry 0" in problem_of()


def test_entries_deleted_from_the_end_are_caught_by_the_chain_head(log, attacker):
    attacker("DELETE FROM audit_auditentry WHERE seq >= 4")
    message = problem_of()
    assert "TRUNCATED at entry 4" in message and "records entry 5" in message


def test_a_rewritten_tail_is_caught_by_the_head_noted_earlier(log, attacker):
    noted = run_audit("head")
    # Delete the last two and make the head row agree: the chain alone now looks fine.
    attacker("DELETE FROM audit_auditentry WHERE seq >= 4")
    ChainHead.objects.update(seq=3, hash=log[2].hash)
    assert run_audit("verify").startswith("OK: 3 entries")

    message = problem_of("--expect-head", noted)
    assert "TRUNCATED at entry 4" in message and "noted earlier is entry 5" in message


def test_a_rewritten_entry_with_a_fresh_hash_is_caught_by_the_noted_head(log, attacker):
    noted = f"5:{log[-1].hash}"
    # Rewrite entry 5 completely, with a valid hash, and fix the head row too.
    row = entries()[-1]
    fields = {name: getattr(row, name) for name in chain.HASHED_FIELDS} | {"data": {"n": 0}}
    new_hash = chain.entry_hash(row.prev_hash, fields)
    attacker("UPDATE audit_auditentry SET data = %s, hash = %s WHERE seq = 5",
             (json.dumps({"n": 0}), new_hash))
    ChainHead.objects.update(hash=new_hash)
    assert run_audit("verify").startswith("OK: 5 entries")

    assert "ALTERED at entry 5" in problem_of("--expect-head", noted)


def test_a_changed_chain_head_row_is_reported(log):
    ChainHead.objects.update(hash="e" * 64)
    assert "ALTERED at entry 5" in problem_of()
    ChainHead.objects.all().delete()
    assert "HEAD at entry 5" in problem_of()


def test_entries_written_around_the_log_past_its_head_are_reported(log):
    ChainHead.objects.update(seq=3, hash=log[2].hash)
    assert "INSERTED at entry 4" in problem_of()


@pytest.mark.parametrize("value", ["5", "x:y", "5:" + "g" * 64, "-1:" + "0" * 64])
def test_a_malformed_expected_head_is_a_clear_error(log, value):
    with pytest.raises(CommandError, match="SEQ:HASH"):
        run_audit("verify", f"--expect-head={value}")
