"""Residents' SMS sign-in codes expire, work once, and are limited per phone and per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.accounts.models import OneTimeCode
from anju.lib.errors import InvalidInput
from anju.portal.otp import otp_request, otp_verify
from tests.portal.test_signin import sent_code
from tests.security_signin.conftest import text

SIGNIN = reverse("portal:signin")
CODE = reverse("portal:signin_code")


def test_an_expired_code_is_refused(resident, settings):
    start = timezone.now()
    otp_request(phone=resident.phone, ip="203.0.113.1", now=start)
    late = start + timedelta(seconds=settings.ANJU_OTP_TTL_SECONDS)
    with pytest.raises(InvalidInput) as refused:
        otp_verify(phone=resident.phone, code=sent_code(), now=late)
    assert refused.value.code == "code_expired"
    assert "expired" in str(refused.value)
    # A moment earlier the same code worked.
    otp_request(phone=resident.phone, ip="203.0.113.1", now=late + timedelta(minutes=2))
    assert otp_verify(phone=resident.phone, code=sent_code(),
                      now=late + timedelta(minutes=2, seconds=10)) == resident


def test_a_used_code_is_refused(client, resident):
    client.post(SIGNIN, {"phone": resident.phone})
    code = sent_code()
    assert client.post(CODE, {"code": code}).status_code == 302
    with pytest.raises(InvalidInput) as refused:
        otp_verify(phone=resident.phone, code=code)
    assert refused.value.code == "code_expired" and "already used" in str(refused.value)


def test_the_sixth_request_for_a_phone_in_an_hour_is_refused(client, resident, settings):
    start = timezone.now()
    for minute in range(settings.ANJU_OTP_PHONE_PER_HOUR):
        otp_request(phone=resident.phone, ip=None, now=start - timedelta(minutes=50 - minute * 2))
    response = client.post(SIGNIN, {"phone": resident.phone})
    assert response.status_code == 422
    assert "Too many codes were asked for this number" in text(response)
    assert OneTimeCode.objects.count() == settings.ANJU_OTP_PHONE_PER_HOUR


def test_the_limit_per_phone_is_a_setting(resident, settings):
    settings.ANJU_OTP_PHONE_PER_HOUR = 2
    start = timezone.now()
    otp_request(phone=resident.phone, ip=None, now=start)
    otp_request(phone=resident.phone, ip=None, now=start + timedelta(minutes=2))
    with pytest.raises(InvalidInput) as refused:
        otp_request(phone=resident.phone, ip=None, now=start + timedelta(minutes=4))
    assert refused.value.errors == {"phone": ["hourly"]}


def test_the_request_over_the_limit_per_address_is_refused(client, world, settings):
    settings.ANJU_OTP_IP_PER_HOUR = 3
    for n in range(3):
        assert client.post(SIGNIN, {"phone": f"1370000{n:04d}"},
                           REMOTE_ADDR="198.51.100.20").status_code == 302
    response = client.post(SIGNIN, {"phone": "13711112222"}, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 422
    assert "Too many sign-in attempts from this network" in text(response)
    assert client.post(SIGNIN, {"phone": "13711112222"},
                       REMOTE_ADDR="198.51.100.21").status_code == 302


def test_the_address_behind_a_trusted_proxy_is_the_one_limited(client, world, settings):
    settings.ANJU_OTP_IP_PER_HOUR = 2
    settings.ANJU_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(2):
        client.post(SIGNIN, {"phone": f"1370000{n:04d}"}, HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)
    refused = client.post(SIGNIN, {"phone": "13700009999"}, HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)
    assert "from this network" in text(refused)
    # Another resident behind the same proxy is not limited with them.
    other = client.post(SIGNIN, {"phone": "13700009999"}, HTTP_X_FORWARDED_FOR="203.0.113.51", **proxy)
    assert other.status_code == 302
    assert set(OneTimeCode.objects.values_list("ip", flat=True)) == {"203.0.113.50", "203.0.113.51"}
