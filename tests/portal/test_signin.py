"""Signing in with a phone number and a code from the SMS."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import OneTimeCode
from anju.estates.models import Resident
from anju.lib.errors import InvalidInput
from anju.notify.models import Message
from anju.portal.otp import otp_request, otp_verify

IP = "203.0.113.7"
# Six digits on their own; not \b, which fails next to Chinese characters.
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def sent_code(phone: str = "13800001111") -> str:
    # Recipients are encrypted: compared in Python, not in the query.
    sent = [m for m in Message.objects.filter(kind="otp").order_by("-created_at") if m.recipient == phone]
    body = sent[0].body
    return CODE.search(body).group(1)


def test_a_resident_signs_in_with_the_code_from_the_sms(client, resident):
    response = client.post(reverse("portal:signin"), {"phone": "138 0000 1111"})
    assert response.status_code == 302
    assert response.url == reverse("portal:signin_code")
    message = Message.objects.get(kind="otp")
    assert message.channel == "sms" and message.recipient == "13800001111"

    response = client.post(reverse("portal:signin_code"), {"code": sent_code()})

    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).context["user"] == resident.user
    resident.refresh_from_db()
    assert resident.phone_verified_at is not None


def test_the_typed_number_waits_in_the_session_encrypted(client, resident):
    from django.contrib.sessions.models import Session

    client.post(reverse("portal:signin"), {"phone": "138 0000 1111"})
    stored = b"".join(row.session_data.encode() for row in Session.objects.all())
    decoded = [Session.objects.get(pk=row.pk).get_decoded() for row in Session.objects.all()]
    assert b"13800001111" not in stored and "13800001111" not in str(decoded)
    # The second screen still knows the number (masked on the page).
    assert "138****1111" in client.get(reverse("portal:signin_code")).content.decode()


def test_only_a_hash_of_the_code_is_stored(client, resident):
    client.post(reverse("portal:signin"), {"phone": "13800001111"})
    stored = OneTimeCode.objects.get()
    assert sent_code() not in stored.code_hash
    assert stored.ip == "127.0.0.1"
    assert stored.expires_at == stored.created_at + timedelta(seconds=settings.ANJU_OTP_TTL_SECONDS)


def test_signing_in_returns_to_the_page_the_resident_asked_for(client, resident, new_complaint):
    complaint = new_complaint()
    wanted = reverse("portal:detail", args=[complaint.number])
    response = client.get(wanted)
    assert response.status_code == 302 and response.url.startswith(reverse("portal:signin"))

    client.post(response.url, {"phone": "13800001111", "next": wanted})
    response = client.post(reverse("portal:signin_code"), {"code": sent_code()})
    assert response.url == wanted


def test_it_never_redirects_to_another_site_after_sign_in(client, resident):
    client.post(reverse("portal:signin"), {"phone": "13800001111", "next": "https://evil.example/"})
    response = client.post(reverse("portal:signin_code"), {"code": sent_code()})
    assert response.url == reverse("portal:home")


def test_the_first_sign_in_creates_the_residents_account(client, world):
    resident = Resident.objects.create(name="王五", phone="13700003333")
    otp_request(phone="13700003333", ip=IP)
    signed_in = otp_verify(phone="13700003333", code=sent_code("13700003333"))
    assert signed_in == resident
    resident.refresh_from_db()
    assert resident.user.username == f"resident-{resident.pk}"
    assert not resident.user.has_usable_password()


def test_a_wrong_code_is_refused_and_nobody_is_signed_in(client, resident):
    client.post(reverse("portal:signin"), {"phone": "13800001111"})
    wrong = "000000" if sent_code() != "000000" else "111111"

    response = client.post(reverse("portal:signin_code"), {"code": wrong})

    assert response.status_code == 422
    assert "The code is not right" in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert OneTimeCode.objects.get().attempts == 1


def test_a_code_locks_after_five_wrong_tries(resident):
    otp_request(phone=resident.phone, ip=IP)
    code = sent_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(InvalidInput) as error:
            otp_verify(phone=resident.phone, code=wrong)
        assert error.value.code == "code_wrong"
    with pytest.raises(InvalidInput) as error:
        otp_verify(phone=resident.phone, code=code)
    assert error.value.code == "code_locked"


def test_an_expired_code_is_refused(resident):
    start = timezone.now()
    otp_request(phone=resident.phone, ip=IP, now=start)
    later = start + timedelta(seconds=settings.ANJU_OTP_TTL_SECONDS + 1)
    with pytest.raises(InvalidInput) as error:
        otp_verify(phone=resident.phone, code=sent_code(), now=later)
    assert error.value.code == "code_expired"


def test_a_code_works_only_once(resident):
    otp_request(phone=resident.phone, ip=IP)
    code = sent_code()
    assert otp_verify(phone=resident.phone, code=code) == resident
    with pytest.raises(InvalidInput) as error:
        otp_verify(phone=resident.phone, code=code)
    assert error.value.code == "code_expired"


def test_only_the_latest_code_counts(resident):
    start = timezone.now()
    otp_request(phone=resident.phone, ip=IP, now=start)
    first = sent_code()
    otp_request(phone=resident.phone, ip=IP, now=start + timedelta(seconds=61))
    second = Message.objects.filter(kind="otp").order_by("-id").first().body
    latest = CODE.search(second).group(1)
    if first != latest:
        with pytest.raises(InvalidInput):
            otp_verify(phone=resident.phone, code=first, now=start + timedelta(seconds=62))
    assert otp_verify(phone=resident.phone, code=latest, now=start + timedelta(seconds=63)) == resident


def test_codes_are_limited_to_one_a_minute_and_five_an_hour_per_phone(resident):
    start = timezone.now()
    otp_request(phone=resident.phone, ip=IP, now=start)
    with pytest.raises(InvalidInput) as error:
        otp_request(phone=resident.phone, ip=IP, now=start + timedelta(seconds=30))
    assert error.value.code == "too_many_requests"

    for minute in range(1, 5):
        otp_request(phone=resident.phone, ip=IP, now=start + timedelta(minutes=minute))
    with pytest.raises(InvalidInput) as error:
        otp_request(phone=resident.phone, ip=IP, now=start + timedelta(minutes=10))
    assert error.value.errors == {"phone": ["hourly"]}
    otp_request(phone=resident.phone, ip=IP, now=start + timedelta(minutes=61))
    assert Message.objects.filter(kind="otp").count() == 6


def test_codes_are_limited_to_twenty_an_hour_per_address(world):
    start = timezone.now()
    for n in range(20):
        otp_request(phone=f"1360000{n:04d}", ip=IP, now=start)
    with pytest.raises(InvalidInput) as error:
        otp_request(phone="13611112222", ip=IP, now=start)
    assert error.value.errors == {"phone": ["ip"]}
    otp_request(phone="13611112222", ip="198.51.100.1", now=start)


def test_the_rate_limit_is_shown_on_the_sign_in_page(client, resident):
    client.post(reverse("portal:signin"), {"phone": "13800001111"})
    response = client.post(reverse("portal:signin"), {"phone": "13800001111"})
    assert response.status_code == 422
    assert "Please wait a minute" in response.content.decode()


def test_an_unknown_phone_gets_the_same_answer_but_no_message(client, resident):
    known = client.post(reverse("portal:signin"), {"phone": "13800001111"})
    known_page = client.get(known.url).content.decode().replace("138****1111", "PHONE")
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout() drops every cookie

    unknown = client.post(reverse("portal:signin"), {"phone": "13912345678"})
    unknown_page = client.get(unknown.url).content.decode().replace("139****5678", "PHONE")

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="\d{11}"')
    assert strip.sub("", unknown_page) == strip.sub("", known_page)
    assert "13912345678" not in [m.recipient for m in Message.objects.all()]
    with pytest.raises(InvalidInput):
        otp_verify(phone="13912345678", code="123456")


def test_a_landline_or_garbage_is_not_a_mobile_number(client, resident):
    response = client.post(reverse("portal:signin"), {"phone": "010-12345678"})
    assert response.status_code == 422
    assert "11-digit mobile" in response.content.decode()
    response = client.post(reverse("portal:signin_code"), {"code": "12"})
    assert response.status_code == 302  # no number yet: back to screen one


def test_a_malformed_code_is_a_clear_message(client, resident):
    client.post(reverse("portal:signin"), {"phone": "13800001111"})
    response = client.post(reverse("portal:signin_code"), {"code": "12ab"})
    assert response.status_code == 422
    assert "6-digit code" in response.content.decode()


def test_a_disabled_account_cannot_sign_in(resident):
    resident.user.is_active = False
    resident.user.save()
    otp_request(phone=resident.phone, ip=IP)
    with pytest.raises(InvalidInput) as error:
        otp_verify(phone=resident.phone, code=sent_code())
    assert error.value.code == "account_disabled"


def test_signing_out_ends_the_session(resident_client):
    response = resident_client.post(reverse("portal:signout"))
    assert response.url == reverse("portal:signin")
    assert resident_client.get(reverse("portal:home")).status_code == 302
