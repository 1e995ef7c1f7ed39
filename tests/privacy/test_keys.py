"""Where the keys come from, and refusing to start without them (anju/privacy/keys.py)."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from anju.privacy import keys

ROOT = Path(__file__).resolve().parents[2]
K1 = base64.b64encode(b"a" * 32).decode()
K2 = base64.b64encode(b"b" * 32).decode()
IDX = base64.b64encode(b"c" * 32).decode()


def load(tmp_path, **values):
    config = {"data_keys": "", "key_file": "", "index_key": "", "production": True,
              "data_dir": tmp_path, **values}
    return keys.load(**config)


def test_several_keys_from_the_environment_the_first_is_current(tmp_path):
    ring = load(tmp_path, data_keys=f"k2:{K2}, k1:{K1}", index_key=IDX)
    assert list(ring.keys) == ["k2", "k1"] and ring.current_id == "k2"
    assert ring.current == b"b" * 32 and ring.index_key == b"c" * 32


def test_a_key_file_with_comments_and_the_index_key_in_it(tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"# rotated 2026-01\nk2:{K2}\n\nk1:{K1}\nindex:{IDX}\n")
    ring = load(tmp_path, key_file=str(path))
    assert ring.current_id == "k2" and set(ring.keys) == {"k1", "k2"}
    assert ring.index_key == b"c" * 32


@pytest.mark.parametrize(("values", "message"), [
    ({}, "no keys are configured"),
    ({"data_keys": f"k1:{K1}"}, "blind-index key is missing"),
    ({"data_keys": "k1:not-base64!", "index_key": IDX}, "not valid base64"),
    ({"data_keys": "k1:" + base64.b64encode(b"short").decode(), "index_key": IDX}, "5 bytes long"),
    ({"data_keys": f"k1:{K1},k1:{K2}", "index_key": IDX}, "given twice"),
    ({"data_keys": f"bad id:{K1}", "index_key": IDX}, "must be 1 to 16 letters"),
    ({"data_keys": K1, "index_key": IDX}, "not of the form <id>:<base64>"),
    ({"data_keys": f"k1:{K1}", "index_key": "nope!"}, "ANJU_INDEX_KEY: the index key is not valid"),
    ({"data_keys": f"k1:{K1}", "key_file": "/x", "index_key": IDX}, "not both"),
    ({"key_file": "/nonexistent/anju-keys"}, "cannot read it"),
])
def test_missing_or_malformed_keys_are_refused_with_a_clear_message(tmp_path, values, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        load(tmp_path, **values)


def test_development_creates_a_private_key_file_once_and_reuses_it(tmp_path):
    first = load(tmp_path, production=False)
    path = tmp_path / keys.DEV_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = load(tmp_path, production=False)
    assert first.keys == second.keys and first.index_key == second.index_key
    assert len(first.current) == 32


def test_production_never_creates_a_key_file(tmp_path):
    with pytest.raises(ImproperlyConfigured):
        load(tmp_path, production=True)
    assert not (tmp_path / keys.DEV_KEY_FILE).exists()


def test_generated_lines_load_as_keys(tmp_path):
    ring = load(tmp_path, data_keys=keys.generate_line("k9"), index_key=keys.generate_line("index"))
    assert ring.current_id == "k9"


def _production_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANJU_", "DJANGO_SETTINGS")) and k != "DATABASE_URL"}
    env.update(ANJU_ENV="production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="anju.example.com",
               DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}", ANJU_DATA_DIR=str(tmp_path),
               **extra)
    return env


def _anju(*args, env):
    return subprocess.run([sys.executable, "-m", "anju", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_keys(tmp_path):
    result = _anju("check", env=_production_env(tmp_path))
    assert result.returncode != 0
    assert "Personal data cannot be encrypted: no keys are configured" in result.stderr
    assert not (tmp_path / keys.DEV_KEY_FILE).exists()
    wsgi = subprocess.run([sys.executable, "-c", "import anju.wsgi"], cwd=ROOT, timeout=120,
                          env=_production_env(tmp_path), capture_output=True, text=True)
    assert wsgi.returncode != 0 and "no keys are configured" in wsgi.stderr


def test_production_starts_with_keys_and_refuses_a_malformed_one(tmp_path):
    good = _anju("check", env=_production_env(tmp_path, ANJU_DATA_KEYS=f"k1:{K1}", ANJU_INDEX_KEY=IDX))
    assert good.returncode == 0, good.stderr
    bad = _anju("check", env=_production_env(tmp_path, ANJU_DATA_KEYS="k1:abc", ANJU_INDEX_KEY=IDX))
    assert bad.returncode != 0 and "ANJU_DATA_KEYS: key 'k1' is not valid base64" in bad.stderr


def test_keys_generate_works_before_any_key_is_configured(tmp_path):
    result = _anju("keys", "generate", "--id", "k7", env=_production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    key_id, _, key = result.stdout.strip().partition(":")
    assert key_id == "k7" and len(base64.b64decode(key)) == 32
