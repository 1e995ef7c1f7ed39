"""Signing residents in with their phone number and a one-time code sent by SMS.

``otp_request`` answers the same way whether or not the number belongs to a resident
(it only skips sending), so the form cannot be used to find out who lives here. Codes
are kept as keyed hashes, expire after ``ANJU_OTP_TTL_SECONDS``, are single use, allow
``MAX_ATTEMPTS`` guesses, and only the latest code of a number counts. Requests are
limited per number (one a minute, ``ANJU_OTP_PHONE_PER_HOUR``) and per address
(``ANJU_OTP_IP_PER_HOUR``; callers pass ``anju.lib.client_ip.client_ip``) by counting
recent rows, so no cache is needed and several web workers share the limits.

The codes are ``accounts.OneTimeCode`` rows; the flow lives with the portal, its only
user, because it reaches above the accounts: residents (``estates``), the SMS outbox
(``notify``) and the audit log.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from anju.accounts.models import OneTimeCode, User
from anju.audit import log as audit
from anju.estates.models import Resident
from anju.lib import phones
from anju.lib.errors import InvalidInput
from anju.notify.services import message_enqueue

CODE_DIGITS = 6
MAX_ATTEMPTS = 5
PHONE_GAP = timedelta(seconds=60)
HOUR = timedelta(hours=1)
# Stored for numbers we do not know: no code hashes to it, so verifying always fails.
NEVER_MATCHES = "!"

SMS_TEXT = _("[Anju] Your sign-in code is %(code)s. It is valid for %(minutes)s minutes. "
             "If you did not ask for it, please ignore this message.")


def _code_hash(phone: str, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone does not reveal live codes.
    return salted_hmac("anju.accounts.otp", f"{phone}:{code}", algorithm="sha256").hexdigest()


def _mobile(raw: str) -> str:
    phone = phones.normalise(raw)
    if not phones.is_mobile(phone):
        raise InvalidInput(_("Please enter an 11-digit mobile phone number."),
                           code="phone_invalid", errors={"phone": ["mobile"]})
    return phone


def _check_rate(phone: str, ip: str | None, now: datetime) -> None:
    recent = OneTimeCode.objects.filter(created_at__gt=now - HOUR)
    if recent.matching(phone=phone).filter(created_at__gt=now - PHONE_GAP).exists():
        raise InvalidInput(_("A code was sent a moment ago. Please wait a minute before asking "
                             "for another one."), code="too_many_requests",
                           errors={"phone": ["wait"]})
    if recent.matching(phone=phone).count() >= settings.ANJU_OTP_PHONE_PER_HOUR:
        raise InvalidInput(_("Too many codes were asked for this number. Please try again in "
                             "an hour, or call the service desk."), code="too_many_requests",
                           errors={"phone": ["hourly"]})
    if ip and recent.filter(ip=ip).count() >= settings.ANJU_OTP_IP_PER_HOUR:
        raise InvalidInput(_("Too many sign-in attempts from this network. Please try again "
                             "later."), code="too_many_requests", errors={"phone": ["ip"]})


def otp_request(*, phone: str, ip: str | None, now: datetime | None = None) -> None:
    """Send a sign-in code to ``phone`` if it belongs to a resident.

    Raises ``InvalidInput`` for a number that is not a mobile or when asked too often;
    otherwise returns nothing, known number or not.
    """
    now = now or timezone.now()
    phone = _mobile(phone)
    with transaction.atomic():
        _check_rate(phone, ip, now)
        known = Resident.objects.with_phone(phone).exists()
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        OneTimeCode.objects.create(
            phone=phone, code_hash=_code_hash(phone, code) if known else NEVER_MATCHES,
            created_at=now, expires_at=now + timedelta(seconds=settings.ANJU_OTP_TTL_SECONDS),
            ip=ip or None)
        if known:
            minutes = max(settings.ANJU_OTP_TTL_SECONDS // 60, 1)
            with translation.override("zh-hans"):
                body = str(SMS_TEXT) % {"code": code, "minutes": minutes}
            message_enqueue(channel="sms", recipient=phone, kind="otp", body=body)


def _expired() -> InvalidInput:
    return InvalidInput(_("This code has expired or was already used. Please ask for a new one."),
                        code="code_expired", errors={"code": ["expired"]})


def _refusal(otp: OneTimeCode | None, code: str, now: datetime) -> InvalidInput | None:
    """Why this code does not sign in, or None when it does."""
    if otp is None or otp.used_at is not None or otp.expires_at <= now:
        return _expired()
    if otp.attempts >= MAX_ATTEMPTS:
        return InvalidInput(_("Too many wrong tries. Please ask for a new code."),
                            code="code_locked", errors={"code": ["locked"]})
    if not hmac.compare_digest(_code_hash(otp.phone, code), otp.code_hash):
        return InvalidInput(_("The code is not right. Please check the SMS and try again."),
                            code="code_wrong", errors={"code": ["wrong"]})
    return None


def otp_verify(*, phone: str, code: str, now: datetime | None = None) -> Resident:
    """Check a sign-in code and return the resident it belongs to.

    On success the code is spent, the resident's phone counts as verified and the
    resident has an active sign-in user (created on first sign-in). Every refusal is
    an ``InvalidInput``; a wrong guess still counts against the code.
    """
    now = now or timezone.now()
    phone = _mobile(phone)
    code = (code or "").strip()
    if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
        raise InvalidInput(_("Please enter the 6-digit code from the SMS."),
                           code="code_format", errors={"code": ["format"]})
    with transaction.atomic():
        otp = (OneTimeCode.objects.select_for_update().matching(phone=phone)
               .order_by("-created_at", "-id").first())
        refusal = _refusal(otp, code, now)
        resident = Resident.objects.with_phone(phone).select_related("user").first()
        if resident is None:  # removed since the code was sent
            refusal = refusal or _expired()
        if otp is not None:
            otp.attempts += 1
            otp.used_at = now if refusal is None else otp.used_at
            otp.save(update_fields=["attempts", "used_at"])
        if refusal is None and resident is not None:
            _sign_in_ready(resident, now)
        audit.record("auth.otp_signin" if refusal is None else "auth.otp_failed", target=resident,
                     actor=resident.user if refusal is None and resident else None,
                     data={"reason": refusal.code} if refusal else {})
    # Raised after the block so the counted attempt is committed.
    if refusal is not None or resident is None:
        raise refusal or _expired()
    return resident


def _sign_in_ready(resident: Resident, now: datetime) -> None:
    if resident.user is None:
        resident.user = _new_user(resident)
    elif not resident.user.is_active:
        raise InvalidInput(_("This account has been disabled. Please call the service desk."),
                           code="account_disabled")
    resident.phone_verified_at = now
    resident.save(update_fields=["user", "phone_verified_at"])


def _new_user(resident: Resident) -> User:
    username = f"resident-{resident.pk}"
    try:
        with transaction.atomic():
            # No name: the resident record holds it, encrypted; the user table would not.
            return User.objects.create_user(username=username, password=None)
    except IntegrityError:
        # The name is taken by an account not linked to this resident: never reuse it.
        return User.objects.create_user(username=f"{username}-{secrets.token_hex(3)}",
                                        password=None)
