"""The whole database, read as bytes, holds no demo resident's name or phone number.

The demo is built in a subprocess, as ``make run`` does (``anju migrate`` + ``anju demo``),
into a SQLite file and, when PostgreSQL is available, into a database that is then
dumped with ``pg_dump``. Every table counts: residents, complaints, the trail (notes,
data, actor labels), the outbox (recipients and texts), user accounts, the audit log.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import TEST_DATA_KEYS, TEST_INDEX_KEY

ROOT = Path(__file__).resolve().parents[2]
COMPLAINTS = 60
DUMP_DB = "anju_crypto_dump"

# Printed by the subprocess: the personal data the demo wrote, read back through the ORM.
SECRETS = """
import json
from anju.accounts.models import User
from anju.complaints.models import Complaint
from anju.estates.models import Resident
from anju.notify.models import Message
staff = set(User.objects.filter(staff__isnull=False).values_list("name", flat=True))
residents = list(Resident.objects.all())
complaints = list(Complaint.objects.all())
print(json.dumps({
    "staff": sorted(staff),
    "names": sorted({r.name for r in residents}),
    "phones": sorted({r.phone for r in residents}
                     | {c.contact_phone for c in complaints if c.contact_phone}
                     | {m.recipient for m in Message.objects.all() if m.recipient}),
    "emails": sorted({c.contact_email for c in complaints if c.contact_email}),
}))
"""


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    env.update(ANJU_ENV="development", ANJU_DATA_DIR=str(data_dir), DATABASE_URL=database_url,
               ANJU_DATA_KEYS=TEST_DATA_KEYS, ANJU_INDEX_KEY=TEST_INDEX_KEY)
    return env


def _anju(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "anju", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _build(env: dict[str, str]) -> dict[str, list[str]]:
    _anju(env, "migrate", "--noinput", "-v", "0")
    _anju(env, "demo", "--complaints", str(COMPLAINTS))
    found = json.loads(_anju(env, "shell", "-c", SECRETS).strip().splitlines()[-1])
    # A resident may share a name with a member of staff, whose name is not personal data
    # to hide (it is shown to residents on every step); such names cannot be told apart.
    found["names"] = [n for n in found["names"] if n not in set(found["staff"])]
    return found


def _leaks(blob: bytes, found: dict[str, list[str]]) -> list[str]:
    return [value for kind in ("names", "phones", "emails") for value in found[kind]
            if value.encode() in blob]


def _check(blob: bytes, found: dict[str, list[str]]) -> None:
    assert len(found["names"]) > 100 and len(found["phones"]) > 100 and found["emails"]
    assert "张建国" in found["names"] and "13800000001" in found["phones"]
    leaks = _leaks(blob, found)
    assert not leaks, f"{len(leaks)} personal values in plaintext, e.g. {leaks[:10]}"


@pytest.fixture(scope="module")
def sqlite_dump(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dump")
    found = _build(_env(f"sqlite:///{tmp / 'demo.sqlite3'}", tmp))
    # The main file and any write-ahead log left beside it.
    blob = b"".join(path.read_bytes() for path in sorted(tmp.glob("demo.sqlite3*")))
    return blob, found


def test_the_sqlite_file_holds_no_demo_name_or_phone_in_plaintext(sqlite_dump):
    blob, found = sqlite_dump
    assert b"estates_resident" in blob and len(blob) > 500_000
    _check(blob, found)


def test_the_check_would_see_a_plaintext_leak(sqlite_dump):
    blob, _found = sqlite_dump
    planted = blob + "王秀英 13800000001".encode()
    assert _leaks(planted, {"names": ["王秀英"], "phones": ["13800000001"], "emails": []}) == [
        "王秀英", "13800000001"]
    assert not _leaks(blob, {"names": ["张建国"], "phones": ["13800000001"], "emails": []})


def _server_url() -> tuple[str, str]:
    url = urlsplit(os.environ["DATABASE_URL"])
    return (urlunsplit(url._replace(path="/postgres")),
            urlunsplit(url._replace(path=f"/{DUMP_DB}")))


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(_server_url()[0], autocommit=True) as conn:
        conn.execute(sql)


@pytest.mark.postgres
def test_a_pg_dump_holds_no_demo_name_or_phone_in_plaintext(tmp_path):
    _admin(f'DROP DATABASE IF EXISTS "{DUMP_DB}"')
    _admin(f'CREATE DATABASE "{DUMP_DB}"')
    try:
        url = _server_url()[1]
        found = _build(_env(url, tmp_path))
        parts = urlsplit(url)
        env = {**os.environ, "PGPASSWORD": parts.password or ""}
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
             "-U", parts.username or "postgres", DUMP_DB],
            env=env, capture_output=True, timeout=600, check=True).stdout
        assert b"COPY public.estates_resident" in dump
        _check(dump, found)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{DUMP_DB}"')
