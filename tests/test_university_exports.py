"""Admission lists: the export equals the database, masking, column choice, injection, formats."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from admissions.models import AuditEvent, Candidate, Dispatch, DispatchStatus, RoundStatus
from admissions.services.rounds.decisions import Decision, decide
from tests.factories import login
from tests.university_factories import create_dispatch, create_round, create_run, review_scenario

EN = "/university/exports/admissions?headers=en"  # the English keys of docs/formats.md, for systems


def _csv(response) -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _xlsx(response) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _database_rows(db, institution_id: int) -> set[tuple[str, int, str, str, str]]:
    from admissions.models import AllocationRun, PlanLine

    query = (
        select(Candidate.candidate_no, AllocationRun.round_number, Dispatch.status,
               PlanLine.program_code, Dispatch.reason)
        .join(Candidate, Candidate.id == Dispatch.candidate_id)
        .join(AllocationRun, AllocationRun.id == Dispatch.run_id)
        .join(PlanLine, PlanLine.id == Dispatch.plan_line_id)
        .where(Dispatch.institution_id == institution_id)
    )  # fmt: skip
    return {
        (no, rnd, str(status), code, reason)
        for no, rnd, status, code, reason in db.session.execute(query)
    }


@pytest.fixture
def season(db, client):
    """Round 1: admit one, reject one (reason), one pending; round 2 re-dispatches the rejected one."""
    scene = review_scenario(db)
    staff, line, ours = scene["staff"], scene["line"], scene["ours"]
    decide(staff, line.institution_id, Decision(ours[0].id, "admit"))
    decide(staff, line.institution_id, Decision(ours[1].id, "reject", "体检不符合要求：色弱"))
    create_round(scene["exam"], 1, RoundStatus.FINISHED)
    second = create_run(scene["exam"], 2)
    again = db.session.get(Candidate, ours[1].candidate_id)
    redo = create_dispatch(second, again, line, total=Decimal("599"), rank=2)
    decide(staff, line.institution_id, Decision(redo.id, "admit"))
    db.session.commit()
    login(client, staff.username)
    return scene


def test_csv_export_equals_the_database_after_rejections_and_a_second_round(client, db, season):
    rows = _csv(client.get(f"{EN}&format=csv"))
    exported = {
        (r["candidate_no"], int(r["round"]), r["status"], r["program_code"], r["reason"])
        for r in rows
    }
    assert len(rows) == 4  # three dispatches in round 1, one in round 2
    assert exported == _database_rows(db, season["line"].institution_id)
    assert "赵六" not in {r["name"] for r in rows}
    statuses = sorted((int(r["round"]), r["status"]) for r in rows)
    assert statuses == [(1, "admitted"), (1, "dispatched"), (1, "rejected"), (2, "admitted")]


def test_xlsx_export_equals_the_csv_in_every_column(client, season):
    from_csv = _csv(client.get(f"{EN}&format=csv"))
    from_xlsx = _xlsx(client.get(f"{EN}&format=xlsx"))
    assert len(from_xlsx) == len(from_csv) == 4
    for c_row, x_row in zip(from_csv, from_xlsx, strict=True):
        for key, value in c_row.items():
            cell = x_row[key]
            text = (
                ""
                if cell is None
                else (
                    format(Decimal(str(cell)).normalize(), "f")
                    if isinstance(cell, float | int)
                    else str(cell)
                )
            )
            expected = value[1:] if value.startswith("'=") else value
            assert text == (
                format(Decimal(expected).normalize(), "f")
                if key in {"round", "total", "rank", "choice"} and expected
                else expected
            ), key


def test_filters_round_status_and_program(client, season):
    line = season["line"]
    rows = _csv(client.get(f"{EN}&round=2"))
    assert [(r["round"], r["status"]) for r in rows] == [("2", "admitted")]
    rows = _csv(client.get(f"{EN}&status=admitted"))
    assert {r["status"] for r in rows} == {"admitted"} and len(rows) == 2
    assert _csv(client.get(f"{EN}&program={line.program_code}X")) == []


def test_national_ids_masked_without_permission(client, db, season):
    rows = _csv(client.get(EN))
    for row in rows:
        assert "********" in row["national_id"] and len(row["national_id"]) == 18


def test_full_ids_with_permission(client, db):
    scene = review_scenario(db, can_see_full_id=True)
    login(client, scene["staff"].username)
    rows = _csv(client.get(EN))
    full = {db.session.get(Candidate, d.candidate_id).national_id for d in scene["ours"]}
    assert {r["national_id"] for r in rows} == full


def test_column_choice_keeps_standard_order(client, season):
    response = client.get(f"{EN}&columns=name&columns=candidate_no&columns=status")
    header = response.get_data().decode("utf-8")[1:].splitlines()[0]
    assert header == "candidate_no,name,status"


def test_unknown_column_or_format_is_refused_with_a_message(client, season):
    response = client.get("/university/exports/admissions?columns=password", follow_redirects=True)
    assert "未知的导出列" in response.get_data(as_text=True)
    response = client.get("/university/exports/admissions?format=doc", follow_redirects=True)
    assert "未知的导出格式" in response.get_data(as_text=True)


def test_formula_in_a_name_is_neutralised_in_csv_and_xlsx(client, season):
    rows = _csv(client.get(EN))
    names = [r["name"] for r in rows if "HYPERLINK" in r["name"]]
    assert names and all(n.startswith("'=") for n in names)
    data = client.get(f"{EN}&format=xlsx").get_data()
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml  # no formula cell anywhere
    assert 't="inlineStr"><is><t>=HYPERLINK("http://x","王五")</t></is>' in sheet_xml
    cells = [row["name"] for row in _xlsx(client.get(f"{EN}&format=xlsx"))]
    assert '=HYPERLINK("http://x","王五")' in cells


def test_every_download_is_audited(client, db, season):
    client.get("/university/exports/admissions?format=csv&status=admitted")
    client.get("/university/exports/admissions?format=pdf")
    client.get("/university/exports/admissions?format=pdf&include_all=yes")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export.admissions")
    ).all()
    assert [(e.after["format"], e.after["rows"]) for e in events] == [
        ("csv", 2),
        ("pdf", 2),
        ("pdf", 4),
    ]
    assert all(e.actor_id == season["staff"].id and e.after["full_id"] is False for e in events)


def test_pdf_list_has_embedded_font_and_totals(client, season, tmp_path):
    import shutil
    import subprocess

    data = client.get("/university/exports/admissions?format=pdf&include_all=yes").get_data()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    if shutil.which("pdftotext"):
        (tmp_path / "list.pdf").write_bytes(data)
        subprocess.run(["pdftotext", "-layout", str(tmp_path / "list.pdf")], check=True)
        text = (tmp_path / "list.txt").read_text(encoding="utf-8")
        assert "合计：4 条" in text and "录取 2 人" in text and "退档 1 人" in text
        assert "第1页/共1页" in "".join(text.split())


def test_only_own_dispatches_whatever_the_filter(client, db, season):
    other = season["other_line"]
    rows = _csv(client.get(f"{EN}&program={other.program_code}"))
    assert rows == []
    assert db.session.get(Dispatch, season["theirs"].id).status == DispatchStatus.DISPATCHED


def test_whole_totals_are_written_without_an_exponent(client, db):
    scene = review_scenario(db)
    scene["ours"][0].total = Decimal("700.0000")
    scene["ours"][1].total = Decimal("512.5000")
    db.session.commit()
    login(client, scene["staff"].username)
    totals = {r["name"]: r["total"] for r in _csv(client.get(EN))}
    assert totals["张三"] == "700" and totals["李四"] == "512.5"
    html = client.get(f"/university/runs/{scene['run'].id}").get_data(as_text=True)
    assert "7E+2" not in html and ">700<" in html
