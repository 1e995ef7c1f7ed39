"""Real-browser tests: Playwright drives Debian's chromium against Django's live server."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def django_connections_per_thread():
    """Keep the test thread on the database connection it had before Playwright started.

    Between two calls, Playwright's sync API leaves its event loop marked as running in
    this thread. Django keeps connections in an asgiref ``Local`` that then switches to
    per-context storage, so the ORM would open a second connection: one without the
    serialized test data (``serialized_rollback`` would silently stop restoring the
    seeded taxonomy) and not the one shared with the live server. Plain thread-local
    storage holding the same connection objects keeps one connection per thread.
    """
    from django.db import connections

    saved = connections._connections
    pinned = threading.local()
    for alias in connections:
        setattr(pinned, alias, connections[alias])
    connections._connections = pinned
    try:
        yield
    finally:
        connections._connections = saved


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (scripts/install-browser installs it)")
    from playwright.sync_api import sync_playwright

    with django_connections_per_thread(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    yield from _page(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2,
                     is_mobile=True, has_touch=True)


def _page(browser, **options):
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def tablet_page(browser):
    yield from _page(browser, viewport={"width": 1024, "height": 768})


@pytest.fixture
def desktop_page(browser):
    yield from _page(browser, viewport={"width": 1366, "height": 900})


@pytest.fixture
def screenshots(request):
    """``shoot(page, name)`` saves a full-page picture for humans under test-results/browser/.

    Nothing asserts on them; they show what each step looked like when a journey breaks.
    """
    folder = request.config.rootpath / "test-results" / "browser" / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = []

    def shoot(page, name):
        taken.append(name)
        page.screenshot(path=folder / f"{len(taken):02d}-{name}.png", full_page=True)

    return shoot
