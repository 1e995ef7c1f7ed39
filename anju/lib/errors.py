"""The one application error type, and its kinds.

Services raise these; the console, portal and API translate them to a message and an
HTTP status in one place each (``anju.console.errors``, ``anju.api.errors``). Messages
are lazy translations, so they render in the language of whoever reads them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    http_status = 400
    default_message: Any = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, code: str | None = None, **params: Any) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.params = params
        super().__init__(str(self.message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 422
    default_message = _("Some of the information is missing or not valid.")

    def __init__(self, message: Any = None, *, errors: dict[str, list[str]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.errors = errors or {}


class NotFound(DomainError):
    code = "not_found"
    http_status = 404
    default_message = _("Not found, or you do not have access to it.")


class NotAllowed(DomainError):
    code = "forbidden"
    http_status = 403
    default_message = _("You are not allowed to do this.")


class IllegalTransition(DomainError):
    code = "illegal_transition"
    http_status = 409
    default_message = _("This action is not possible while the complaint is “%(status)s”.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _(
        "Someone else changed this complaint a moment ago. Reload it to see the latest state, "
        "then try again; nothing you entered was saved."
    )
