"""The matrix's data set, built once for the folder, and its size printed at the end of the run.

The cast is created inside a transaction that spans this folder (rolled back after it);
each test runs in a savepoint inside it (pytest-django's ordinary ``db``), so writes made
by one case never reach another.
"""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings

from tests.access_matrix import tally
from tests.access_matrix.cast import Cast, build
from tests.access_matrix.interfaces import Sessions
from tests.access_matrix.policy import ACTORS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    line = tally.summary()
    if line:
        terminalreporter.write_sep("-", "access matrix")
        terminalreporter.write_line(line)
        for part, count in sorted(tally.CASES.items()):
            terminalreporter.write_line(f"  {part:<40} {count:>6} cases")


@pytest.fixture(scope="package")
def _matrix_media(tmp_path_factory):
    """Files of the cast live as long as the cast (the suite's default is per test)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix_media")):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp():
    """Replaces the per-test media folder of tests/conftest.py: see ``_matrix_media``."""


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate-limit and other cache counters start from zero in every test."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="package")
def _matrix(django_db_setup, django_db_blocker, _matrix_media):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cast = build()
            sessions = Sessions(cookies=_sign_in(cast), keys=cast.keys)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield cast, sessions
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _sign_in(cast: Cast) -> dict[str, str]:
    cookies = {}
    for actor in ACTORS:
        user = cast.users[actor]
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        cookies[actor] = client.session.session_key
    return cookies


@pytest.fixture
def cast(_matrix, db) -> Cast:
    return _matrix[0]


@pytest.fixture
def sessions(_matrix, db) -> Sessions:
    return _matrix[1]
