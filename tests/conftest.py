"""Shared fixtures: two estates, and staff of every role with different reach.

* ``agent`` works at estate A only; ``agent_b`` at estate B only.
* ``handler`` is in engineering at A; ``handler_env`` in environment at A.
* ``supervisor`` supervises engineering at A; ``manager`` manages A.
* ``quality`` and ``admin_user`` see every estate (and confidential complaints).
* ``resident`` lives in A-1栋1单元101; ``other_resident`` in A-1栋1单元102.
"""

from __future__ import annotations

import base64
import os

import pytest
from django.conf import settings as django_settings
from django.db import connection

from anju.accounts.models import User
from anju.complaints.models import Category, Channel
from anju.complaints.services import complaint_create
from anju.complaints.taxonomy import seed as seed_taxonomy
from anju.estates.models import Building, Company, Estate, Facility, Residency, Resident, Room, Unit
from anju.privacy import keys as privacy_keys
from anju.staff.models import Department, Role, StaffProfile

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

# A fixed keyring for personal data (anju/privacy), so tests never depend on a developer's
# key file. Set here because pytest-django has loaded the settings before this module.
TEST_DATA_KEYS = "t1:" + base64.b64encode(b"anju tests: data key, not secret").decode()
TEST_INDEX_KEY = base64.b64encode(b"anju tests: index key not secret").decode()
django_settings.ANJU_DATA_KEYS = TEST_DATA_KEYS
django_settings.ANJU_DATA_KEY_FILE = ""
django_settings.ANJU_INDEX_KEY = TEST_INDEX_KEY
privacy_keys.reset()


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://… (scripts/test does when it can reach one)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


def make_staff(username, role, *, estates=(), departments=(), all_estates=False, name=""):
    user = User.objects.create_user(username=username, password="anju-test-pass-1", name=name or username)
    profile = StaffProfile.objects.create(user=user, role=role, all_estates=all_estates)
    profile.estates.set(estates)
    profile.departments.set(departments)
    return user


# Administrators and quality staff must have a second factor (anju/accounts/two_factor.py):
# their fixtures have one with this key, so tests can compute codes (pyotp.TOTP(TOTP_SECRET)).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_two_factor(user):
    from django.utils import timezone

    from anju.accounts.models import TwoFactor

    TwoFactor.objects.create(user=user, totp_secret=TOTP_SECRET, confirmed_at=timezone.now())
    return user


def make_resident(name, phone, rooms):
    # Like the portal's accounts (portal.otp): no copy of the encrypted name.
    user = User.objects.create_user(username=f"r{phone}", password=None)
    resident = Resident.objects.create(name=name, phone=phone, user=user)
    for room in rooms:
        Residency.objects.create(resident=resident, room=room)
    return resident


@pytest.fixture
def world(taxonomy):
    """The places: estates A and B with a building, unit, rooms and a lift each."""
    company = Company.objects.create(name="安居物业")
    places = {}
    for code, name in (("a", "翠湖苑"), ("b", "锦绣园")):
        estate = Estate.objects.create(company=company, code=code, name=name)
        building = Building.objects.create(estate=estate, name="1栋")
        unit = Unit.objects.create(building=building, name="1单元")
        rooms = [Room.objects.create(unit=unit, number=n, floor=1) for n in ("101", "102")]
        lift = Facility.objects.create(estate=estate, building=building, kind="lift", name="1栋1号电梯")
        places[code] = {"estate": estate, "building": building, "unit": unit, "rooms": rooms, "lift": lift}
    return places


@pytest.fixture
def taxonomy(db):
    """The seeded taxonomy; re-seeded because transactional tests flush migration data."""
    seed_taxonomy(Department, Category)


@pytest.fixture
def departments(taxonomy):
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def categories(taxonomy):
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def estate_a(world):
    return world["a"]["estate"]


@pytest.fixture
def estate_b(world):
    return world["b"]["estate"]


@pytest.fixture
def agent(world):
    return make_staff("agent", Role.AGENT, estates=[world["a"]["estate"]], name="客服小李")


@pytest.fixture
def agent_b(world):
    return make_staff("agent_b", Role.AGENT, estates=[world["b"]["estate"]], name="客服小赵")


@pytest.fixture
def handler(world, departments):
    return make_staff("handler", Role.HANDLER, estates=[world["a"]["estate"]],
                      departments=[departments["engineering"]], name="王师傅")


@pytest.fixture
def handler_env(world, departments):
    return make_staff("handler_env", Role.HANDLER, estates=[world["a"]["estate"]],
                      departments=[departments["environment"]], name="保洁刘阿姨")


@pytest.fixture
def supervisor(world, departments):
    return make_staff("supervisor", Role.SUPERVISOR, estates=[world["a"]["estate"]],
                      departments=[departments["engineering"]], name="工程主管")


@pytest.fixture
def manager(world):
    return make_staff("manager", Role.MANAGER, estates=[world["a"]["estate"]], name="项目经理")


@pytest.fixture
def quality(world):
    return enrol_two_factor(make_staff("quality", Role.QUALITY, all_estates=True, name="品质部"))


@pytest.fixture
def admin_user(world):
    user = make_staff("admin", Role.ADMIN, all_estates=True, name="管理员")
    user.is_staff = user.is_superuser = True
    user.save()
    return enrol_two_factor(user)


@pytest.fixture
def resident(world):
    return make_resident("张三", "13800001111", [world["a"]["rooms"][0]])


@pytest.fixture
def other_resident(world):
    return make_resident("李四", "13900002222", [world["a"]["rooms"][1]])


@pytest.fixture
def new_complaint(resident, world):
    """A factory: a complaint filed by ``resident`` about their room, status received."""

    def make(**overrides):
        kwargs = {
            "actor": resident.user, "channel": Channel.WEB, "estate": world["a"]["estate"],
            "room": world["a"]["rooms"][0], "description": "卫生间天花板漏水，已经滴了两天了",
        }
        kwargs.update(overrides)
        return complaint_create(**kwargs).complaint

    return make


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks and the event bus's subscribers right after each commit, as the
    worker would a moment later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.ANJU_BUS_EAGER = True


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """Rows cached by one test (whose transaction is rolled back) must not reach the next."""
    from anju.lib.refcache import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (process-local) cache: one test's must not reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request's language must not leak."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
