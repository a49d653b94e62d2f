"""The scoring core stays pure: importing it loads no Flask, SQLAlchemy or admissions code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scoring_imports_nothing_of_the_web_layer() -> None:
    code = (
        "import sys, scoring.rules, scoring.composite, scoring.bulk, scoring.order, scoring.report\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'admissions', 'flask_sqlalchemy')]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""
