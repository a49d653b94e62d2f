"""The `allocate`, `round close` and `export` commands: exit codes, one-line messages, files."""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
import pytest
from sqlalchemy import func, select

from admissions.models import AllocationRun, Dispatch, DispatchStatus
from scoring.allocation import allocate
from tests.rounds_factories import (
    batch_of,
    create_line,
    create_rounds_exam,
    create_scored,
    submit_flat,
)


@pytest.fixture
def season(db):
    """Exam T2026: two one-seat BK lines; A 250, B 240, C 230 list both lines (committed)."""
    exam = create_rounds_exam()
    bk = batch_of(exam, "BK")
    l1, l2 = create_line(exam, "BK", 1), create_line(exam, "BK", 1)
    people = [create_scored(exam, 80, s) for s in (170, 160, 150)]
    for person in people:
        submit_flat(person, bk, 1, [l1, l2])
    db.session.commit()
    return {"exam": exam, "bk": bk, "lines": (l1, l2), "people": people}


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _one_line_error(result) -> str:
    assert result.exit_code != 0 and "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert len(lines) == 1
    return lines[0]


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_allocate_prints_counts_and_cutoffs(app, db, season):
    result = _run(app, "allocate", "T2026", "BK")
    assert result.exit_code == 0, result.output
    assert "投档 2" in result.output
    l1, _ = season["lines"]
    assert f"IT,{l1.institution.code},{l1.program_code},1,1,250.00,1" in result.output
    assert _count(db, Dispatch) == 2


def test_dry_run_saves_nothing(app, db, season):
    result = _run(app, "allocate", "T2026", "BK", "--dry-run")
    assert result.exit_code == 0 and "未保存" in result.output
    assert _count(db, AllocationRun) == 0 and _count(db, Dispatch) == 0


def test_verification_failure_exits_1_and_saves_nothing(app, db, season, monkeypatch):
    def broken(inp):
        result = allocate(inp)
        return dataclasses.replace(result, line=np.zeros_like(result.line))

    monkeypatch.setattr("admissions.services.rounds.run.allocate", broken)
    result = _run(app, "allocate", "T2026", "BK")
    assert result.exit_code == 1
    assert "校验失败" in _one_line_error(result)
    assert _count(db, AllocationRun) == 0 and _count(db, Dispatch) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("allocate", "NOPE", "BK"), "考试 NOPE 不存在"),
        (("allocate", "T2026", "XX"), "没有批次 XX"),
        (("allocate", "T2026", "BK", "--round", "3"), "没有第 3 轮"),
        (("round", "close", "T2026", "BK"), "没有待结束的轮次"),
        (("export", "admissions", "T2026", "--batch", "XX", "-o", "x.csv"), "没有批次 XX"),
    ],
)
def test_bad_input_is_one_line(app, season, args, message):
    assert message in _one_line_error(_run(app, *args))


def test_rerun_and_close_without_flag_refused(app, db, season):
    assert _run(app, "allocate", "T2026", "BK").exit_code == 0
    assert "不能重复投档" in _one_line_error(_run(app, "allocate", "T2026", "BK"))
    assert "--admit-pending" in _one_line_error(_run(app, "round", "close", "T2026", "BK"))
    result = _run(app, "round", "close", "T2026", "BK", "--admit-pending")
    assert result.exit_code == 0 and "录取 2" in result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(Dispatch.status))) == {DispatchStatus.ADMITTED}


def test_export_equals_db_with_two_rows_for_rejected_then_admitted(app, db, season, tmp_path):
    a, b, c = season["people"]
    l1, l2 = season["lines"]
    assert _run(app, "allocate", "T2026", "BK").exit_code == 0
    row = db.session.scalar(select(Dispatch).where(Dispatch.candidate_id == b.id))
    row.status, row.reason = DispatchStatus.REJECTED, "体检不合格"
    db.session.commit()
    assert _run(app, "round", "close", "T2026", "BK", "--admit-pending").exit_code == 0
    submit_flat(b, season["bk"], 2, [l2])
    db.session.commit()
    assert _run(app, "allocate", "T2026", "BK", "--round", "2").exit_code == 0
    assert _run(app, "round", "close", "T2026", "BK", "--admit-pending").exit_code == 0
    out = tmp_path / "admissions.csv"
    result = _run(app, "export", "admissions", "T2026", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == ["exam", "batch", "round", "category", "candidate_no", "name",
                             "national_id", "institution_code", "institution_name", "program_code",
                             "program_name", "total", "rank", "choice", "status", "reason"]  # fmt: skip
    mine = [(r["round"], r["program_code"], r["status"], r["reason"]) for r in rows
            if r["candidate_no"] == b.candidate_no]  # fmt: skip
    assert mine == [
        ("1", l2.program_code, "rejected", "体检不合格"),
        ("2", l2.program_code, "admitted", ""),
    ]
    assert len(rows) == 3 == _count(db, Dispatch)
    assert all("********" in r["national_id"] for r in rows)
    full = tmp_path / "full.csv"
    assert _run(app, "export", "admissions", "T2026", "--full-id", "-o", str(full)).exit_code == 0
    assert a.national_id in full.read_text(encoding="utf-8-sig")


def test_export_cutoffs_and_formats(app, db, season, tmp_path):
    assert _run(app, "allocate", "T2026", "BK").exit_code == 0
    out = tmp_path / "cut.csv"
    assert _run(app, "export", "cutoffs", "T2026", "--headers", "zh", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(r["计划数"], r["投档数"], r["最低分"], r["最低位次"]) for r in rows] == [
        ("1", "1", "250.00", "1"), ("1", "1", "240.00", "2"),
    ]  # fmt: skip
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        path = tmp_path / f"a.{fmt}"
        assert (
            _run(app, "export", "admissions", "T2026", "--format", fmt, "-o", str(path)).exit_code
            == 0
        )
        assert path.read_bytes().startswith(magic)
