"""The import graph of a source tree, read with ``ast``: what tests/test_architecture.py checks.

Every check is a plain function of a tree's root, so the tests can run it on the real tree (and
expect nothing) and on a small tree with one planted fault (and expect that fault reported).
An import inside a function or under ``if TYPE_CHECKING:`` counts like any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

MAX_LINES = 400


def module_name(root: Path, path: Path) -> str:
    """``admissions/services/exam/rules.py`` → ``admissions.services.exam.rules``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (a top-level folder of ROOT) by dotted name."""
    return {module_name(root, p): p for p in sorted((root / package).rglob("*.py"))}


def imported_names(path: Path) -> set[str]:
    """Dotted names a module imports anywhere in its body: ``from a.b import c`` gives a.b.c."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _resolve(name: str, known: Mapping[str, Path]) -> str:
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports.

    ``from a.b import c`` is an edge to the module a.b.c when there is one, else to a.b.
    """
    known = modules(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {_resolve(alias.name, known) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    targets.add(full if full in known else _resolve(node.module, known))
        graph[name] = targets - {name, ""}
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def layer_violations(root: Path, package: str, rules: Mapping[str, tuple[str, ...]]) -> list[str]:
    """``module imports name`` for each import a layer rule forbids.

    RULES maps a module prefix (``admissions.services``) to the prefixes it must not import;
    the longest prefix naming a module decides.
    """
    bad = []
    for name, path in modules(root, package).items():
        owner = max(
            (p for p in rules if name == p or name.startswith(p + ".")), key=len, default=None
        )
        if owner is None:
            continue
        for imported in sorted(imported_names(path)):
            if any(imported == f or imported.startswith(f + ".") for f in rules[owner]):
                bad.append(f"{name} imports {imported}")
    return bad


def services_package_edges(root: Path) -> dict[tuple[str, str], list[str]]:
    """(package, package it imports) → the module pairs behind it, for admissions/services."""
    prefix = "admissions.services."
    edges: dict[tuple[str, str], list[str]] = {}
    for name, targets in import_graph(root, "admissions").items():
        if not name.startswith(prefix):
            continue
        source = name[len(prefix) :].split(".")[0]
        for target in targets:
            if target.startswith(prefix):
                destination = target[len(prefix) :].split(".")[0]
                if destination != source:
                    edges.setdefault((source, destination), []).append(f"{name} → {target}")
    return edges


def oversized(root: Path, folders: Iterable[str]) -> list[str]:
    """Modules of more than MAX_LINES lines, with their length."""
    return [
        f"{p.relative_to(root)}: {n} lines"
        for folder in folders
        for p in sorted((root / folder).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]


def undocumented_packages(root: Path) -> list[str]:
    """Packages under admissions/services whose __init__ lacks the two-line docstring.

    The docstring says what the package owns, then what it must not touch ("must not").
    """
    bad = []
    for init in sorted((root / "admissions" / "services").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        lines = [line for line in doc.splitlines() if line.strip()]
        if len(lines) < 2 or "must not" not in doc.lower():
            bad.append(str(init.relative_to(root)))
    return bad
