"""Bad import files, one per problem, with the exact errors each must produce (docs/formats.md)."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.board_factories import PLANS_HEADER, csv_bytes

# Known data of the bad-input world (see tests/test_import_bad.py): candidate 2600000001 (IT),
# 2600000002 (JX), ID numbers below; plans of tests.board_factories.plans_file().
ID1 = "370102200701010016"
ID2 = "370102200701010032"
FRESH_ID = "11010519491231002X"
CAND = ["candidate_no", "national_id", "name", "category"]
SCORES = ["candidate_no", "chinese", "skill", "cert"]
CREDITS = ["candidate_no", "component", "value", "reason"]
PREFS = ["candidate_no", "batch", "round", "choice", "institution_code", "program_code",
         "group", "majors", "adjust"]  # fmt: skip
PLAN_OK = ["BK", "10101", "山东职业学院", "P9", "数控技术", "IT", "3", ""]


def xlsx(sheets: int = 1, formula: bool = False) -> bytes:
    """An XLSX of candidates, with extra sheets or a formula cell on request."""
    book = Workbook()
    sheet = book.active
    sheet.append(CAND)
    sheet.append(["2600000009", FRESH_ID, "赵六", "IT" if not formula else '="I"&"T"'])
    for n in range(1, sheets):
        book.create_sheet(f"说明{n}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _pref(*cells: str) -> bytes:
    return csv_bytes([PREFS, list(cells)])


CASES: list[tuple[str, str, str, bytes]] = [
    # (id, kind, filename, data)
    ("empty", "candidates", "c.csv", b""),
    ("only-bom", "candidates", "c.csv", b"\xef\xbb\xbf\r\n"),
    ("utf16", "candidates", "c.csv", "考生号,身份证号\r\n".encode("utf-16")),
    (
        "missing-column",
        "candidates",
        "c.csv",
        csv_bytes([CAND[:3], ["2600000009", FRESH_ID, "赵六"]]),
    ),
    (
        "unknown-column",
        "candidates",
        "c.csv",
        csv_bytes([[*CAND, "phone"], ["2600000009", FRESH_ID, "赵六", "IT", "1"]]),
    ),
    (
        "duplicated-column",
        "candidates",
        "c.csv",
        csv_bytes([[*CAND, "考生号"], ["2600000009", FRESH_ID, "赵六", "IT", "2600000009"]]),
    ),
    ("plans-header-only", "plans", "p.csv", csv_bytes([PLANS_HEADER])),
    ("candidates-header-only", "candidates", "c.csv", csv_bytes([CAND])),
    ("scores-header-only", "scores", "s.csv", csv_bytes([SCORES])),
    (
        "fifty-megabytes",
        "scores",
        "s.csv",
        b"candidate_no,chinese\r\n" + b"2600000001,1\r\n" * 3_900_000,
    ),
    ("xlsx-formula", "candidates", "c.xlsx", xlsx(formula=True)),
    ("xlsx-sheets", "candidates", "c.xlsx", xlsx(sheets=2)),
    ("legacy-xls", "candidates", "c.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100),
    (
        "dup-number-in-file",
        "candidates",
        "c.csv",
        csv_bytes(
            [
                CAND,
                ["2600000009", FRESH_ID, "赵六", "IT"],
                ["2600000009", "110105194912310046", "钱七", "IT"],
            ]
        ),
    ),
    (
        "dup-id-in-file",
        "candidates",
        "c.csv",
        csv_bytes(
            [CAND, ["2600000009", FRESH_ID, "赵六", "IT"], ["2600000010", FRESH_ID, "钱七", "IT"]]
        ),
    ),
    (
        "id-checksum",
        "candidates",
        "c.csv",
        csv_bytes([CAND, ["2600000009", "110105194912310022", "赵六", "IT"]]),
    ),
    (
        "id-length",
        "candidates",
        "c.csv",
        csv_bytes([CAND, ["2600000009", "11010519491231002", "赵六", "IT"]]),
    ),
    (
        "id-birth-date",
        "candidates",
        "c.csv",
        csv_bytes([CAND, ["2600000009", "110105194913310029", "赵六", "IT"]]),
    ),
    (
        "number-taken-in-db",
        "candidates",
        "c.csv",
        csv_bytes([CAND, ["2600000001", FRESH_ID, "赵六", "IT"]]),
    ),
    ("id-taken-in-db", "candidates", "c.csv", csv_bytes([CAND, ["2600000009", ID1, "赵六", "IT"]])),
    (
        "candidate-unknown-category",
        "candidates",
        "c.csv",
        csv_bytes([CAND, ["2600000009", FRESH_ID, "赵六", "XX"]]),
    ),
    (
        "negative-bonus",
        "candidates",
        "c.csv",
        csv_bytes([[*CAND, "加分"], ["2600000009", FRESH_ID, "赵六", "IT", "-5"]]),
    ),
    ("plan-unknown-batch", "plans", "p.csv", csv_bytes([PLANS_HEADER, ["TQ", *PLAN_OK[1:]]])),
    (
        "plan-unknown-category",
        "plans",
        "p.csv",
        csv_bytes([PLANS_HEADER, [*PLAN_OK[:5], "YY", "3", ""]]),
    ),
    (
        "plan-bad-institution-code",
        "plans",
        "p.csv",
        csv_bytes([PLANS_HEADER, ["BK", "1010", *PLAN_OK[2:]]]),
    ),
    (
        "plan-institution-renamed",
        "plans",
        "p.csv",
        csv_bytes([PLANS_HEADER, ["BK", "10101", "山东学院", *PLAN_OK[3:]]]),
    ),
    ("plan-negative-seats", "plans", "p.csv", csv_bytes([PLANS_HEADER, [*PLAN_OK[:6], "-1", ""]])),
    ("plan-fraction-seats", "plans", "p.csv", csv_bytes([PLANS_HEADER, [*PLAN_OK[:6], "2.5", ""]])),
    (
        "plan-unknown-scheme",
        "plans",
        "p.csv",
        csv_bytes([[*PLANS_HEADER, "scheme"], [*PLAN_OK, "bonus2"]]),
    ),
    (
        "plan-grouped-without-group",
        "plans",
        "p.csv",
        csv_bytes([PLANS_HEADER, ["ZK", *PLAN_OK[1:]]]),
    ),
    ("plan-duplicate-line", "plans", "p.csv", csv_bytes([PLANS_HEADER, PLAN_OK, PLAN_OK])),
    (
        "score-unknown-candidate",
        "scores",
        "s.csv",
        csv_bytes([SCORES, ["2699999999", "90", "100", "A"]]),
    ),
    (
        "score-above-max",
        "scores",
        "s.csv",
        csv_bytes([SCORES, ["2600000001", "120.5", "100", "A"]]),
    ),
    ("score-negative", "scores", "s.csv", csv_bytes([SCORES, ["2600000001", "-1", "100", "A"]])),
    (
        "score-not-a-number",
        "scores",
        "s.csv",
        csv_bytes([SCORES, ["2600000001", "九十", "100", "A"]]),
    ),
    (
        "score-too-many-decimals",
        "scores",
        "s.csv",
        csv_bytes([SCORES, ["2600000001", "90.25", "100", "A"]]),
    ),
    (
        "score-grade-not-in-table",
        "scores",
        "s.csv",
        csv_bytes([SCORES, ["2600000001", "90", "100", "F"]]),
    ),
    (
        "score-unknown-component",
        "scores",
        "s.csv",
        csv_bytes([["candidate_no", "数学"], ["2600000001", "90"]]),
    ),
    (
        "score-bad-rows-among-good",
        "scores",
        "s.csv",
        csv_bytes(
            [
                SCORES,
                ["2600000001", "90", "100", "A"],
                ["2600000003", "91", "231", "A"],
                ["2600000002", "80", "100", "B"],
                ["2600000004", "80", "100", "B"],
            ]
        ),
    ),
    (
        "score-duplicate-candidate",
        "scores",
        "s.csv",
        csv_bytes([SCORES, ["2600000001", "90", "100", "A"], ["2600000001", "91", "100", "A"]]),
    ),
    (
        "credit-unknown-candidate",
        "credits",
        "k.csv",
        csv_bytes([CREDITS, ["2699999999", "skill", "200", "国赛"]]),
    ),
    (
        "credit-unknown-component",
        "credits",
        "k.csv",
        csv_bytes([CREDITS, ["2600000001", "math", "100", "国赛"]]),
    ),
    (
        "credit-above-max",
        "credits",
        "k.csv",
        csv_bytes([CREDITS, ["2600000001", "skill", "231", "国赛"]]),
    ),
    (
        "credit-not-a-number",
        "credits",
        "k.csv",
        csv_bytes([CREDITS, ["2600000001", "skill", "满分", "国赛"]]),
    ),
    (
        "pref-unknown-candidate",
        "preferences",
        "v.csv",
        _pref("2699999999", "BK", "1", "1", "10101", "P1", "", "", ""),
    ),
    (
        "pref-unknown-batch",
        "preferences",
        "v.csv",
        _pref("2600000001", "TQ", "1", "1", "10101", "P1", "", "", ""),
    ),
    (
        "pref-over-max-choices",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "1", "4", "10101", "P1", "", "", ""),
    ),
    (
        "pref-other-category",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "1", "1", "10101", "P2", "", "", ""),
    ),
    (
        "pref-line-does-not-exist",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "1", "1", "10101", "P7", "", "", ""),
    ),
    (
        "pref-unknown-institution",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "1", "1", "99999", "P1", "", "", ""),
    ),
    (
        "pref-round-does-not-exist",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "3", "1", "10101", "P1", "", "", ""),
    ),
    (
        "pref-flat-without-program",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "1", "1", "10101", "", "G1", "", ""),
    ),
    (
        "pref-neither-program-nor-group",
        "preferences",
        "v.csv",
        _pref("2600000001", "BK", "1", "1", "10101", "", "", "", ""),
    ),
    (
        "pref-unknown-group",
        "preferences",
        "v.csv",
        _pref("2600000001", "ZK", "1", "1", "10102", "", "G9", "M1", "Y"),
    ),
    (
        "pref-major-not-in-group",
        "preferences",
        "v.csv",
        _pref("2600000001", "ZK", "1", "1", "10102", "", "G1", "M1;P1", "Y"),
    ),
    (
        "pref-major-twice",
        "preferences",
        "v.csv",
        _pref("2600000001", "ZK", "1", "1", "10102", "", "G1", "M1;M2;M1", "Y"),
    ),
    (
        "pref-group-of-other-category",
        "preferences",
        "v.csv",
        _pref("2600000002", "ZK", "1", "1", "10102", "", "G1", "M1", "Y"),
    ),
    (
        "pref-bad-adjust",
        "preferences",
        "v.csv",
        _pref("2600000001", "ZK", "1", "1", "10102", "", "G1", "M1", "可以"),
    ),
    (
        "pref-duplicate-choice",
        "preferences",
        "v.csv",
        csv_bytes(
            [
                PREFS,
                ["2600000001", "BK", "1", "1", "10101", "P1", "", "", ""],
                ["2600000001", "BK", "1", "1", "10101", "P1", "", "", ""],
            ]
        ),
    ),
]
