"""Import pages: upload → preview (errors, downloads) → confirm; ownership and CSRF."""

import io
import re

from sqlalchemy import func, select

from admissions.models import AuditEvent, Institution, PlanLine, Round
from tests.board_factories import (
    PLANS_HEADER,
    board_signed_in,
    create_board_account,
    create_board_exam,
    csv_bytes,
    plans_file,
    upload_import,
)
from tests.factories import csrf_token, login

BAD_PLANS = csv_bytes([PLANS_HEADER, ["BK", "10101", "甲学院", "P1", "软件", "IT", "-3", ""],
                       ["TQ", "10101", "甲学院", "P2", "软件", "IT", "3", ""]])  # fmt: skip


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_exam_page_lists_every_import_kind(client, db):
    exam = board_signed_in(client)
    html = client.get(f"/board/exams/{exam.id}").get_data(as_text=True)
    for name in ("导入招生计划", "导入考生", "导入成绩", "导入认定成绩", "导入志愿"):
        assert name in html


def test_exam_page_links_every_round_of_every_batch(client, db):
    exam = board_signed_in(client)
    for batch in exam.batches:
        db.session.add_all(Round(batch_id=batch.id, number=n) for n in (1, 2))
    db.session.commit()
    html = client.get(f"/board/exams/{exam.id}").get_data(as_text=True)
    for batch in exam.batches:
        for number in (1, 2):
            assert f"/board/exams/{exam.id}/rounds/{batch.code}/{number}" in html
            assert f"{batch.name} 第 {number} 轮" in html
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "投档与录取" not in title and exam.name in title


def test_bad_upload_shows_every_error_and_offers_downloads(client, db):
    exam = board_signed_in(client)
    response = upload_import(client, exam, BAD_PLANS)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    html = preview.get_data(as_text=True)
    assert "发现 2 个错误，未导入任何数据" in html
    assert "「-3」小于 0" in html and "批次「TQ」不存在（可用：BK、ZK）" in html
    assert "确认导入" not in html
    text = client.get(response.headers["Location"] + "/errors.txt")
    assert text.get_data(as_text=True).splitlines() == [
        "plans.csv:2: seats: 「-3」小于 0",
        "plans.csv:3: batch: 批次「TQ」不存在（可用：BK、ZK）",
    ]
    table = client.get(response.headers["Location"] + "/errors.csv")
    assert (
        table.data.startswith("\ufeff文件,行,列,问题".encode())
        and "attachment" in table.headers["Content-Disposition"]
    )
    assert _count(db, PlanLine) == 0


def test_good_upload_previews_then_confirm_writes_once(client, db):
    exam = board_signed_in(client)
    location = upload_import(client, exam, plans_file()).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "新增 <strong>4</strong> 条" in html and _count(db, PlanLine) == 0
    token = csrf_token(client, location)
    done = client.post(location, data={"csrf_token": token})
    assert done.status_code == 200 and "招生计划已导入，新增 4 条" in done.get_data(as_text=True)
    assert _count(db, PlanLine) == 4 and _count(db, Institution) == 2
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import.plans")).all()
    assert len(events) == 1 and events[0].actor_id is not None
    assert client.post(location, data={"csrf_token": token}).status_code == 404  # used up


def test_confirm_without_csrf_token_is_refused(client, db):
    exam = board_signed_in(client)
    location = upload_import(client, exam, plans_file()).headers["Location"]
    response = client.post(location, data={})
    assert response.status_code == 400 and _count(db, PlanLine) == 0


def test_upload_without_csrf_token_is_refused(client, db):
    exam = board_signed_in(client)
    response = client.post(
        f"/board/exams/{exam.id}/imports/plans",
        data={"file": (io.BytesIO(plans_file()), "p.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_other_province_board_gets_403_everywhere(client, db):
    exam = create_board_exam("370000")
    other = create_board_account("320000")
    db.session.commit()
    login(client, other.username)
    for path in (
        f"/board/exams/{exam.id}/imports/plans",
        f"/board/exams/{exam.id}/audit",
        f"/board/exams/{exam.id}/candidates?q=1",
        f"/board/exams/{exam.id}/uploads/x" * 1,
    ):
        assert client.get(path).status_code == 403, path  # fmt: skip


def test_token_of_another_account_is_not_found(client, db, app):
    exam = board_signed_in(client)
    location = upload_import(client, exam, plans_file()).headers["Location"]
    colleague = create_board_account()
    db.session.commit()
    other = app.test_client()
    with app.app_context():  # a fresh `g`, so the first client's login does not leak
        login(other, colleague.username)
        assert other.get(location).status_code == 404
    assert client.get(re.sub(r"uploads/.*", "uploads/" + "A" * 43, location)).status_code == 404


def test_wrong_file_type_and_missing_file_are_form_errors(client, db):
    exam = board_signed_in(client)
    response = upload_import(client, exam, b"hello", name="plans.txt")
    assert response.status_code == 200 and "只接受 CSV 或 XLSX 文件" in response.get_data(
        as_text=True
    )
    path = f"/board/exams/{exam.id}/imports/plans"
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert "请选择要导入的文件" in response.get_data(as_text=True)


def test_unknown_kind_is_404(client, db):
    exam = board_signed_in(client)
    assert client.get(f"/board/exams/{exam.id}/imports/marks").status_code == 404
