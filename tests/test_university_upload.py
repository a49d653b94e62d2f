"""Decision upload (docs/formats.md `decisions`): all or nothing, every error listed with its line."""

import io

import pytest
from sqlalchemy import select

from admissions.models import Candidate, Dispatch, DispatchStatus, RoundStatus
from tests.factories import csrf_token, login
from tests.university_factories import create_round, review_scenario


@pytest.fixture
def scene(db, client):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    return scene


def _no(db, dispatch) -> str:
    return db.session.get(Candidate, dispatch.candidate_id).candidate_no


def _upload(client, run, text: str, name: str = "decisions.csv"):
    token = csrf_token(client, f"/university/runs/{run.id}")
    data = {"file": (io.BytesIO(text.encode("utf-8")), name), "csrf_token": token}
    return client.post(
        f"/university/runs/{run.id}/upload", data=data, content_type="multipart/form-data"
    )


def _statuses(db, dispatches) -> list[str]:
    db.session.expire_all()
    return [str(db.session.get(Dispatch, d.id).status) for d in dispatches]


def test_good_file_applies_every_row(client, db, scene):
    ours = scene["ours"]
    text = (
        "考生号,批次,轮次,结论,原因\n"
        f"{_no(db, ours[0])},BK,1,录取,\n"
        f"{_no(db, ours[1])},BK,1,退档,体检不符合要求\n"
    )
    response = _upload(client, scene["run"], text)
    assert response.status_code == 302
    assert _statuses(db, ours) == ["admitted", "rejected", "dispatched"]
    assert db.session.get(Dispatch, ours[1].id).reason == "体检不符合要求"


def test_unknown_and_foreign_candidates_save_nothing_and_list_every_error(client, db, scene):
    ours, theirs = scene["ours"], scene["theirs"]
    text = (
        "candidate_no,batch,round,decision,reason\n"
        f"{_no(db, ours[0])},BK,1,admit,\n"
        "99999999999999,BK,1,admit,\n"
        f"{_no(db, theirs)},BK,1,reject,不要\n"
        f"{_no(db, ours[2])},BK,3,admit,\n"
    )
    response = _upload(client, scene["run"], text)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "未保存任何结论" in body
    assert "decisions.csv:3: candidate_no: 考生 99999999999999 不在本校本轮的投档名单中" in body
    assert f"decisions.csv:4: candidate_no: 考生 {_no(db, theirs)} 不在本校本轮的投档名单中" in body
    assert "decisions.csv:5: round: 批次 BK 第 3 轮没有投档结果" in body
    assert _statuses(db, [*ours, theirs]) == ["dispatched"] * 4


def test_reject_without_reason_and_bad_words_are_reported_by_the_reader(client, db, scene):
    ours = scene["ours"]
    text = f"考生号,批次,轮次,结论,原因\n{_no(db, ours[0])},BK,1,退档,\n{_no(db, ours[1])},BK,1,也许,\n"
    body = _upload(client, scene["run"], text).get_data(as_text=True)
    assert "decisions.csv:2: 原因: 退档必须填写原因" in body
    assert "decisions.csv:3: 结论: 「也许」应为 admit/reject 或 录取/退档" in body
    assert _statuses(db, ours) == ["dispatched"] * 3


def test_upload_after_the_round_closed_is_refused(client, db, scene):
    ours = scene["ours"]
    create_round(scene["exam"], 1, RoundStatus.FINISHED)
    db.session.commit()
    token = csrf_token(client, f"/university/dispatches/{ours[0].id}")
    text = f"考生号,批次,轮次,结论\n{_no(db, ours[0])},BK,1,录取\n"
    data = {"file": (io.BytesIO(text.encode()), "d.csv"), "csrf_token": token}
    response = client.post(f"/university/runs/{scene['run'].id}/upload", data=data,
                           content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400 and "本轮已结束" in response.get_data(as_text=True)
    assert _statuses(db, ours[:1]) == ["dispatched"]


def test_wrong_file_type_is_refused(client, db, scene):
    response = _upload(client, scene["run"], "hello", name="notes.txt")
    assert response.status_code == 302
    page = client.get(f"/university/runs/{scene['run'].id}").get_data(as_text=True)
    assert "只接受 CSV 或 XLSX 文件" in page


def test_header_only_file_is_nothing_to_do(client, db, scene):
    response = _upload(client, scene["run"], "考生号,批次,轮次,结论\n")
    assert response.status_code == 302
    assert (
        db.session.scalar(select(Dispatch.status).where(Dispatch.id == scene["ours"][0].id))
        == DispatchStatus.DISPATCHED
    )


def test_errors_name_the_columns_as_the_file_writes_them(client, db, scene):
    ours, theirs = scene["ours"], scene["theirs"]
    text = (
        "考生号,批次,轮次,结论,专业代码,原因\n"
        "99999999999999,BK,1,录取,,\n"
        f"{_no(db, theirs)},BK,1,退档,,不要\n"
        f"{_no(db, ours[0])},BK,3,录取,,\n"
        f"{_no(db, ours[1])},ZZ,1,录取,,\n"
        f"{_no(db, ours[2])},BK,1,录取,P99,\n"
    )
    body = _upload(client, scene["run"], text).get_data(as_text=True)
    assert "decisions.csv:2: 考生号: 考生 99999999999999 不在本校本轮的投档名单中" in body
    assert f"decisions.csv:3: 考生号: 考生 {_no(db, theirs)} 不在本校本轮的投档名单中" in body
    assert "decisions.csv:4: 轮次: 批次 BK 第 3 轮没有投档结果" in body
    assert "decisions.csv:5: 批次: 批次 ZZ 不存在（本考试的批次：BK）" in body
    assert "decisions.csv:6: 专业代码: 只有专业组投档的考生可以调整专业" in body
    assert "candidate_no" not in body and ": round:" not in body and ": decision:" not in body
    assert _statuses(db, [*ours, theirs]) == ["dispatched"] * 4


def test_mixed_case_english_headers_are_quoted_as_written(client, db, scene):
    text = "Candidate_No , Batch,Round,Decision\n99999999999999,BK,1,admit\n"
    body = _upload(client, scene["run"], text).get_data(as_text=True)
    assert "decisions.csv:2: Candidate_No: 考生 99999999999999 不在本校本轮的投档名单中" in body


def test_round_closed_is_reported_on_the_round_column(client, db, scene):
    ours = scene["ours"]
    create_round(scene["exam"], 1, RoundStatus.FINISHED)
    db.session.commit()
    text = f"考生号,批次,轮次,结论\n{_no(db, ours[0])},BK,1,录取\n"
    body = _upload(client, scene["run"], text, name="d.csv").get_data(as_text=True)
    assert "d.csv:2: 轮次: 本轮已结束，录取结论已锁定" in body


def test_board_cli_lists_errors_with_the_file_columns_and_saves_nothing(app, db, tmp_path):
    scene = review_scenario(db)
    ours = scene["ours"]
    path = tmp_path / "decisions-BK-1.csv"
    path.write_text(
        f"考生号,批次,轮次,结论,原因\n{_no(db, ours[0])},BK,1,录取,\n99999999999999,BK,1,退档,弃录\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(
        args=["import", "decisions", scene["exam"].code, str(path)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:3: 考生号: 考生 99999999999999 不在批次 BK 第 1 轮的投档名单中"
    ]
    assert _statuses(db, ours) == ["dispatched"] * 3


def test_reader_and_round_errors_are_listed_together_in_line_order(client, db, scene):
    ours = scene["ours"]
    text = (
        "考生号,批次,轮次,结论,原因\n"
        "99999999999999,BK,1,录取,\n"
        f"{_no(db, ours[0])},BK,1,退档,\n"
        f"{_no(db, ours[1])},BK,2,录取,\n"
    )
    body = _upload(client, scene["run"], text).get_data(as_text=True)
    lines = [
        line[line.index("decisions.csv:") :]
        for line in body.splitlines()
        if "decisions.csv:" in line
    ]
    assert lines == [
        "decisions.csv:2: 考生号: 考生 99999999999999 不在本校本轮的投档名单中",
        "decisions.csv:3: 原因: 退档必须填写原因",
        "decisions.csv:4: 轮次: 批次 BK 第 2 轮没有投档结果",
    ]
    assert _statuses(db, ours) == ["dispatched"] * 3
