"""Domain errors as the console shows them: one message, one status, attached to a form.

Every console view that calls a service hands a ``DomainError`` to this module, so the
wording and the HTTP status of a refusal are decided in one place.
"""

from __future__ import annotations

from django import forms

from anju.lib.errors import Conflict, DomainError, InvalidInput

# Upload problems are reported by the upload checker without a field name; the console
# shows them under the form's file input.
UPLOAD_CODES = frozenset({"file_too_large", "file_empty", "file_type", "too_many_files",
                          "file_unreadable", "image_too_large"})


def message_for(err: DomainError) -> str:
    """The message in the reader's language (DomainError messages are lazy translations)."""
    return str(err)


def status_for(err: DomainError) -> int:
    return err.http_status


def is_conflict(err: DomainError) -> bool:
    return isinstance(err, Conflict)


def add_to_form(form: forms.Form, err: DomainError) -> None:
    """Show the error beside the field it is about, or above the form."""
    form.add_error(_field_for(form, err), message_for(err))


def _field_for(form: forms.Form, err: DomainError) -> str | None:
    if err.code in UPLOAD_CODES:
        for name, field in form.fields.items():
            if isinstance(field, forms.FileField):
                return name
    if isinstance(err, InvalidInput):
        for name in err.errors:
            if name in form.fields and not form.fields[name].widget.is_hidden:
                return name
    return None
