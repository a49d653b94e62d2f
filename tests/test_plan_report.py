"""The 应用型本科 report against a hand-computed fixture."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from admissions.extensions import db as _db
from admissions.models import Category
from admissions.services.plans.report import build_report, report_bytes
from tests.factories import create_account, create_exam, create_institution, create_plan_line, login
from tests.plans_factories import set_scale


def _exam(year: int):
    exam = create_exam(year=year, code=f"SD{year}")
    exam.batches[0].level = "本科"
    _db.session.add(Category(exam_id=exam.id, code="JX", name="机械类"))
    _db.session.flush()
    _db.session.refresh(exam)
    return exam


def _fixture():
    """This year 本科: A (应用型本科) IT 30 + JX 20, B (职业本科) IT 50 → 100 seats.
    Last year 本科: A IT 20, B IT 60 → 80 seats."""
    a = create_institution(code="10001", name="甲学院", institution_type="应用型本科")
    b = create_institution(code="10002", name="乙学院", institution_type="职业本科")
    last, this = _exam(2025), _exam(2026)
    create_plan_line(last, institution=a, category_code="IT", seats=20)
    create_plan_line(last, institution=b, category_code="IT", seats=60)
    create_plan_line(this, institution=a, category_code="IT", seats=30)
    create_plan_line(this, institution=a, category_code="JX", seats=20)
    create_plan_line(this, institution=b, category_code="IT", seats=50)
    set_scale(this, ("本科", "", 120, 10), ("本科", "10001", 60, 0), ("本科", "10002", 55, 0))
    return this, last


def _key(row):
    return (row["institution_type"], row["category"])


def test_report_numbers_match_the_hand_computation(db):
    this, last = _fixture()
    report = build_report(this)
    assert report.previous.id == last.id
    rows = {_key(r): r for r in report.rows}
    applied = rows[("应用型本科", "合计")]
    # 50 of 100 = 50.0 %; last year 20 of 80 = 25.0 %; +30 seats, +25.0 points
    assert (applied["seats"], applied["share"], applied["previous_seats"], applied["previous_share"],
            applied["change"], applied["share_change"]) == (
        50, Decimal("50.0"), 20, Decimal("25.0"), 30, Decimal("25.0"))  # fmt: skip
    jx = rows[("应用型本科", "机械类（JX）")]
    assert (jx["seats"], jx["share"], jx["previous_seats"], jx["change"]) == (
        20,
        Decimal("20.0"),
        0,
        20,
    )
    vocational = rows[("职业本科", "合计")]
    assert (vocational["share"], vocational["previous_share"], vocational["change"],
            vocational["share_change"]) == (Decimal("50.0"), Decimal("75.0"), -10, Decimal("-25.0"))  # fmt: skip
    total = rows[("全部院校", "合计")]
    assert (total["seats"], total["previous_seats"], total["change"]) == (100, 80, 20)
    assert [(s.level, s.seats, s.reserved, s.institutions, s.published) for s in report.scale] == [
        ("本科", 120, 10, 115, 100)]  # fmt: skip
    assert [r["level"] for r in report.rows] == ["本科"] * len(report.rows)


def test_report_files_and_page(client, db):
    this, _ = _fixture()
    book = load_workbook(io.BytesIO(report_bytes(build_report(this), "xlsx")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["层次", "院校类型", "专业类别", "计划数"]
    first = [c.value for c in sheet[2]]
    assert first[:6] == ["本科", "应用型本科", "合计", 50, 50, 20]
    assert report_bytes(build_report(this), "pdf").startswith(b"%PDF")
    board = create_account("board", province_id=this.province_id)
    db.session.commit()
    login(client, board.username)
    html = client.get(f"/board/exams/{this.id}/plans/report").get_data(as_text=True)
    assert "应用型本科" in html and "+25" in html
    pdf = client.get(f"/board/exams/{this.id}/plans/report?format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get(f"/board/exams/{this.id}/plans/report?format=doc").status_code == 400
