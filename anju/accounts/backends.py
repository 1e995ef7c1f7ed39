"""Password sign-in with the lock-out check in front of it.

Every password sign-in - the console's form, and the admin's, which is sent to the
console - calls ``django.contrib.auth.authenticate``, which asks this backend first.
A locked user name or address is refused before the password is even checked; a wrong
password is counted. Either way the backend raises ``PermissionDenied``, so Django
stops there (the plain ``ModelBackend`` listed after it, kept for sessions it signed
in, does not check the password a second time) and sends ``user_login_failed``.

The lock, if any, is left on the request as ``anju_lock`` for the form to explain.
API keys do not come through here and are not affected.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from anju.accounts import lockout
from anju.lib.client_ip import client_ip

REQUEST_ATTRIBUTE = "anju_lock"


class LockoutBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else None
        try:
            lockout.lockout_check(username=username, ip=ip)
        except lockout.LockedOut as locked:
            self._explain(request, locked.lock)
            raise PermissionDenied from None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            return user
        self._explain(request, lockout.lockout_record_failure(username=username, ip=ip))
        raise PermissionDenied

    @staticmethod
    def _explain(request: HttpRequest | None, lock: lockout.Lock | None) -> None:
        if request is not None and lock is not None:
            setattr(request, REQUEST_ATTRIBUTE, lock)
