"""Identity: one user table for staff and residents, API tokens and sign-in codes.

A staff member is a user with a ``staff.StaffProfile``; a resident who signs in to the
portal is a user linked from ``estates.Resident``. Roles and reach live with those
profiles; this module only answers "who is this?".
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.privacy.fields import BlindIndexField, EncryptedCharField
from anju.privacy.masks import masked_contact
from anju.privacy.queries import BlindIndexed, BlindIndexQuerySet


class User(AbstractUser):
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.username


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an integration. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it with the raw key, which is not stored anywhere."""
        raw = "anju_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[5:13], key_hash=hash_secret(raw))
        return token, raw


class OneTimeCode(BlindIndexed, models.Model):
    """A sign-in code sent to a resident's phone. Stored hashed, single use, expiring.

    The phone is encrypted at rest; rate limits and lookups use ``phone_index``
    (``OneTimeCode.objects.matching(phone=…)``).
    """

    phone = EncryptedCharField(max_length=20)
    phone_index = BlindIndexField(source="phone", purpose="phone")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who asked for it, so requests can be limited per address (portal.otp).
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    objects = BlindIndexQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [models.Index(fields=["phone_index", "-created_at"], name="otp_phone_recent_idx")]

    def __str__(self) -> str:
        return f"{masked_contact(self.phone)} @ {self.created_at:%Y-%m-%d %H:%M}"


class SignInThrottle(models.Model):
    """Failed sign-ins counted per user name and per address (``accounts.lockout``).

    Kept in the database, not in a per-process cache, so every web worker sees the same
    counts and the same lock.
    """

    class Scope(models.TextChoices):
        USERNAME = "username", _("user name")
        IP = "ip", _("address")

    scope = models.CharField(_("counted by"), max_length=10, choices=Scope.choices)
    key = models.CharField(_("user name or address"), max_length=150)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    window_started_at = models.DateTimeField(_("first failure"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in lock")
        verbose_name_plural = _("sign-in locks")
        constraints = [models.UniqueConstraint(fields=["scope", "key"],
                                               name="accounts_throttle_scope_key")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.key}"


class TwoFactor(models.Model):
    """A staff member's TOTP authenticator (``accounts.two_factor``).

    ``confirmed_at`` is empty while enrolment waits for the first right code.
    ``last_used_step`` is the 30-second step of the last accepted code: a code of that
    step or an earlier one is refused, so a code cannot be replayed.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor",
                                verbose_name=_("user"))
    # The shared secret signs every code: encrypted at rest like personal data (anju.privacy).
    totp_secret = EncryptedCharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("two-factor authenticator")
        verbose_name_plural = _("two-factor authenticators")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A single-use code for signing in without the authenticator. Only a keyed hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes",
                             verbose_name=_("user"))
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"
