"""Encrypted columns and blind indexes on the models (anju/privacy/fields.py, queries.py)."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from anju.accounts.models import OneTimeCode
from anju.complaints.models import Channel, Complaint
from anju.estates.models import Resident
from anju.notify.models import Message
from anju.privacy.crypto import DecryptionError, blind_index
from anju.privacy.fields import EncryptedLookupError


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        return cursor.fetchone()[0]


def set_stored(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE id = %s', [value, pk])  # noqa: S608


def test_resident_name_and_phone_are_stored_encrypted_and_read_back(resident):
    assert stored("estates_resident", "name", resident.pk).startswith("v1:t1:")
    assert stored("estates_resident", "phone", resident.pk).startswith("v1:t1:")
    assert "13800001111" not in stored("estates_resident", "phone", resident.pk)
    fresh = Resident.objects.get(pk=resident.pk)
    assert (fresh.name, fresh.phone) == ("张三", "13800001111")
    assert stored("estates_resident", "phone_index", resident.pk) == blind_index("13800001111", "phone")


def test_complainant_fields_are_stored_encrypted(agent, estate_a):
    from anju.complaints.services import complaint_create

    complaint = complaint_create(
        actor=agent, channel=Channel.PHONE, estate=estate_a, description="楼道灯不亮",
        contact_name="路人王先生", contact_phone="139 1234 5678", contact_email="wang@example.com",
        address="东门岗亭旁", people_involved="保安老李").complaint
    for column, plain in (("contact_name", "路人王先生"), ("contact_phone", "13912345678"),
                          ("contact_email", "wang@example.com"), ("address", "东门岗亭旁"),
                          ("people_involved", "保安老李")):
        raw = stored("complaints_complaint", column, complaint.pk)
        assert raw.startswith("v1:t1:") and plain not in raw
        assert getattr(Complaint.objects.get(pk=complaint.pk), column) == plain
    assert complaint.contact_phone_index == blind_index("13912345678", "phone")
    message = Message.objects.get(complaint=complaint)
    assert stored("notify_message", "recipient", message.pk).startswith("v1:t1:")
    assert message.recipient == "13912345678"


def test_sign_in_codes_keep_the_phone_encrypted(client, resident):
    client.post("/portal/signin/", {"phone": "13800001111"})
    otp = OneTimeCode.objects.get()
    assert stored("accounts_onetimecode", "phone", otp.pk).startswith("v1:t1:")
    assert OneTimeCode.objects.matching(phone="138-0000-1111").get() == otp
    assert "13800001111" not in str(otp)


def test_blank_values_stay_blank_so_blank_checks_work(new_complaint):
    complaint = new_complaint()
    assert stored("complaints_complaint", "contact_name", complaint.pk) == ""
    assert stored("complaints_complaint", "contact_phone_index", complaint.pk) is None
    assert Complaint.objects.filter(contact_name="", pk=complaint.pk).exists()
    assert Complaint.objects.exclude(address="").filter(pk=complaint.pk).count() == 0


@pytest.mark.parametrize("lookup", [
    {"name": "张三"}, {"name__contains": "张"}, {"name__icontains": "张"},
    {"phone__in": ["13800001111"]}, {"phone__startswith": "138"}])
def test_lookups_on_ciphertext_are_refused_with_a_clear_error(resident, lookup):
    with pytest.raises(EncryptedLookupError, match="is encrypted at rest"):
        list(Resident.objects.filter(**lookup))


def test_related_lookups_on_ciphertext_are_refused_too(resident):
    with pytest.raises(EncryptedLookupError, match=r"estates\.resident\.phone"):
        Complaint.objects.filter(Q(resident__phone="13800001111")).exists()


def test_an_altered_value_is_an_error_not_plaintext(resident):
    token = stored("estates_resident", "name", resident.pk)
    altered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    set_stored("estates_resident", "name", resident.pk, altered)
    with pytest.raises(DecryptionError, match="authentication failed"):
        Resident.objects.get(pk=resident.pk)
    set_stored("estates_resident", "name", resident.pk, "张三")  # plaintext slipped in by SQL
    with pytest.raises(DecryptionError, match="not an encrypted value"):
        Resident.objects.get(pk=resident.pk)


def test_a_value_under_a_key_not_in_the_ring_is_an_error(resident, settings):
    other = "t9:" + "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk="
    settings.ANJU_DATA_KEYS = other + "," + settings.ANJU_DATA_KEYS
    resident.save()  # now under t9
    settings.ANJU_DATA_KEYS = settings.ANJU_DATA_KEYS.split(",", 1)[1]
    with pytest.raises(DecryptionError, match="key 't9', which is not in the keyring"):
        Resident.objects.get(pk=resident.pk)


def test_the_phone_index_follows_every_kind_of_write(world):
    one = Resident.objects.create(name="甲", phone="13700000001")
    assert Resident.objects.with_phone("137 0000 0001").get() == one

    many = Resident.objects.bulk_create([Resident(name="乙", phone="13700000002"),
                                         Resident(name="丙", phone="13700000003")])
    assert Resident.objects.with_phone("13700000003").get() == many[1]

    Resident.objects.filter(pk=one.pk).update(phone="13700000004")
    assert not Resident.objects.with_phone("13700000001").exists()
    assert Resident.objects.with_phone("13700000004").get() == one

    many[0].phone = "13700000005"
    Resident.objects.bulk_update([many[0]], ["phone"])
    assert Resident.objects.with_phone("13700000005").get() == many[0]

    one.phone = "13700000006"
    one.save(update_fields=["phone"])
    assert Resident.objects.with_phone("13700000006").get() == one
    assert Resident.objects.with_phone("").count() == 0


def test_a_phone_number_belongs_to_one_resident_however_it_is_written(resident):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resident.objects.create(name="冒名", phone="+86 138 0000 1111")


def test_the_id_number_is_encrypted_validated_and_indexed(resident):
    from django.core.exceptions import ValidationError

    resident.id_number = "11010519491231002x"
    resident.full_clean()
    resident.save()
    assert stored("estates_resident", "id_number", resident.pk).startswith("v1:t1:")
    assert Resident.objects.with_id_number("110105 19491231 002X").get() == resident
    resident.id_number = "110105194912310021"  # wrong check character
    with pytest.raises(ValidationError):
        resident.full_clean()


def test_resident_accounts_do_not_copy_the_name(client, resident):
    from anju.portal.otp import otp_verify

    fresh = Resident.objects.create(name="王五", phone="13700003333")
    client.post("/portal/signin/", {"phone": "13700003333"})
    body = next(m for m in Message.objects.filter(kind="otp") if m.recipient == "13700003333").body
    signed_in = otp_verify(phone="13700003333", code=re.search(r"(?<!\d)\d{6}(?!\d)", body).group())
    assert signed_in == fresh and signed_in.user.name == ""
    assert "王五" not in str(signed_in)
