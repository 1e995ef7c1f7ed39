import pytest
from django.core.exceptions import ImproperlyConfigured

from anju.lib import env, phones


def test_env_int_rejects_words_naming_the_variable(monkeypatch):
    monkeypatch.setenv("ANJU_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="ANJU_X"):
        env.env_int("ANJU_X", 1)


def test_env_bool_accepts_common_spellings_and_rejects_others(monkeypatch):
    monkeypatch.setenv("ANJU_B", "Yes")
    assert env.env_bool("ANJU_B", False) is True
    monkeypatch.setenv("ANJU_B", "maybe")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env.env_bool("ANJU_B", False)


def test_env_str_without_default_fails_loudly(monkeypatch):
    monkeypatch.delenv("ANJU_MISSING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="ANJU_MISSING is required"):
        env.env_str("ANJU_MISSING")


def test_env_database_rejects_unsupported_engines(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/anju")
    with pytest.raises(ImproperlyConfigured, match="sqlite and postgres"):
        env.env_database("DATABASE_URL", "sqlite:///x")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5433/anju")
    config = env.env_database("DATABASE_URL", "sqlite:///x")
    assert config["HOST"] == "db" and config["PORT"] == 5433 and config["NAME"] == "anju"


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("ALLOWED", " a.example, b.example ,")
    assert env.env_list("ALLOWED", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(("raw", "normalised", "valid"), [
    ("138 0013 8000", "13800138000", True),
    ("+86-138-0013-8000", "13800138000", True),
    ("010-62345678", "01062345678", True),
    ("12345", "12345", False),
    ("", "", False),
])
def test_phone_numbers_are_normalised_and_validated(raw, normalised, valid):
    assert phones.normalise(raw) == normalised
    assert phones.is_valid(normalised) is valid


def test_phone_masking_keeps_prefix_and_last_four():
    assert phones.mask("13812345678") == "138****5678"
