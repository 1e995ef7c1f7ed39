"""The capability table of anju/staff/policy.py, role by role, and that it is the only one.

``policy.CAPABILITIES`` (this folder) is the hand-written answer for every actor of the
matrix; here the product's policy is asked the same question for a user like each actor
(the same role, the superuser flag where the cast has it). A module under anju/ that
declares its own set of roles fails ``test_no_module_declares_a_set_of_roles_of_its_own``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from anju.accounts.models import User
from anju.lib.errors import NotAllowed
from anju.staff import policy as product
from anju.staff.models import Role, StaffProfile
from anju.staff.policy import Capability, StatisticsLevel
from tests.access_matrix import tally
from tests.access_matrix.policy import (
    ACTORS,
    CAPABILITIES,
    REACH,
    READS_STATS,
    RESIDENTS,
    ROLE,
    STATS_DEPARTMENTS,
    SUPERUSER_CAPABILITIES,
)

ROOT = Path(__file__).resolve().parents[2]


def _user(actor: str, *, active: bool = True, superuser: bool | None = None):
    """An unsaved user like the cast's ``actor``: no database needed to ask the policy."""
    if ROLE[actor] is None:
        return AnonymousUser()
    user = User(username=f"cap_{actor}", is_active=active,
                is_superuser=actor == "admin" if superuser is None else superuser)
    if actor not in RESIDENTS:
        StaffProfile(user=user, role=ROLE[actor])  # sets user.staff
    return user


def test_the_table_names_every_capability_and_nothing_else():
    assert set(product.TABLE) == set(Capability)
    assert set(CAPABILITIES) == {c.value for c in Capability}, (
        "A capability of anju/staff/policy.py without a hand-written row in "
        "tests/access_matrix/policy.py CAPABILITIES (or a row for one that is gone): "
        f"{sorted(set(CAPABILITIES) ^ {c.value for c in Capability})}")
    assert {c.value for c in product.SUPERUSER} == SUPERUSER_CAPABILITIES


@pytest.mark.parametrize("capability", sorted(Capability))
@pytest.mark.parametrize("actor", ACTORS)
def test_every_actor_holds_exactly_the_documented_capabilities(actor, capability):
    tally.count("capability table")
    expected = actor in CAPABILITIES[capability.value]
    assert product.can(_user(actor), capability) is expected, (actor, capability.value)
    if expected:
        product.require(_user(actor), capability)
    else:
        with pytest.raises(NotAllowed):
            product.require(_user(actor), capability)


@pytest.mark.parametrize("capability", sorted(Capability))
def test_a_role_alone_decides_everything_but_the_superusers_capabilities(capability):
    """The same answers by role (a stand-in reader, a profile being assigned)."""
    for actor in ACTORS:
        if ROLE[actor] is None or actor in RESIDENTS:
            continue
        expected = actor in CAPABILITIES[capability.value]
        assert product.holds(ROLE[actor], capability) is expected, (actor, capability.value)
        assert product.can(_user(actor, superuser=False), capability) is expected, actor
    assert not product.holds(None, capability)
    assert not product.holds("resident", capability)


@pytest.mark.parametrize("capability", sorted(Capability))
def test_a_superuser_without_a_profile_holds_only_the_superusers_capabilities(capability):
    user = User(username="root", is_active=True, is_superuser=True)
    assert product.can(user, capability) is (capability.value in SUPERUSER_CAPABILITIES)


@pytest.mark.parametrize("actor", ["agent", "supervisor", "quality", "admin"])
def test_an_inactive_account_holds_nothing(actor):
    user = _user(actor, active=False)
    assert not any(product.can(user, c) for c in Capability)
    assert product.role_of(user) is None


def test_the_roles_that_see_personal_data_unmasked_come_from_the_setting(settings):
    settings.ANJU_PII_FULL_ROLES = ["agent", "quality", "not-a-role"]
    holders = {a for a in ACTORS if product.can(_user(a), Capability.SEE_CONTACT_UNMASKED)}
    assert holders == {"agent", "agent_b", "quality"}
    settings.ANJU_PII_FULL_ROLES = []
    assert not any(product.can(_user(a), Capability.SEE_CONTACT_UNMASKED) for a in ACTORS)


def test_the_table_is_consistent_with_itself():
    """A capability that needs another is never given without it."""
    roles = product.roles
    c = Capability
    # the company report counts confidential complaints
    assert roles(c.READ_COMPANY_REPORT) <= roles(c.SEE_CONFIDENTIAL)
    assert roles(c.READ_COMPANY_REPORT) <= roles(c.READ_REPORTS)
    assert roles(c.BUILD_REPORTS) <= roles(c.READ_REPORTS)
    assert roles(c.EXPORT_STATISTICS) <= roles(c.READ_STATISTICS)
    # whoever reads the audit log (where reveals are recorded) or opens the admin must have
    # a second factor
    assert roles(c.READ_AUDIT_LOG) <= roles(c.REQUIRE_TWO_FACTOR)
    assert roles(c.OPEN_ADMIN) <= roles(c.REQUIRE_TWO_FACTOR)
    assert {c.READ_AUDIT_LOG, c.REQUIRE_TWO_FACTOR} >= product.SUPERUSER


@pytest.mark.parametrize("actor", [a for a in ACTORS if ROLE[a] not in (None, "resident")])
def test_the_reach_of_statistics(cast, actor):
    """Statistics cover the estates in reach and, for a supervisor, their own departments."""
    reach = product.statistics_reach(cast.users[actor])
    tally.count("capability table")
    if actor not in READS_STATS:
        assert reach is None
        return
    assert reach is not None
    estates = {code for code, estate in cast.estates.items() if reach.estates.filter(pk=estate.pk).exists()}
    assert estates == REACH[actor]
    departments = set(reach.departments.values_list("code", flat=True))
    if actor in STATS_DEPARTMENTS:
        assert departments == STATS_DEPARTMENTS[actor]
        assert reach.level == StatisticsLevel.DEPARTMENT
    else:
        assert set(cast.departments) <= departments
        expected = StatisticsLevel.COMPANY if REACH[actor] == frozenset("ab") else StatisticsLevel.ESTATE
        assert reach.level == expected


# --------------------------------------------------------------------------- declared once

# The only modules that may spell out roles in a set: the roles themselves and the policy.
POLICY_MODULES = {"anju/staff/models.py", "anju/staff/policy.py"}
# Code owned by work in progress elsewhere, to move to the policy's sets when it lands:
# path → why it is still allowed.
NOT_YET: dict[str, str] = {}
ROLE_VALUES = frozenset(Role.values)


def _role_names(tree: ast.AST) -> set[str]:
    """The names ``Role`` is imported as in a module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("anju.staff"):
            names.update(a.asname or a.name for a in node.names if a.name == "Role")
    return names


def _findings(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _role_names(tree)
    if not names:
        names = {"Role"}

    def is_member(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in names and node.attr.isupper())

    def members(node: ast.AST) -> int:
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            return sum(1 for e in node.elts if is_member(e))
        return 0

    def role_strings(node: ast.AST) -> bool:
        return (isinstance(node, ast.Set) and len(node.elts) >= 2
                and all(isinstance(e, ast.Constant) and e.value in ROLE_VALUES for e in node.elts))

    found = []
    for node in ast.walk(tree):
        what = ""
        if isinstance(node, ast.Set) and (members(node) or role_strings(node)):
            what = "a set of roles"
        elif isinstance(node, ast.List | ast.Tuple) and members(node) >= 2:
            what = "a list of roles"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("set", "frozenset") and node.args
              and ((isinstance(node.args[0], ast.Name) and node.args[0].id in names)
                   or members(node.args[0]))):
            what = f"{node.func.id}() of roles"
        if what:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {what}: {ast.unparse(node)}")
    return found


def test_no_module_declares_a_set_of_roles_of_its_own():
    problems = []
    for path in sorted((ROOT / "anju").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in POLICY_MODULES or relative in NOT_YET or "/migrations/" in relative:
            continue
        problems.extend(_findings(path))
    assert not problems, (
        "Roles are grouped once, in anju/staff/policy.py (its role groups and its capability "
        "table); ask policy.can(user, Capability.X), or use its groups, instead of:\n  "
        + "\n  ".join(problems))


def test_the_scan_finds_what_it_is_for(tmp_path):
    source = (
        "from anju.staff.models import Role as R\n"
        "A = frozenset({R.QUALITY, R.ADMIN})\n"
        "B = frozenset(R)\n"
        "def f(role):\n"
        "    return role in (R.HANDLER, R.SUPERVISOR) or role in {'quality', 'admin'}\n"
        "C = R.ADMIN\n"
        "D = {'quality'}\n"
        "E = [R.AGENT]\n"
    )
    sample = tmp_path / "sample.py"
    sample.write_text(source, encoding="utf-8")
    found = _findings(sample, tmp_path)
    assert sorted(int(line.split(":")[1]) for line in found) == [2, 2, 3, 5, 5], found
