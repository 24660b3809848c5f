"""The project's shape: it stands alone, its pure core has no Django in it, and its
imports run one way with no circle anywhere."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("seb", "jobs", "surveys", "classification", "api", "config")
# Layers, lowest first: a package may import only from its own layer or below.
# Spelled in pieces, so this file does not name them itself.
SHARED = "shared"
OUTSIDE_MARKERS = (f"../{SHARED}", f"{SHARED}/spec/", f"{SHARED}/reference/")
# jobs (the queue and the worker) imports no other package of the project; the apps
# declare their jobs in it, and config's health check asks it about the workers.
LAYERS = {"seb": 0, "jobs": 1, "surveys": 2, "classification": 3, "api": 4, "config": 5}
# Inside surveys, lowest first: the models and the guard; the fieldwork domain; the
# response services; interviewing; and on top the views, forms, URLs, middleware, jobs'
# handlers and commands (every module not named here).
SURVEYS_LAYERS = (
    ("surveys.models", "surveys.audit", "surveys.logging", "surveys.replica", "surveys.access"),
    ("surveys.fieldwork",),
    ("surveys.responses",),
    ("surveys.interviewing", "surveys.coding"),
)


def project_modules() -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).with_suffix("")
            parts = list(relative.parts)
            if parts[-1] == "__init__":
                parts.pop()
            yield ".".join(parts), path


def imported_modules(name: str, path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it (functions included), absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


@cache
def graph() -> dict[str, set[str]]:
    modules = dict(project_modules())
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges[name] = {
            imported
            for imported in imported_modules(name, path)
            if imported in modules and imported != name
        }
    return edges


def test_no_file_of_the_project_refers_to_a_shared_folder_outside_it() -> None:
    """A user's clone has nothing beside it: no file may point outside the project."""
    skipped = {".git", ".venv", "node_modules", "__pycache__", "staticfiles", ".mypy_cache"}
    offenders = []
    for path in ROOT.rglob("*"):
        if skipped & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in {".png", ".svg", ".xlsx", ".woff2", ".ico", ".map"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if any(marker in text for marker in OUTSIDE_MARKERS):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], offenders


def test_the_published_standard_and_the_specs_are_in_the_project() -> None:
    assert (ROOT / "docs" / "reference" / "seb-harmonised-standard.txt").is_file()
    licence = (ROOT / "docs" / "reference" / "README.md").read_text(encoding="utf-8")
    assert "Open Government Licence v3.0" in licence
    assert "7 July 2023" in licence
    for spec in ("codes.md", "nssec-derivation.md", "output-tables.md", "fieldwork.md"):
        assert (ROOT / "docs" / "spec" / spec).is_file()


@pytest.mark.parametrize("name", sorted(n for n, _ in project_modules() if n.startswith("seb")))
def test_the_pure_core_imports_no_django_and_no_app(name: str) -> None:
    path = dict(project_modules())[name]
    forbidden = [
        module
        for module in imported_modules(name, path)
        if module.split(".")[0] in {"django", "jobs", "surveys", "classification", "api", "config"}
    ]
    assert forbidden == [], f"{name} imports {forbidden}"


def test_imports_run_down_the_layers_only() -> None:
    """seb ← jobs ← surveys ← classification ← api ← config: nothing imports a layer
    above its own."""
    upward = [
        (module, imported)
        for module, imports in graph().items()
        for imported in imports
        if LAYERS[imported.split(".")[0]] > LAYERS[module.split(".")[0]]
    ]
    assert upward == []


def surveys_layer(module: str) -> int:
    for number, prefixes in enumerate(SURVEYS_LAYERS):
        if any(module == prefix or module.startswith(f"{prefix}.") for prefix in prefixes):
            return number
    return len(SURVEYS_LAYERS)


def test_inside_surveys_imports_run_down_its_layers_only() -> None:
    """models and access ← fieldwork ← responses ← interviewing and coding ← views: the fieldwork
    domain knows nothing of responses' services, these nothing of interviewing, and no
    service imports a view, a form or a URL."""
    upward = [
        (module, imported)
        for module, imports in graph().items()
        if module.startswith("surveys.")
        for imported in imports
        if imported.startswith("surveys.") and surveys_layer(imported) > surveys_layer(module)
    ]
    assert upward == []


def test_the_surveys_layers_are_where_the_test_says() -> None:
    """The packages the layers name exist, so the check above cannot pass by naming
    nothing."""
    modules = dict(project_modules())
    for prefixes in SURVEYS_LAYERS:
        for prefix in prefixes:
            assert any(name == prefix or name.startswith(f"{prefix}.") for name in modules), prefix


def test_no_circle_of_imports_anywhere() -> None:
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    assert circles == []
