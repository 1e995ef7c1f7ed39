"""Model fields for personal data: encrypted at rest, found through blind indexes.

``EncryptedCharField`` / ``EncryptedTextField`` / ``EncryptedEmailField`` hold plaintext
in Python and a token (``crypto``) in the database; the empty string stays empty, so
blank checks and ``filter(field="")`` keep working. Any other lookup is refused with a
``FieldError``: a query on ciphertext would silently match nothing. ``max_length`` limits
the plaintext; the column itself is ``text``.

``BlindIndexField(source=…, purpose=…)`` holds the keyed hash of another field's
normalised value, so ``filter(phone_index=crypto.blind_index(number, "phone"))``
finds a row by phone. It is derived on ``save()`` and ``bulk_create()``; for
``update()``, ``bulk_update()`` and ``save(update_fields=…)`` use the query set and
model mixin in ``anju.privacy.queries``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from anju.privacy import crypto


class EncryptedLookupError(FieldError):
    pass


class EmptyOnlyExact(Exact):
    """``field=""`` works (blank values are stored blank), and ``field=None`` (IS NULL);
    any other value is refused."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        if not (rhs is None or (isinstance(rhs, str) and rhs == "")):
            raise EncryptedLookupError(_refusal(lhs.output_field, "exact"))
        super().__init__(lhs, rhs)


def _refusal(field: Any, lookup: str) -> str:
    return (f"{getattr(field, 'purpose', field)} is encrypted at rest: a '{lookup}' lookup on it "
            f"cannot match. Look it up through its blind index (anju.privacy), or filter on "
            f"other columns and compare in Python.")


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back."""

    purpose = ""

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)  # type: ignore[misc]
        # Bound into the ciphertext: a token copied to another column will not decrypt.
        self.purpose = f"{cls._meta.label_lower}.{name}"

    def db_type(self, connection: Any) -> str:
        return connection.data_types["TextField"]

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), self.purpose)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, self.purpose)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        raise EncryptedLookupError(_refusal(self, lookup_name))


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedEmailField(EncryptedCharField):
    default_validators = [validators.validate_email]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(*args, **kwargs)

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(form_class=form_class or forms.EmailField,
                                 choices_form_class=choices_form_class, **kwargs)


class BlindIndexField(models.CharField):
    """The keyed hash of ``source`` normalised for ``purpose``; NULL when it is blank."""

    def __init__(self, *args: Any, source: str, purpose: str, **kwargs: Any) -> None:
        self.source, self.index_purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.index_purpose)
        for key, default in (("max_length", 64), ("null", True), ("blank", True)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def digest(self, value: str) -> str | None:
        return crypto.blind_index(value or "", self.index_purpose) or None

    def derive(self, instance: Any) -> str | None:
        return self.digest(getattr(instance, self.source))

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        value = self.derive(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def index_fields(model: Any) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypted_fields(model: Any) -> list[Any]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
