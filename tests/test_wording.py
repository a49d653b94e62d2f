"""Messages worded per audience: pages never name a command; the command line may."""

from __future__ import annotations

from admissions.models import ExamStatus
from admissions.services.wording import command_hint, command_line
from tests.setup_helpers import post, setup_exam_with_board, text


def test_a_command_hint_shows_only_while_a_command_runs():
    assert command_hint("scores compute X") == ""
    with command_line():
        assert command_hint("scores compute X") == "（命令行：scores compute X）"
        with command_line(on=False):  # a background job run by the command-line worker
            assert command_hint("scores compute X") == ""
    assert command_hint("scores compute X") == ""


def test_a_page_refusal_names_no_command_the_command_line_does(app, client, db):
    exam, _ = setup_exam_with_board(client, status=ExamStatus.SCORING)
    page = f"/board/exams/{exam.id}/scores"
    response = post(client, f"{page}/publish", page, confirm="yes")
    shown = text(client.get(page) if response.status_code == 302 else response)
    assert "尚未按当前规则计算成绩，请先计算成绩" in shown and "scores compute" not in shown
    result = app.test_cli_runner().invoke(args=["scores", "publish", exam.code])
    assert result.exit_code == 1 and f"（命令行：scores compute {exam.code}）" in result.output
    assert command_hint("x") == ""  # nothing leaks from the command into later requests
