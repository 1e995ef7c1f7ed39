"""``anju keys status|rotate|reindex`` (anju/privacy/rotation.py)."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command
from django.db import connection

from anju.complaints.models import Complaint
from anju.estates.models import Resident
from anju.notify.models import Message
from anju.privacy import rotation
from anju.privacy.crypto import DecryptionError

NEW = "t2:" + base64.b64encode(b"anju tests: the next data key..!").decode()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


def keys(command: str, **options) -> str:
    out = io.StringIO()
    call_command("keys", command, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def data(new_complaint, other_resident, agent):
    complaint = new_complaint(contact_name="", address="3栋楼下", people_involved="快递员")
    return {"resident": complaint.resident, "other": other_resident, "complaint": complaint}


def test_old_data_stays_readable_while_the_new_key_writes(data, settings):
    settings.ANJU_DATA_KEYS = f"{NEW},{settings.ANJU_DATA_KEYS}"
    resident = Resident.objects.get(pk=data["resident"].pk)
    assert resident.name == "张三" and raw("estates_resident", "name", resident.pk).startswith("v1:t1:")
    resident.save()
    assert raw("estates_resident", "name", resident.pk).startswith("v1:t2:")
    assert Resident.objects.get(pk=data["other"].pk).name == "李四"  # still under t1


def test_rotate_re_encrypts_every_column_and_reports_counts(data, settings):
    settings.ANJU_DATA_KEYS = f"{NEW},{settings.ANJU_DATA_KEYS}"
    before = keys("status")
    assert "estates.resident.name: t1: 2" in before and "run `anju keys rotate`" in before

    out = keys("rotate", batch_size=1)
    assert "estates.Resident: 2 rows re-encrypted" in out
    assert "complaints.Complaint: 1 rows re-encrypted" in out
    assert f"notify.Message: {Message.objects.count()} rows re-encrypted" in out

    after = rotation.key_counts()
    for column, counts in after.items():
        assert set(counts) <= {"t2", rotation.EMPTY}, (column, counts)
    assert after["complaints.complaint.address"]["t2"] == 1
    assert "Every value is under the current key." in keys("status")
    assert "Done: 0 rows" in keys("rotate")  # nothing left: rows under t2 are skipped

    settings.ANJU_DATA_KEYS = NEW  # the old key can go now
    assert Resident.objects.get(pk=data["resident"].pk).phone == "13800001111"
    complaint = Complaint.objects.get(pk=data["complaint"].pk)
    assert (complaint.address, complaint.people_involved) == ("3栋楼下", "快递员")
    assert Resident.objects.with_phone("13800001111").get().pk == data["resident"].pk


def test_without_the_old_key_unrotated_rows_are_an_error(data, settings):
    settings.ANJU_DATA_KEYS = NEW
    with pytest.raises(DecryptionError, match="key 't1'"):
        Resident.objects.get(pk=data["resident"].pk)


def test_a_row_changed_during_rotation_is_not_overwritten(data, settings):
    settings.ANJU_DATA_KEYS = f"{NEW},{settings.ANJU_DATA_KEYS}"
    resident = data["resident"]
    fields = rotation.encrypted_fields(Resident)
    row = (resident.pk, *(raw("estates_resident", f.name, resident.pk) for f in fields))
    Resident.objects.filter(pk=resident.pk).update(name="张三丰")  # the site writes meanwhile
    assert rotation._rewrite(Resident, fields, row, "v1:t2:") is False
    assert Resident.objects.get(pk=resident.pk).name == "张三丰"


def test_an_interrupted_rotation_is_resumed_by_the_next_run(data, settings):
    settings.ANJU_DATA_KEYS = f"{NEW},{settings.ANJU_DATA_KEYS}"

    class Stop(Exception):
        pass

    def stop_after_first_batch(label, done):
        raise Stop

    with pytest.raises(Stop):
        rotation.rotate(batch_size=1, progress=stop_after_first_batch)
    counts = rotation.key_counts()
    assert sum(c["t2"] for c in counts.values()) > 0
    assert sum(c["t1"] for c in counts.values()) > 0
    rotation.rotate()
    assert all(c["t1"] == 0 for c in rotation.key_counts().values())


def test_reindex_after_a_new_index_key(data, settings):
    settings.ANJU_INDEX_KEY = base64.b64encode(b"anju tests: a new index key....!").decode()
    assert not Resident.objects.with_phone("13800001111").exists()
    out = keys("reindex")
    assert "estates.Resident: 2 rows re-indexed" in out
    assert Resident.objects.with_phone("13800001111").get().pk == data["resident"].pk
    assert Complaint.objects.matching(contact_phone="").count() == 0


def test_keys_generate_prints_a_usable_line(settings):
    line = keys("generate", key_id="k3").strip()
    settings.ANJU_DATA_KEYS = line
    from anju.privacy.keys import keyring

    assert keyring().current_id == "k3"
