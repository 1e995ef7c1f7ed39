"""The staff password rule Django's own validators do not cover: letters and digits.

Listed in ``AUTH_PASSWORD_VALIDATORS`` after the length, common-password, all-digits
and similarity checks, so it applies wherever Django validates a password: the
console's "change password" page, the admin's password forms and ``changepassword``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LettersAndDigitsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(_("This password must contain both letters and digits."),
                                  code="password_letters_and_digits")

    def get_help_text(self) -> str:
        return _("Your password must contain both letters and digits.")
