"""The dependency rule: views → services → (models, scoring); scoring → nothing of ours."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(folder: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / folder).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def test_scoring_imports_nothing_of_the_web_stack():
    forbidden = ("flask", "sqlalchemy", "admissions", "flask_sqlalchemy")
    bad = {
        path: sorted(n for n in names if n.split(".")[0] in forbidden)
        for path, names in _imports("scoring").items()
    }
    assert {p: n for p, n in bad.items() if n} == {}


def test_services_and_models_do_not_import_views():
    for folder in ("admissions/services", "admissions/models"):
        for path, names in _imports(folder).items():
            assert not any(n.startswith("admissions.views") for n in names), path


def test_files_are_small():
    big = [
        str(p.relative_to(ROOT))
        for folder in ("admissions", "tests")
        for p in (ROOT / folder).rglob("*.py")
        if len(p.read_text(encoding="utf-8").splitlines()) >= 400
    ]
    assert big == []


def test_services_flush_and_never_commit():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "admissions" / "services").rglob("*.py")
        if ".commit(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
