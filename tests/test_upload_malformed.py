"""Malformed files and upload bombs on the other import paths — decisions (the board's command and
the university's upload) and the admin's institutions — and the board's preview page: a message
on its line, nothing saved, never a 500. Decisions for an ended round are refused on every path."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from admissions.models import Candidate, Dispatch, Institution, RoundStatus
from tests import xlsx_bombs as bombs
from tests.api_helpers import token_for
from tests.board_factories import create_board_account, create_board_exam
from tests.factories import create_account, csrf_token, login
from tests.university_factories import create_round, review_scenario

HEADER = "考生号,批次,轮次,结论,原因"
BOMBS = {
    "A1 and XFD1048576": (bombs.far_cell("XFD1048576"), "延伸到 XFD1048576（1048576 行 × 16384 列"),
    "A1 and ZZ200000": (bombs.far_cell("ZZ200000"), "延伸到 ZZ200000（200000 行 × 702 列"),
    "bad CRC": (bombs.bad_crc(), "文件已损坏，无法读取（请用 Excel 打开后另存为 .xlsx 或 CSV）"),
    "not a zip": (b"PK\x03\x04 broken", "不是有效的 XLSX 文件（请用 Excel 另存为 .xlsx 或 CSV）"),
}


def _no(db, dispatch) -> str:
    return db.session.get(Candidate, dispatch.candidate_id).candidate_no


def _statuses(db, dispatches) -> list[str]:
    db.session.expire_all()
    return [str(db.session.get(Dispatch, d.id).status) for d in dispatches]


def _decision_cases(number: str) -> dict[str, tuple[str, str]]:
    """(file text, the one expected error) per malformed class, for a dispatched candidate."""
    return {
        "short row": (f"{HEADER}\n{number},BK\n",
                      "d.csv:2: 轮次: 该行只有 2 个单元格，表头有 5 列：缺少 「轮次」、「结论」、「原因」"
                      "（可能少了逗号，或双引号没有配对）"),
        "open quote": (f'{HEADER}\n{number},BK,1,退档,"体检\n{number},BK,1,录取,\n',
                       "d.csv:2: 该行的双引号没有配对：从这一行起到文件末尾（文件第 3 行）都被读成了"
                       "一个单元格；请补上或删去这个双引号"),
        "NUL byte": (f"{HEADER}\n{number},BK,1,退档,体\x00检\n",
                     "d.csv:2: 原因: 含有空字符（NUL），请删除后重新保存"),
        # ASCII, so the request stays below the test client's 500 KB spooling threshold
        "200,000-character cell": (f"{HEADER}\n{number},BK,1,退档,{'x' * 200_000}\n",
                                   "d.csv:2: 该行有超过 131072 个字符的单元格（常因双引号没有配对），"
                                   "请检查该行"),
        "reason longer than kept": (f"{HEADER}\n{number},BK,1,退档,{'长' * 501}\n",
                                    "d.csv:2: 原因: 内容过长：501 个字符，最多 500 个"),
        "number too large": (f"{HEADER}\n{number},BK,1e30,录取,\n",
                             "d.csv:2: 轮次: 「1e30」超出可以保存的范围（最大 2147483647）"),
    }  # fmt: skip


def _upload(client, run, data: bytes, name: str = "d.csv"):
    token = csrf_token(client, f"/university/runs/{run.id}")
    return client.post(
        f"/university/runs/{run.id}/upload",
        data={"file": (io.BytesIO(data), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("case", list(_decision_cases("X")), ids=list(_decision_cases("X")))
def test_university_upload_refuses_malformed_decisions(client, db, case):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    text, message = _decision_cases(_no(db, scene["ours"][0]))[case]
    response = _upload(client, scene["run"], text.encode())
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _statuses(db, scene["ours"]) == ["dispatched"] * 3


@pytest.mark.parametrize("case", list(_decision_cases("X")), ids=list(_decision_cases("X")))
def test_board_command_refuses_malformed_decisions(app, db, tmp_path, case):
    scene = review_scenario(db)
    text, message = _decision_cases(_no(db, scene["ours"][0]))[case]
    path = tmp_path / "d.csv"
    path.write_bytes(text.encode())
    result = app.test_cli_runner().invoke(
        args=["import", "decisions", scene["exam"].code, str(path)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [message.replace("d.csv", str(path), 1)]
    assert _statuses(db, scene["ours"]) == ["dispatched"] * 3


def test_full_width_candidate_number_decides(client, db):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    number = "".join(chr(ord(d) + 0xFEE0) for d in _no(db, scene["ours"][0]))
    response = _upload(client, scene["run"], f"{HEADER}\n{number},ＢＫ,１,录取,\n".encode())
    assert response.status_code == 302
    assert _statuses(db, scene["ours"])[0] == "admitted"


def test_decisions_for_an_ended_round_are_refused_on_every_path(app, client, db, tmp_path):
    scene = review_scenario(db)
    token = token_for(db, scene)
    create_round(scene["exam"], 1, RoundStatus.CLOSED)  # what 结束本轮 leaves
    db.session.commit()
    number = _no(db, scene["ours"][0])
    text = f"{HEADER}\n{number},BK,1,录取,\n".encode()
    login(client, scene["staff"].username)
    page = _upload(client, scene["run"], text)
    assert page.status_code == 400 and "d.csv:2: 轮次: 本轮已结束，录取结论已锁定" in page.get_data(
        as_text=True
    )
    path = tmp_path / "d.csv"
    path.write_bytes(text)
    command = app.test_cli_runner().invoke(
        args=["import", "decisions", scene["exam"].code, str(path)]
    )
    assert command.exit_code == 1
    assert command.stderr.strip() == f"{path}:2: 轮次: 本轮已结束，录取结论已锁定"
    body = {"decisions": [{"dispatch_id": scene["ours"][0].id, "decision": "admit"}]}
    api = client.post("/api/v1/decisions", json=body, headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 409 and "本轮已结束" in api.get_json()["error"]
    assert _statuses(db, scene["ours"]) == ["dispatched"] * 3


@pytest.mark.parametrize("case", BOMBS, ids=list(BOMBS))
def test_university_upload_of_a_bomb_is_a_clean_400(client, db, case):
    scene = review_scenario(db)
    login(client, scene["staff"].username)
    data, message = BOMBS[case]
    response = _upload(client, scene["run"], data, "decisions.xlsx")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("case", BOMBS, ids=list(BOMBS))
def test_board_preview_of_a_bomb_shows_the_message(client, db, case):
    exam = create_board_exam()
    account = create_board_account()
    db.session.commit()
    login(client, account.username)
    data, message = BOMBS[case]
    path = f"/board/exams/{exam.id}/imports/scores"
    token = csrf_token(client, path)
    stored = client.post(
        path,
        data={"csrf_token": token, "file": (io.BytesIO(data), "scores.xlsx")},
        content_type="multipart/form-data",
    )
    assert stored.status_code == 302
    for view in ("", "/errors.txt", "/errors.csv"):  # every view reads the stored upload again
        response = client.get(stored.headers["Location"] + view)
        assert response.status_code == 200
        body = response.data.decode("utf-8-sig")
        assert message in body
    html = client.get(stored.headers["Location"]).get_data(as_text=True)
    assert "发现 1 个错误，未导入任何数据" in html


def _admin_upload(client, db, data: bytes, name: str):
    admin = create_account("admin")
    db.session.commit()
    login(client, admin.username)
    token = csrf_token(client, "/admin/institutions")
    return client.post(
        "/admin/institutions/import",
        data={"file": (io.BytesIO(data), name), "csrf_token": token},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("case", BOMBS, ids=list(BOMBS))
def test_admin_institutions_import_of_a_bomb_is_a_clean_400(client, db, case):
    data, message = BOMBS[case]
    response = _admin_upload(client, db, data, "院校.xlsx")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


INSTITUTION_CASES = {
    "short row": ("code,name,city\n10001,甲学院,济南\n10002\n",
                  "该行只有 1 个单元格，表头有 3 列：缺少 「name」、「city」"),
    "open quote": ('code,name,city\n10001,"甲学院,济南\n10002,乙学院,\n', "该行的双引号没有配对"),
    "NUL byte": ("code,name,city\n10001,甲\x00学院,济南\n", "含有空字符（NUL），请删除后重新保存"),
    "200,000-character cell": ("code,name,city\n10001," + "x" * 200_000 + ",济南\n",
                               "该行有超过 131072 个字符的单元格"),
    "name longer than its column": ("code,name,city\n10001," + "甲" * 101 + ",济南\n",
                                    "内容过长：101 个字符，最多 100 个"),
    "code longer than its column": ("code,name,city\n100011,甲学院,济南\n",
                                    "内容过长：6 个字符，最多 5 个"),
}  # fmt: skip


@pytest.mark.parametrize("case", INSTITUTION_CASES, ids=list(INSTITUTION_CASES))
def test_admin_institutions_import_refuses_malformed_files(client, db, case):
    text, message = INSTITUTION_CASES[case]
    response = _admin_upload(client, db, text.encode(), "院校.csv")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Institution.id))) == 0


def test_admin_institutions_import_reads_a_full_width_code(client, db):
    response = _admin_upload(client, db, "code,name\n１０００１,甲学院\n".encode(), "院校.csv")
    assert response.status_code == 302
    assert db.session.scalar(select(Institution.code)) == "10001"
