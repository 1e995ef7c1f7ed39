"""Data migrations that encrypt existing rows when a column becomes encrypted.

Each encrypting migration has three steps, so that no step reads ciphertext through a
plain field or plaintext through an encrypted one:

1. ``AlterField`` the columns to plain ``TextField`` (room for the longer tokens);
2. ``encrypt_columns(...)``: encrypt every value in place and fill the blind indexes;
3. ``AlterField`` the columns to their encrypted field types.

Reversed, step 2 decrypts. Values that are already tokens are left alone, so a step
interrupted half-way can be run again.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from anju.privacy import crypto

BATCH = 500


def _purpose(model: Any, field: str) -> str:
    # The same label EncryptedMixin binds into the tokens: "<app>.<model>.<field>".
    return f"{model._meta.label_lower}.{field}"


def _rows(model: Any, columns: list[str]) -> Any:
    return model._base_manager.order_by("pk").only("pk", *columns).iterator(chunk_size=BATCH)


def _encrypt(app_label: str, model_name: str, fields: list[str],
             indexes: dict[str, tuple[str, str]]) -> Any:
    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        changed = []
        for row in _rows(model, fields):
            for index, (source, purpose) in indexes.items():
                plain = getattr(row, source)
                if not crypto.is_token(plain):
                    setattr(row, index, crypto.blind_index(plain or "", purpose) or None)
            for field in fields:
                value = getattr(row, field)
                if value and not crypto.is_token(value):
                    setattr(row, field, crypto.encrypt(value, _purpose(model, field)))
            changed.append(row)
            if len(changed) >= BATCH:
                model._base_manager.bulk_update(changed, [*fields, *indexes])
                changed = []
        model._base_manager.bulk_update(changed, [*fields, *indexes])

    return forward


def _decrypt(app_label: str, model_name: str, fields: list[str]) -> Any:
    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        changed = []
        for row in _rows(model, fields):
            for field in fields:
                value = getattr(row, field)
                if crypto.is_token(value):
                    setattr(row, field, crypto.decrypt(value, _purpose(model, field)))
            changed.append(row)
            if len(changed) >= BATCH:
                model._base_manager.bulk_update(changed, fields)
                changed = []
        model._base_manager.bulk_update(changed, fields)

    return backward


def encrypt_columns(app_label: str, model_name: str, fields: list[str],
                    indexes: dict[str, tuple[str, str]] | None = None) -> migrations.RunPython:
    """Encrypt ``fields`` of every row; fill ``indexes`` ({index: (source, purpose)})."""
    indexes = indexes or {}
    return migrations.RunPython(_encrypt(app_label, model_name, fields, indexes),
                                _decrypt(app_label, model_name, fields), elidable=False)
