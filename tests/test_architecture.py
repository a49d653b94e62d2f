"""The architecture, checked: layers, one-way services packages, no import cycle, small modules.

views → services → (models, scoring, files); scoring → nothing of ours. Each check is a function
of tests/arch_graph.py run on the real tree (nothing found) and, below, on a small tree with one
planted fault (the fault found), so no check passes because it cannot fail.
"""

from pathlib import Path

import pytest

from tests.arch_graph import (
    cycles,
    import_graph,
    layer_violations,
    oversized,
    services_package_edges,
    undocumented_packages,
)

ROOT = Path(__file__).resolve().parent.parent
WEB = ("admissions.views", "admissions.forms", "admissions.cli", "admissions.worker")

# Which layer must not import which (module prefix → forbidden prefixes).
LAYERS = {
    "scoring": ("admissions", "flask", "flask_sqlalchemy", "sqlalchemy"),
    "admissions.models": ("admissions.services", "admissions.files", "admissions.access", *WEB),
    "admissions.files": (
        "admissions.models",
        "admissions.services",
        "admissions.extensions",
        "admissions.access",
        "flask",
        "sqlalchemy",
        *WEB,
    ),  # fmt: skip
    "admissions.services": ("admissions.access", "admissions.errors", "admissions.security", *WEB),
    "admissions.forms": ("admissions.views", "admissions.cli", "admissions.worker"),
    "admissions.views": ("admissions.cli", "admissions.worker"),
    "admissions.cli": ("admissions.views", "admissions.forms", "admissions.access"),
}

# Services packages (and the few loose modules) and what each may import: a one-way order.
SERVICES_MAY_IMPORT = {
    "audit": set(),
    "audit_log": {"local_time"},
    "local_time": set(),
    "provinces": set(),
    "letter_codes": set(),
    "wording": set(),
    "auth": set(),
    "storage": set(),
    "deployment": set(),
    "accounts": {"audit", "auth"},
    "exam": {"audit", "local_time", "provinces", "wording"},
    "imports": {"audit", "storage"},
    "scores": {"audit", "exam", "imports", "wording"},
    "keying": {"audit", "exam", "imports", "scores"},
    "published": {"exam", "scores"},
    "students": {"accounts", "audit", "auth", "exam", "published", "scores"},
    "rounds": {"audit", "exam", "imports", "letter_codes", "local_time", "scores", "wording"},
    "universities": {"audit", "letter_codes", "rounds"},
    "exports": {"rounds", "scores", "universities"},
    "jobs": {"audit", "imports", "rounds", "storage", "universities"},
    "admin": {"accounts", "audit", "auth", "universities"},
    "demo": {"accounts", "audit", "exam", "rounds", "scores", "students"},
    "plans": {"audit", "imports", "local_time"},
}
MAX_LOOSE_SERVICES = 12


def test_each_layer_imports_only_what_it_may():
    found = []
    for package in ("admissions", "scoring"):
        found += layer_violations(ROOT, package, LAYERS)
    assert found == []


def test_no_import_cycle_between_modules():
    assert cycles(import_graph(ROOT, "admissions")) == []
    assert cycles(import_graph(ROOT, "scoring")) == []


def test_services_packages_depend_one_way():
    assert cycles(SERVICES_MAY_IMPORT) == []  # the table itself is an order
    edges = services_package_edges(ROOT)
    unknown = {source for source, _ in edges} - set(SERVICES_MAY_IMPORT)
    assert unknown == set(), "a new services package needs its row in SERVICES_MAY_IMPORT"
    forbidden = {
        f"{source} → {target}": pairs
        for (source, target), pairs in edges.items()
        if target not in SERVICES_MAY_IMPORT[source]
    }
    assert forbidden == {}


def test_services_are_grouped_in_documented_packages():
    services = ROOT / "admissions" / "services"
    loose = sorted(p.stem for p in services.glob("*.py") if p.stem != "__init__")
    assert len(loose) <= MAX_LOOSE_SERVICES, loose
    assert undocumented_packages(ROOT) == []


def test_no_module_over_400_lines():
    assert oversized(ROOT, ("admissions", "scoring", "tests", "benchmarks")) == []


def test_services_flush_and_never_commit():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "admissions" / "services").rglob("*.py")
        if ".commit(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# --- each check shown able to fail, on a tree with one planted fault ---------------------------


@pytest.fixture
def tree(tmp_path):
    def write(relative: str, text: str = "") -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    write("admissions/__init__.py")
    write("admissions/services/__init__.py")
    write("admissions/services/exam/__init__.py", '"""Owns rules.\nMust not import rounds."""\n')
    write("admissions/services/exam/rules.py", "import os\n")
    write("admissions/services/rounds/__init__.py", '"""Owns runs.\nmust not change rules."""\n')
    write("admissions/services/rounds/run.py", "from admissions.services.exam import rules\n")
    return write, tmp_path


def test_a_planted_cycle_is_found_even_inside_a_function(tree):
    write, root = tree
    assert cycles(import_graph(root, "admissions")) == []
    write(
        "admissions/services/exam/rules.py",
        "def f():\n    from admissions.services.rounds.run import x\n",
    )
    assert cycles(import_graph(root, "admissions")) == [
        ["admissions.services.exam.rules", "admissions.services.rounds.run"]
    ]


def test_a_cycle_under_type_checking_counts(tree):
    write, root = tree
    write(
        "admissions/services/exam/rules.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from admissions.services.rounds import run\n",
    )
    assert len(cycles(import_graph(root, "admissions"))) == 1


def test_a_planted_layer_breach_is_found(tree):
    write, root = tree
    write("admissions/services/exam/rules.py", "from admissions.views.board import bp\n")
    assert layer_violations(root, "admissions", LAYERS) == [
        "admissions.services.exam.rules imports admissions.views.board",
        "admissions.services.exam.rules imports admissions.views.board.bp",
    ]


def test_a_package_edge_against_the_order_is_found(tree):
    write, root = tree
    write("admissions/services/exam/rules.py", "from admissions.services.rounds.run import x\n")
    edges = services_package_edges(root)
    assert ("exam", "rounds") in edges and "rounds" not in SERVICES_MAY_IMPORT["exam"]


def test_a_long_module_is_found(tree):
    write, root = tree
    write("admissions/services/exam/long.py", "x = 1\n" * 401)
    assert oversized(root, ("admissions",)) == ["admissions/services/exam/long.py: 401 lines"]


def test_an_undocumented_package_is_found(tree):
    write, root = tree
    assert undocumented_packages(root) == []
    write("admissions/services/exam/__init__.py", '"""Owns rules."""\n')
    assert undocumented_packages(root) == ["admissions/services/exam/__init__.py"]
