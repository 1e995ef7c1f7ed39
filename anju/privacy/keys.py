"""The keyring: which keys encrypt personal data, and which key makes the blind indexes.

Keys are lines ``<id>:<base64 of 32 random bytes>``. They come from ``ANJU_DATA_KEYS``
(comma-separated) or ``ANJU_DATA_KEY_FILE`` (one per line, ``#`` comments allowed). The
first data key is the current one: new values are encrypted with it; the others only
decrypt what is not yet rotated (``anju keys rotate``). The blind-index key is
``ANJU_INDEX_KEY`` (the bare base64, or ``index:<base64>``) or a line ``index:<base64>``
in the key file; it never encrypts anything.

In production a missing or malformed key stops the process at start-up
(``ImproperlyConfigured``). In development, with nothing configured, a key file is
created under ``ANJU_DATA_DIR`` (mode 0600), like the development secret key.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import os
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32  # AES-256
INDEX_ID = "index"
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DEV_KEY_FILE = "data_keys"
SETTINGS = ("ANJU_DATA_KEYS", "ANJU_DATA_KEY_FILE", "ANJU_INDEX_KEY")
HELP = "Create keys with `anju keys generate`; see docs/security.md, “Personal data at rest”."


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[str, bytes]  # key id → key, the current one first
    current_id: str
    index_key: bytes
    source: str  # where the keys came from, for messages

    @property
    def current(self) -> bytes:
        return self.keys[self.current_id]


def default_key_id() -> str:
    """k<date>, e.g. k20260115: keys generated on different days get different ids."""
    return datetime.now(UTC).strftime("k%Y%m%d")


def generate_command(argv: list[str]) -> int:
    """``anju keys generate [--id ID]`` without Django: production refuses to start
    until keys exist, so making the first ones cannot need a configured project."""
    parser = argparse.ArgumentParser(prog="anju keys generate")
    parser.add_argument("--id", dest="key_id", default=None)
    args = parser.parse_args(argv)
    try:
        print(generate_line(args.key_id or default_key_id()))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def generate_line(key_id: str) -> str:
    """A new key line ``<id>:<base64>``, for the key file or ``ANJU_DATA_KEYS``."""
    if key_id != INDEX_ID and not KEY_ID.match(key_id):
        raise ValueError(f"Key id {key_id!r}: use 1 to 16 letters, digits, '-' or '_'.")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def _decode(raw: str, *, what: str, where: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{where}: {what} is not valid base64. {HELP}") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(
            f"{where}: {what} is {len(key)} bytes long; keys are {KEY_BYTES} random bytes "
            f"(44 base64 characters). {HELP}")
    return key


def parse(entries: list[str], *, where: str) -> tuple[dict[str, bytes], bytes | None]:
    """Data keys in order, and the index key if one of the entries is ``index:…``."""
    keys: dict[str, bytes] = {}
    index_key = None
    for number, entry in enumerate(entries, start=1):
        key_id, sep, raw = entry.strip().partition(":")
        key_id = key_id.strip()
        if not sep:
            raise ImproperlyConfigured(f"{where}: entry {number} is not of the form <id>:<base64>. {HELP}")
        if key_id == INDEX_ID:
            if index_key is not None:
                raise ImproperlyConfigured(f"{where}: the index key is given twice.")
            index_key = _decode(raw, what="the index key", where=where)
            continue
        if not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{where}: key id {key_id!r} (entry {number}) must be 1 to 16 letters, digits, "
                f"'-' or '_'.")
        if key_id in keys:
            raise ImproperlyConfigured(f"{where}: key id {key_id!r} is given twice.")
        keys[key_id] = _decode(raw, what=f"key {key_id!r}", where=where)
    return keys, index_key


def _file_entries(path: Path) -> list[str]:
    try:
        text = path.read_text()
    except OSError as exc:
        raise ImproperlyConfigured(f"ANJU_DATA_KEY_FILE={path}: cannot read it ({exc.strerror}).") from None
    return [line for line in (raw.strip() for raw in text.splitlines()) if line and not line.startswith("#")]


def _development_file(data_dir: Path) -> Path:
    """The development key file, created on first use with a data key and an index key."""
    path = data_dir / DEV_KEY_FILE
    if path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written aside, then linked into place: processes starting together (several web
    # workers) either create the file whole or find the one another created, never half.
    draft = data_dir / f".{DEV_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("# Development keys (ANJU_ENV=development). Never use them in production.\n"
                     f"{generate_line('dev1')}\n{generate_line(INDEX_ID)}\n")
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process was first: use its keys
    finally:
        draft.unlink()
    return path


def load(*, data_keys: str, key_file: str, index_key: str, production: bool,
         data_dir: Path) -> Keyring:
    """Build the keyring from configuration values; ``ImproperlyConfigured`` when unusable."""
    if data_keys.strip() and key_file.strip():
        raise ImproperlyConfigured("Set either ANJU_DATA_KEYS or ANJU_DATA_KEY_FILE, not both.")
    if data_keys.strip():
        where = "ANJU_DATA_KEYS"
        entries = [e for e in data_keys.split(",") if e.strip()]
    elif key_file.strip():
        where = f"ANJU_DATA_KEY_FILE={key_file}"
        entries = _file_entries(Path(key_file))
    elif production:
        raise ImproperlyConfigured(
            "Personal data cannot be encrypted: no keys are configured. Set ANJU_DATA_KEYS (or "
            f"ANJU_DATA_KEY_FILE) and ANJU_INDEX_KEY. {HELP}")
    else:
        path = _development_file(data_dir)
        where = f"development key file {path}"
        entries = _file_entries(path)
    keys, file_index = parse(entries, where=where)
    if not keys:
        raise ImproperlyConfigured(f"{where}: no data key is given. {HELP}")
    if index_key.strip() and file_index is not None:
        raise ImproperlyConfigured(f"The index key is given in ANJU_INDEX_KEY and in {where}; keep one.")
    if index_key.strip():
        raw = index_key.strip()
        raw = raw.split(":", 1)[1] if raw.startswith(INDEX_ID + ":") else raw
        file_index = _decode(raw, what="the index key", where="ANJU_INDEX_KEY")
    if file_index is None:
        raise ImproperlyConfigured(
            f"The blind-index key is missing: set ANJU_INDEX_KEY, or add a line index:<base64> to "
            f"the key file. {HELP}")
    return Keyring(keys=keys, current_id=next(iter(keys)), index_key=file_index, source=where)


@functools.cache
def keyring() -> Keyring:
    """The keyring of this process, read from the settings once."""
    from django.conf import settings

    return load(data_keys=settings.ANJU_DATA_KEYS, key_file=settings.ANJU_DATA_KEY_FILE,
                index_key=settings.ANJU_INDEX_KEY, production=settings.PRODUCTION,
                data_dir=Path(settings.DATA_DIR))


def reset(**kwargs: Any) -> None:
    """Forget the loaded keyring (tests that change the key settings)."""
    if kwargs.get("setting") in (None, *SETTINGS):
        keyring.cache_clear()
