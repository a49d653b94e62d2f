"""docs/formats.md "命令行一览", on an empty database, with no other step."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from admissions import idcard

RULES = """
[exam]
code = "SEASON26"
name = "整季演练考试"
province = "370000"
year = 2026

[components.chinese]
name = "语文"
max = 120
group = "culture"

[components.skill]
name = "技能测试"
max = 230
group = "vocational"

[categories]
IT = "信息技术类"
MED = "医药类"

[schemes.standard]
formula = "chinese + skill"
decimals = 2
bonus_cap = 10
qualify = ["skill >= 60"]
tiebreak = ["skill"]
ties = "candidate_no"

[[batches]]
code = "BK"
name = "本科批"
scheme = "standard"
shape = "flat"
max_choices = 3
ratio = 1.0
rounds = 2

[batches.lines]
"*" = ["total >= 100"]
"""


def _ids() -> list[str]:
    return [idcard.make("370102", date(2008, 3, day), 10 + day) for day in range(1, 5)]


def _files(tmp: Path) -> dict[str, Path]:
    ids = _ids()
    texts = {
        "rules.toml": RULES,
        "plans.csv": "批次,院校代码,院校名称,专业代码,专业名称,专业类别,计划数\n"
        "BK,10001,甲职业大学,01,软件技术,IT,1\n"
        "BK,10002,乙职业学院,01,网络技术,IT,1\n"
        "BK,10002,乙职业学院,02,护理,MED,1\n",
        "candidates.csv": "candidate_no,national_id,name,category\n"
        + "".join(
            f"2600000{i + 1},{ids[i]},{name},{cat}\n"
            for i, (name, cat) in enumerate(
                [("张一", "IT"), ("王二", "IT"), ("李三", "IT"), ("赵四", "MED")]
            )
        ),
        "scores.csv": "考生号,语文,技能测试\n"
        "26000001,100,200\n26000002,90,190\n26000003,80,150\n26000004,70,50\n",
        "credits.csv": "candidate_no,component,value,reason\n26000003,skill,210,技能大赛一等奖\n",
        "prefs-BK-1.csv": "candidate_no,batch,round,choice,institution_code,program_code\n"
        "26000001,BK,1,1,10001,01\n26000001,BK,1,2,10002,01\n"
        "26000003,BK,1,1,10001,01\n26000003,BK,1,2,10002,01\n"
        "26000002,BK,1,1,10001,01\n26000002,BK,1,2,10002,01\n"
        "26000004,BK,1,1,10002,02\n",
        "decisions-BK-1.csv": "candidate_no,batch,round,decision,reason\n"
        "26000001,BK,1,录取,\n26000003,BK,1,退档,体检不合格\n",
        "prefs-BK-2.csv": "candidate_no,batch,round,choice,institution_code,program_code\n"
        "26000002,BK,2,1,10002,01\n26000003,BK,2,1,10002,01\n",
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp / name
        paths[name].write_text(text, encoding="utf-8")
    return paths


def test_whole_season_from_the_command_line(app, db, tmp_path):
    f = _files(tmp_path)
    out = tmp_path / "admissions.csv"
    steps = [
        ["exam", "load", f["rules.toml"]],
        ["import", "plans", "SEASON26", f["plans.csv"]],
        ["import", "candidates", "SEASON26", f["candidates.csv"]],
        ["import", "scores", "SEASON26", f["scores.csv"]],
        ["import", "credits", "SEASON26", f["credits.csv"]],
        ["scores", "compute", "SEASON26"],
        ["scores", "publish", "SEASON26"],
        ["import", "preferences", "SEASON26", f["prefs-BK-1.csv"]],
        ["allocate", "SEASON26", "BK", "--round", "1"],
        ["import", "decisions", "SEASON26", f["decisions-BK-1.csv"]],
        ["round", "close", "SEASON26", "BK", "--admit-pending"],
        ["import", "preferences", "SEASON26", f["prefs-BK-2.csv"]],
        ["allocate", "SEASON26", "BK", "--round", "2"],
        ["round", "close", "SEASON26", "BK", "--admit-pending"],
        ["export", "admissions", "SEASON26", "-o", out],
    ]
    runner = app.test_cli_runner()
    for step in steps:
        result = runner.invoke(args=[str(part) for part in step])
        assert result.exit_code == 0, f"{step}: {result.output}"
        assert "Traceback" not in result.output

    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    got = [(r["candidate_no"], r["round"], r["institution_code"], r["status"]) for r in rows]
    # 26000003 (80 + credited skill 210 = 290) beats 26000002 (280) for the second seat; rejected
    # in round 1, they are dispatched again in round 2 to the same line and admitted: two rows.
    assert sorted(got) == [
        ("26000001", "1", "10001", "admitted"),
        ("26000003", "1", "10002", "rejected"),
        ("26000003", "2", "10002", "admitted"),
    ]
    by_key = {(r["candidate_no"], r["round"]): r for r in rows}
    assert by_key[("26000003", "1")]["reason"] == "体检不合格"
    assert by_key[("26000003", "2")]["total"].startswith("290")
    assert by_key[("26000001", "1")]["national_id"] == idcard.mask(_ids()[0])
    assert list(rows[0].keys())[:5] == ["exam", "batch", "round", "category", "candidate_no"]
