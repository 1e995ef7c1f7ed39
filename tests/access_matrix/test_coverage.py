"""The matrix lists every URL and API operation of the project, and every lifecycle action.

When one of these fails, a new endpoint (or action) exists that nobody has said the rules
for: add its row as the message says, and the other tests probe it for every actor.
"""

from __future__ import annotations

import re

from django.contrib import admin
from django.urls import URLResolver, get_resolver

from anju.analytics.exports import FORMATS
from anju.complaints.transitions import TABLE, Console
from tests.access_matrix import endpoints
from tests.access_matrix.admin_table import ADMIN_MODELS, ADMIN_SITE, ROLE_GATED_MODELS, model_key, site_key
from tests.access_matrix.endpoints import (
    API_OPERATIONS,
    ROUTES,
    Act,
    Export,
    Reports,
    Stats,
    VisitList,
    VisitPage,
    VisitStart,
    WarningBoard,
    WarningWrite,
)
from tests.access_matrix.interfaces import API, CONSOLE
from tests.access_matrix.policy import PROBE_STATUS

WHERE = "tests/access_matrix/endpoints.py"


def url_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the project as the resolver spells it, includes walked."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found.extend(url_patterns(entry.url_patterns, prefix + str(entry.pattern)))
        else:
            found.append(prefix + str(entry.pattern))
    return found


def _shape(path: str) -> str:
    """A path with its parameters blanked: api/v1/complaints/<number> ~ /api/v1/complaints/{number}."""
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path.lstrip("/"))


def openapi(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict) -> dict[str, str]:
    """operationId → its path."""
    return {op["operationId"]: path for path, methods in document["paths"].items()
            for op in methods.values()}


def test_every_url_pattern_is_in_the_matrix(client, db):
    api_shapes = {_shape(path) for path in operations(openapi(client)).values()}
    missing = [p for p in url_patterns()
               if not p.startswith("admin/") and p not in ROUTES and _shape(p) not in api_shapes]
    assert not missing, (
        "These URL patterns are not in the access matrix, so nothing proves who may use them:\n"
        + "\n".join(f"  {p!r}" for p in missing)
        + f"\nAdd a row for each to ROUTES in {WHERE}, keyed exactly as above, saying who may "
          "use it (the row types are described at the top of that file).")


def test_every_api_operation_is_in_the_matrix(client, db):
    missing = sorted(set(operations(openapi(client))) - set(API_OPERATIONS))
    assert not missing, (
        "These operations of /api/v1/openapi.json are not in the access matrix:\n"
        + "\n".join(f"  {op!r}" for op in missing)
        + f"\nAdd a row for each to API_OPERATIONS in {WHERE}, keyed by its operationId.")


def test_every_admin_url_is_in_the_matrix():
    registered = {model_key(model) for model in admin.site._registry}
    missing_models = sorted(registered - set(ADMIN_MODELS))
    assert not missing_models, (
        "These models are registered in the admin but not in the access matrix:\n"
        + "\n".join(f"  {m!r}" for m in missing_models)
        + "\nAdd each to ADMIN_MODELS in tests/access_matrix/admin_table.py with what an "
          "administrator may do there (and, if others may, a test for them).")
    prefixes = tuple(f"admin/{m.replace('.', '/')}/" for m in registered)
    missing = [p for p in url_patterns() if p.startswith("admin/")
               and not p.startswith(prefixes) and site_key(p) not in ADMIN_SITE]
    assert not missing, (
        "These admin URLs are not in the access matrix:\n"
        + "\n".join(f"  {p!r}" for p in missing)
        + "\nAdd each to ADMIN_SITE in tests/access_matrix/admin_table.py.")


def test_no_row_names_something_that_is_gone(client, db):
    patterns = set(url_patterns())
    gone = sorted(set(ROUTES) - patterns)
    gone += sorted(set(API_OPERATIONS) - set(operations(openapi(client))))
    gone += sorted(set(ADMIN_SITE) - {site_key(p) for p in patterns if p.startswith("admin/")})
    gone += sorted(set(ADMIN_MODELS) - {model_key(m) for m in admin.site._registry})
    assert not gone, f"Rows of the access matrix for endpoints that no longer exist: {gone}"


def test_every_action_of_the_lifecycle_is_probed_in_the_console_and_the_api():
    on_forms = {a for a, t in TABLE.items() if t.console == Console.FORM}
    for interface, actions in ((CONSOLE, on_forms), (API, set(TABLE))):
        probed = {row.action for row in endpoints.rows(Act)
                  if row.interface == interface and row.write == "act"}
        assert probed == actions, (
            f"{interface}: actions of anju/complaints/transitions.py without a row in {WHERE}: "
            f"{sorted(actions - probed)}; rows for actions the table no longer has: "
            f"{sorted(probed - actions)}")
    # The rest the console takes on the return visit's call screen, reached from the
    # complaint page (VisitStart) and probed through its writes (VisitPage).
    on_screen = set(TABLE) - on_forms
    assert set(endpoints.ON_THE_CALL_SCREEN) == on_screen, on_screen
    writes = {row.write for row in endpoints.rows(VisitPage)}
    assert set(endpoints.ON_THE_CALL_SCREEN.values()) <= writes
    assert endpoints.rows(VisitStart)


def test_every_action_is_probed_in_a_status_it_may_start_from():
    assert set(PROBE_STATUS) == set(TABLE), (
        "Give each action of the transition table a status to be tried in: PROBE_STATUS in "
        "tests/access_matrix/policy.py")
    for action, status in PROBE_STATUS.items():
        assert status in TABLE[action].sources, (action, status)


# The staff pages decided by a capability of anju/staff/policy.py: every page under each
# prefix must have a row of one of these types, which test it for every actor.
CAPABILITY_PAGES: dict[str, tuple[type, ...]] = {
    "console/stats/": (Stats,),
    "console/reports/": (Reports,),
    "console/warnings/": (WarningBoard, WarningWrite),
    "console/visits/": (VisitList, VisitPage),
}
# Pages that download a table (anju.analytics.exports.table_response with ?format=).
DOWNLOADS = ("console/stats/league/",)


def test_every_page_of_statistics_reports_warnings_and_visits_is_decided_by_its_capability():
    problems = []
    for pattern, entries in ROUTES.items():
        for prefix, kinds in CAPABILITY_PAGES.items():
            if pattern.startswith(prefix) and not any(isinstance(r, kinds) for r in entries):
                problems.append(f"{pattern!r}: needs a {' or '.join(k.__name__ for k in kinds)} row")
    for pattern in DOWNLOADS:
        formats = {r.fmt for r in ROUTES[pattern] if isinstance(r, Export)}
        if formats != set(FORMATS):
            problems.append(f"{pattern!r}: Export rows for {sorted(FORMATS)}, found {sorted(formats)}")
    assert not problems, f"In {WHERE}:\n" + "\n".join(problems)


def test_every_admin_that_decides_by_itself_is_in_the_matrix():
    """A ModelAdmin that overrides Django's permission checks for viewing decides by role
    (anju.staff.policy): it needs a row in ROLE_GATED_MODELS, which test_admin.py probes."""
    own = sorted(model_key(model) for model, model_admin in admin.site._registry.items()
                 if any(getattr(type(model_admin), name) is not getattr(admin.ModelAdmin, name)
                        for name in ("has_view_permission", "has_module_permission")))
    assert own == sorted(ROLE_GATED_MODELS), (
        "Admins that decide who may view them by themselves: add each to ROLE_GATED_MODELS in "
        f"tests/access_matrix/admin_table.py with who may: {own}")
