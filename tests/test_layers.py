"""The layers of ``anju``: every import points down, never up (docs/architecture.md, "Layers").

Each app under ``anju/`` belongs to one layer, listed bottom to top in ``LAYERS``. An app
may import any app of a lower layer. It may not import an app of a higher layer, nor an
app of its own layer unless the pair is declared in ``WITHIN_LAYER`` with its reason.
Every ``import`` counts, wherever it is: at the top of a module, inside a function (a
lazy import is still a dependency), under ``if TYPE_CHECKING:``. Migrations are left out
(Django writes them, and they name models, not modules). The project modules at the top
of the package (``settings``, ``urls``, ``wsgi``, ``__main__``) assemble every app and sit
above all layers; no app may import them.

When a lower app must start something an upper app does, the upper app registers a hook
or a receiver in its ``AppConfig.ready`` (``complaints/hooks.py``, ``accounts/signals.py``,
``worker.loops.loop``, ``lib.checks.settings_check``); pure helpers that several apps
need live in ``anju/lib``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "anju"

# Bottom to top. Apps in one tuple share a layer.
LAYERS: list[tuple[str, ...]] = [
    # Pure helpers: env readers, errors, phone numbers, labels, client address, JSON errors.
    ("lib",),
    # Infrastructure with tables of its own that knows no domain: encrypted fields and
    # keys; the periodic-job registry and the worker command (which runs the loops that
    # apps above register, such as the event bus's).
    ("privacy", "worker"),
    # Identity: users, API tokens, sign-in codes and locks, authenticators.
    ("accounts",),
    # Places and people: estates, buildings, rooms, residents (a resident may have a user).
    ("estates",),
    # Departments and staff profiles (a user with a role and a reach of estates); the policy.
    ("staff",),
    # The append-only audit log; it also records what accounts and staff announce.
    ("audit",),
    # The complaint core.
    ("complaints",),
    # The event bus: deliveries of complaint events to subscribers.
    ("bus",),
    # Features built on the core: hooks into it and subscribers of the bus.
    ("sla", "triage", "notify", "routing", "visits", "warnings", "retention"),
    # Statistics computed from the core and the features.
    ("analytics",),
    # Middleware: security headers, rate limits, the two-factor gate.
    ("security",),
    # The three interfaces.
    ("portal", "console", "api"),
    # The demo company, built through all of the above.
    ("demo",),
]

# (importer, imported) pairs of one layer that are allowed, and why.
WITHIN_LAYER: dict[tuple[str, str], str] = {
    ("sla", "notify"): "the deadline sweep's reminders are outbox messages",
    ("sla", "warnings"): "the deadline sweep raises overdue warnings into the warnings store",
    ("visits", "notify"): "survey links and visit messages are sent through the outbox",
    ("retention", "notify"): "retention purges old messages and anonymises their recipients",
    ("retention", "visits"): "retention anonymises the return visits of anonymised complaints",
}

# Single imports allowed although they point up: {(path under anju/, imported module): reason}.
# Keep this empty; every entry is a debt.
EXEMPT: dict[tuple[str, str], str] = {}

PROJECT_MODULES = frozenset({"settings", "urls", "wsgi", "__main__"})


@dataclass(frozen=True)
class Import:
    path: str  # relative to anju/
    line: int
    module: str  # the absolute module imported

    @property
    def source(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def target(self) -> str:
        return self.module.split(".")[1]


def _app_dirs() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir()
                  if p.is_dir() and (p / "__init__.py").exists())


def _modules_of(node: ast.Import | ast.ImportFrom, parts: tuple[str, ...]) -> list[str]:
    """The absolute names ``node`` imports, for a module at ``anju/<parts>``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = ["anju", *parts[:-1]]
        package = package[:len(package) - (node.level - 1)]
        base = ".".join(package)
        if node.module:
            return [f"{base}.{node.module}"]
        return [f"{base}.{alias.name}" for alias in node.names]
    if node.module == "anju":  # from anju import lib
        return [f"anju.{alias.name}" for alias in node.names]
    return [node.module or ""]


def project_imports() -> list[Import]:
    """Every import of one app by another in ``anju/`` (migrations left out)."""
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        parts = file.relative_to(PACKAGE).parts
        if len(parts) < 2 or "migrations" in parts:
            continue  # the project modules themselves, and migrations
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for module in _modules_of(node, parts):
                names = module.split(".")
                if names[0] == "anju" and len(names) > 1 and names[1] != parts[0]:
                    found.append(Import("/".join(parts), node.lineno, module))
    return found


def layer_index() -> dict[str, int]:
    return {app: i for i, layer in enumerate(LAYERS) for app in layer}


def violations(imports: list[Import]) -> list[str]:
    index = layer_index()
    problems = []
    for imp in imports:
        source, target = imp.source, imp.target
        if (imp.path, imp.module) in EXEMPT:
            continue
        if target in PROJECT_MODULES:
            why = f"anju.{target} is the project module that assembles the apps"
        elif target not in index or source not in index:
            continue  # reported by test_every_app_has_a_layer
        elif index[target] > index[source]:
            why = f"{target} is a higher layer than {source}"
        elif index[target] == index[source] and (source, target) not in WITHIN_LAYER:
            why = f"{source} and {target} share a layer; declare the pair in WITHIN_LAYER if it must"
        else:
            continue
        problems.append(f"  anju/{imp.path}:{imp.line}  {source} → {target}  "
                        f"(import {imp.module}): {why}")
    return problems


def test_every_app_has_a_layer() -> None:
    index = layer_index()
    placed = [app for layer in LAYERS for app in layer]
    assert len(placed) == len(set(placed)), "an app is listed in two layers"
    unplaced = [app for app in _app_dirs() if app not in index]
    gone = [app for app in placed if app not in _app_dirs()]
    assert not unplaced, f"apps without a layer in tests/test_layers.py LAYERS: {unplaced}"
    assert not gone, f"LAYERS lists apps that do not exist: {gone}"


def test_imports_point_down_the_layers() -> None:
    problems = violations(project_imports())
    assert not problems, (
        "These imports point up (or sideways) in the layers (docs/architecture.md, \"Layers\"). "
        "Move the pure helper to anju/lib, move the module to the app it belongs to, or let "
        "the upper app register a hook or receiver in its AppConfig.ready:\n" + "\n".join(problems))


def test_declarations_are_live() -> None:
    """Every declared pair and exemption is still needed, so the lists do not rot."""
    imports = project_imports()
    index = layer_index()
    pairs = {(imp.source, imp.target) for imp in imports}
    for source, target in WITHIN_LAYER:
        assert index.get(source) == index.get(target), f"{source}, {target}: not one layer"
        assert (source, target) in pairs, f"WITHIN_LAYER declares {source} → {target}, unused"
    used = {(imp.path, imp.module) for imp in imports}
    for key in EXEMPT:
        assert key in used, f"EXEMPT lists {key}, which no longer exists"


def test_the_checker_sees_lazy_and_relative_imports() -> None:
    source = ("def f():\n"
              "    from anju.console.fields import x\n"
              "from . import models\n"
              "from ..complaints import access\n")
    tree = ast.parse(source)
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    got = [m for n in nodes for m in _modules_of(n, ("audit", "x.py"))]
    assert sorted(got) == ["anju.audit.models", "anju.complaints", "anju.console.fields"]
    flagged = violations([Import("audit/x.py", 2, "anju.console.fields")])
    assert flagged == ["  anju/audit/x.py:2  audit → console  (import anju.console.fields): "
                       "console is a higher layer than audit"]
    sideways = violations([Import("visits/x.py", 3, "anju.warnings.models")])
    assert sideways == ["  anju/visits/x.py:3  visits → warnings  (import anju.warnings.models): "
                        "visits and warnings share a layer; declare the pair in WITHIN_LAYER if it must"]
