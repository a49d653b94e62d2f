"""A second season from the command line, with an approved scale set and a line reserved to
candidates with work experience (the preset presets/shandong-work-experience.toml)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from admissions import idcard

PRESET = Path(__file__).resolve().parents[1] / "presets" / "shandong-work-experience.toml"
CODE = "SD2026GZ"
PLANS = (
    "批次,院校代码,院校名称,专业代码,专业名称,专业类别,计划数,计分方案,考生类型限制,学费,院校类型\n"
)


def _files(tmp: Path) -> dict[str, Path]:
    ids = [idcard.make("370102", date(2007, 3, 1), 11), idcard.make("370102", date(1995, 6, 2), 12),
           idcard.make("370102", date(2007, 3, 3), 13)]  # fmt: skip
    texts = {
        "scale.csv": "层次,院校代码,核定数,预留数\n本科,,10,2\n本科,10001,2,0\n专科,,5,\n",
        "plans-over.csv": PLANS
        + "BK,10001,甲大学,P1,软件工程,IT,2,,,5000,应用型本科\n"
        + "BK,10001,甲大学,P2,智能制造（专项）,IT,1,work,具有工作经历,5000,\n",
        "plans.csv": PLANS
        + "BK,10001,甲大学,P1,软件工程,IT,1,,,5000,应用型本科\n"
        + "BK,10001,甲大学,P2,智能制造（专项）,IT,1,work,具有工作经历,5000,\n"
        + "ZK,10002,乙学院,Z1,软件技术,IT,2,,,4000,高职专科\n",
        "candidates.csv": "考生号,身份证号,姓名,专业类别,考生类型,工作单位,工作年限\n"
        f"26100001,{ids[0]},张一,IT,,,\n"
        f"26100002,{ids[1]},王师傅,IT,具有工作经历,济南第二机床厂,6\n"
        f"26100003,{ids[2]},李三,IT,应届中职毕业生,,\n",
        "scores.csv": "考生号,语文,数学,英语,专业知识,技能测试\n"
        "26100001,110,110,70,180,220\n26100002,90,90,60,150,200\n26100003,100,100,65,160,170\n",
        "prefs-BK-1.csv": "candidate_no,batch,round,choice,institution_code,program_code\n"
        "26100001,BK,1,1,10001,P2\n26100001,BK,1,2,10001,P1\n"
        "26100002,BK,1,1,10001,P2\n26100003,BK,1,1,10001,P1\n",
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_second_season_with_a_scale_and_a_work_experience_track(app, db, tmp_path):
    f = _files(tmp_path)
    runner = app.test_cli_runner()

    def run(*args: object):
        result = runner.invoke(args=[str(a) for a in args])
        assert "Traceback" not in result.output
        return result

    assert run("exam", "load", PRESET).exit_code == 0  # the test database is at head already
    assert run("import", "scale", CODE, f["scale.csv"]).exit_code == 0
    refused = run("import", "plans", CODE, f["plans-over.csv"])
    assert refused.exit_code == 1
    assert (
        f"{f['plans-over.csv']}:3: 计划数: 甲大学（10001）本科计划 3 人，超出核定规模 2 人，超出 1 人"
        in refused.output
    )
    steps = [
        ["import", "plans", CODE, f["plans.csv"]],
        ["import", "candidates", CODE, f["candidates.csv"]],
        ["import", "scores", CODE, f["scores.csv"]],
        ["scores", "compute", CODE],
        ["scores", "publish", CODE],
        ["import", "preferences", CODE, f["prefs-BK-1.csv"]],
        ["allocate", CODE, "BK", "--round", "1"],
        ["round", "close", CODE, "BK", "--admit-pending"],
        ["export", "admissions", CODE, "-o", tmp_path / "admissions.csv"],
        ["export", "plans", CODE, "-o", tmp_path / "plans-out.csv"],
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, f"{step}: {result.output}"
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "admissions.csv").read_bytes().decode("utf-8-sig")))
    )
    got = sorted((r["candidate_no"], r["program_code"], r["status"]) for r in rows)
    # 张一 (690) lists the reserved P2 first but is no worker: he takes P1; 王师傅 (590) takes P2;
    # 李三 (595) is left out although ahead of 王师傅.
    assert got == [("26100001", "P1", "admitted"), ("26100002", "P2", "admitted")]
    exported = (tmp_path / "plans-out.csv").read_bytes().decode("utf-8-sig")
    assert "P2,智能制造（专项）,IT,1,,work,,5000,,,应用型本科,,具有工作经历" in exported
