"""TOTP two-factor authentication for staff, with single-use recovery codes.

A staff member enrols by scanning a QR code (or typing the key) into an authenticator
app and confirming with one code; eight recovery codes are then shown once and kept
only as keyed hashes. Enrolment is required for administrators, the quality
department and superusers (``anju.security.two_factor_gate.two_factor_required``, from
``anju.staff.policy``). Enrolments, resets and spent recovery codes are announced
(``accounts.signals``) for the audit log.

Codes are checked for the current 30-second step and one step either side (clock
drift). A code whose step is not later than the last accepted one is refused, so a
code seen over someone's shoulder cannot be used again; the step is moved forward with
a compare-and-set update, so two requests racing with the same code cannot both pass.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Any

import pyotp
import segno
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from anju.accounts import signals
from anju.accounts.models import RecoveryCode, TwoFactor, User
from anju.lib.errors import InvalidInput

ISSUER = "安居 Anju"
STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 8
# No 0/O or 1/I/L: codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 10


def is_enrolled(user: Any) -> bool:
    return TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists()


def two_factor_start(*, user: User) -> TwoFactor:
    """The authenticator waiting for confirmation, with a new key unless one is waiting.

    Raises ``InvalidInput`` when the user has already enrolled: a new authenticator
    replaces the old one only after an administrator resets it.
    """
    with transaction.atomic():
        device, _created = TwoFactor.objects.select_for_update().get_or_create(
            user=user, defaults={"totp_secret": pyotp.random_base32()})
        if device.confirmed_at is not None:
            raise InvalidInput(_("Two-factor sign-in is already set up for this account."),
                               code="two_factor_enrolled")
    return device


def provisioning_uri(device: TwoFactor) -> str:
    return pyotp.TOTP(device.totp_secret).provisioning_uri(name=device.user.username,
                                                           issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The ``otpauth://`` link as a QR code: an SVG in a ``data:`` URL, drawn here
    (no image service sees the key), for an ``<img>`` the CSP allows."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2, light="#fff"))


def two_factor_confirm(*, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Finish enrolment with the first right code; return the recovery codes (shown once)."""
    now = now or timezone.now()
    with transaction.atomic():
        device = TwoFactor.objects.select_for_update().filter(user=user).first()
        if device is None or device.confirmed_at is not None:
            raise InvalidInput(_("Start setting up two-factor sign-in again."),
                               code="two_factor_not_started")
        step = _matching_step(device, code, now)
        if step is None:
            raise _wrong_code()
        device.confirmed_at, device.last_used_step = now, step
        device.save(update_fields=["confirmed_at", "last_used_step"])
        codes = _new_recovery_codes(user)
        signals.two_factor_enrolled.send(sender=TwoFactor, user=user)
    return codes


def two_factor_verify(*, user: User, code: str, now: datetime | None = None) -> str:
    """Check the second factor at sign-in: an authenticator code or a recovery code.

    Returns ``"totp"`` or ``"recovery"``; raises ``InvalidInput`` for a wrong, reused
    or malformed code. Spends the code it accepts.
    """
    now = now or timezone.now()
    device = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        raise InvalidInput(_("Two-factor sign-in is not set up for this account."),
                           code="two_factor_missing")
    cleaned = _normalised(code)
    if len(cleaned) == 6 and cleaned.isdigit():
        step = _matching_step(device, cleaned, now)
        # Compare-and-set: only one request may move the step forward.
        if step is not None and TwoFactor.objects.filter(
                pk=device.pk, last_used_step__lt=step).update(last_used_step=step):
            return "totp"
        raise _wrong_code()
    spent = RecoveryCode.objects.filter(user=user, code_hash=_recovery_hash(user, cleaned),
                                        used_at__isnull=True).update(used_at=now)
    if not spent:
        raise _wrong_code()
    signals.recovery_code_used.send(sender=RecoveryCode, user=user, left=recovery_codes_left(user))
    return "recovery"


def two_factor_reset(*, user: User, actor: Any) -> None:
    """Remove the user's authenticator and recovery codes; they enrol again at next sign-in."""
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        signals.two_factor_reset.send(sender=TwoFactor, user=user, actor=actor)


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _normalised(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").upper()[:32]


def _matching_step(device: TwoFactor, code: str, now: datetime) -> int | None:
    code = _normalised(code)
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(device.totp_secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > device.last_used_step and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _wrong_code() -> InvalidInput:
    return InvalidInput(_("The code is not right, or it was already used. Enter the current "
                          "code from your authenticator app, or a recovery code."),
                        code="two_factor_wrong", errors={"code": ["wrong"]})


def _recovery_hash(user: User, code: str) -> str:
    # Keyed with SECRET_KEY, like the SMS codes: a copy of the table alone is not enough.
    return salted_hmac("anju.accounts.recovery", f"{user.pk}:{code}",
                       algorithm="sha256").hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_hash(user, code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]
