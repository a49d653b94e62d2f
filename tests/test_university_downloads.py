"""Downloads from the university's pages: Chinese headers and status words by default, the
English keys on request; the printed 录取名单 lists the admitted unless asked for all, and its
title says which. (The command line and the API keep the English keys: test_cli_rounds,
test_api_v1.)"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import openpyxl
import pytest

from admissions.models import RoundStatus
from admissions.services.rounds.decisions import Decision, decide
from tests.factories import login
from tests.university_factories import create_round, review_scenario

URL = "/university/exports/admissions"


@pytest.fixture
def decided(db, client):
    """One admitted, one rejected (with its reason), one still pending."""
    scene = review_scenario(db)
    staff, line, ours = scene["staff"], scene["line"], scene["ours"]
    decide(staff, line.institution_id, Decision(ours[0].id, "admit"))
    decide(staff, line.institution_id, Decision(ours[1].id, "reject", "体检不符合要求：色弱"))
    create_round(scene["exam"], 1, RoundStatus.FINISHED)
    db.session.commit()
    login(client, staff.username)
    return scene


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_chinese_headers_and_statuses_by_default(client, decided):
    rows = _csv(client.get(URL).get_data())
    assert list(rows[0])[:3] == ["考试", "批次", "轮次"] and "考生号" in rows[0]
    assert sorted(r["状态"] for r in rows) == ["录取", "待审核", "退档"]
    assert {r["原因"] for r in rows if r["状态"] == "退档"} == {"体检不符合要求：色弱"}


def test_english_keys_on_request_for_other_systems(client, decided):
    rows = _csv(client.get(f"{URL}?headers=en").get_data())
    assert "candidate_no" in rows[0] and "考生号" not in rows[0]
    assert sorted(r["status"] for r in rows) == ["admitted", "dispatched", "rejected"]


def test_xlsx_follows_the_same_choice(client, decided):
    def sheet(query: str) -> list[tuple]:
        book = openpyxl.load_workbook(
            io.BytesIO(client.get(URL + query).get_data()), read_only=True
        )
        return list(book.active.iter_rows(values_only=True))

    chinese, english = sheet("?format=xlsx"), sheet("?format=xlsx&headers=en")
    assert "考生号" in chinese[0] and "candidate_no" in english[0]
    status_zh, status_en = chinese[0].index("状态"), english[0].index("status")
    assert {row[status_zh] for row in chinese[1:]} == {"录取", "退档", "待审核"}
    assert {row[status_en] for row in english[1:]} == {"admitted", "rejected", "dispatched"}


def _pdf_text(data: bytes, tmp_path) -> str:
    (tmp_path / "list.pdf").write_bytes(data)
    subprocess.run(["pdftotext", "-layout", str(tmp_path / "list.pdf")], check=True)
    return "".join((tmp_path / "list.txt").read_text(encoding="utf-8").split())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_pdf_lists_the_admitted_only_unless_asked_and_its_title_says_which(
    client, decided, tmp_path
):
    name = decided["line"].institution.name
    admitted = _pdf_text(client.get(f"{URL}?format=pdf").get_data(), tmp_path)
    assert f"{name}录取名单（仅已录取）" in admitted
    assert "合计：1条" in admitted and "待审核" not in admitted.split("合计")[0]
    everyone = _pdf_text(client.get(f"{URL}?format=pdf&include_all=yes").get_data(), tmp_path)
    assert f"{name}投档与录取名单（含待审核、退档）" in everyone and "合计：3条" in everyone
    rejected = _pdf_text(client.get(f"{URL}?format=pdf&status=rejected").get_data(), tmp_path)
    assert f"{name}退档名单（仅已退档）" in rejected and "合计：1条" in rejected


def test_the_pdf_choice_does_not_narrow_a_spreadsheet(client, decided):
    assert len(_csv(client.get(URL).get_data())) == 3  # CSV/XLSX: every status unless filtered
