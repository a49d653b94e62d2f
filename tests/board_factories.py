"""Factories for the exam-board tests: a richer exam, and import files as bytes."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from admissions.extensions import db
from admissions.models import (
    Account,
    Batch,
    BatchShape,
    Category,
    Component,
    ComponentGroup,
    Exam,
    Role,
)
from tests.factories import create_account, create_exam, create_province, csrf_token, login


def create_board_exam(province_code: str = "370000", **fields: object) -> Exam:
    """An exam with chinese (120), skill (230) and a graded cert; categories IT and JX;
    batches BK (flat, 3 choices, 2 rounds) and ZK (grouped, 2 groups of 2 majors)."""
    exam = create_exam(province_code, **fields)
    batch = exam.batches[0]
    batch.max_choices, batch.rounds = 3, 2
    db.session.add_all([
        Component(exam_id=exam.id, code="cert", name="证书等级", max=Decimal(45),
                  group=ComponentGroup.VOCATIONAL, grades={"A": 45, "B": 40, "C": 35},
                  position=2),
        Category(exam_id=exam.id, code="JX", name="机械类"),
        Batch(exam_id=exam.id, code="ZK", name="专科批", sequence=2, shape=BatchShape.GROUPED,
              max_choices=2, majors_per_group=2, ratio=Decimal(1), rounds=1,
              scheme_code="standard"),
    ])  # fmt: skip
    db.session.flush()
    db.session.refresh(exam)
    return exam


def create_board_account(province_code: str = "370000") -> Account:
    """A board account of the province."""
    return create_account(Role.BOARD, province_id=create_province(province_code).id)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    """A CSV file (first row the header) in the given encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


PLANS_HEADER = ["batch", "institution_code", "institution_name", "program_code", "program_name",
                "category", "seats", "group"]  # fmt: skip


def plans_file() -> bytes:
    """Two flat lines of 10101 in BK and a group of two lines of 10102 in ZK."""
    return csv_bytes([
        PLANS_HEADER,
        ["BK", "10101", "山东职业学院", "P1", "软件技术", "IT", "30", ""],
        ["BK", "10101", "山东职业学院", "P2", "机械制造", "JX", "20", ""],
        ["ZK", "10102", "济南职业学院", "M1", "网络技术", "IT", "5", "G1"],
        ["ZK", "10102", "济南职业学院", "M2", "大数据", "IT", "5", "G1"],
    ])  # fmt: skip


def board_signed_in(client) -> Exam:
    """A board exam, and ``client`` signed in as a clerk of its board."""
    exam = create_board_exam()
    account = create_board_account()
    db.session.commit()
    login(client, account.username)
    return exam


def upload_import(client, exam: Exam, data: bytes, name: str = "plans.csv", kind: str = "plans"):
    """Post ``data`` to the board's import page of ``kind`` (the preview step)."""
    path = f"/board/exams/{exam.id}/imports/{kind}"
    return client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
