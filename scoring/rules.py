"""Load, validate and write back a rules file (TOML, docs/rules-reference.md).

Public API: :func:`load_rules` (path or text → :class:`~scoring.rules_model.Rules`),
:func:`dump_rules` (``Rules`` → TOML text that loads back equal) and :class:`RulesError`, which
lists every problem at once in Chinese, each naming the file, its line and column, and the key:
``rules.toml 第 12 行第 28 列（schemes.standard.formula）：未知的名称“englsh”``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from scoring.expr import ExprError, Expression, parse_condition, parse_expression
from scoring.rules_dump import dump_rules
from scoring.rules_errors import locate, toml_problem, unknown_type_name
from scoring.rules_model import (
    CHOICE,
    DERIVED,
    GROUPS,
    LEVELS,
    RESERVED,
    SHAPES,
    TIES,
    TYPE_NAMES,
    Batch,
    Component,
    Exam,
    Rules,
    Scheme,
)

__all__ = ["RuleIssue", "RulesError", "dump_rules", "load_rules"]

_CODE = re.compile(r"^[A-Za-z0-9-]+$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MAX_SCORE = Decimal(100000)


@dataclass(frozen=True)
class RuleIssue:
    """One problem in a rules file: its key, message (Chinese), the column inside an expression,
    and, when the text was at hand, the line and column in the file."""

    file: str
    key: str
    message: str
    column: int | None = None
    line: int | None = None
    at: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            where = f"第 {self.line} 行" + (f"第 {self.at} 列" if self.at else "")
            return (
                f"{self.file} {where}（{self.key}）：{self.message}"
                if self.key != "-"
                else (f"{self.file} {where}：{self.message}")
            )
        if self.key == "-":
            return f"{self.file}：{self.message}"
        inside = f"，表达式第 {self.column} 列" if self.column else ""
        return f"{self.file}（{self.key}{inside}）：{self.message}"


class RulesError(ValueError):
    """Every problem found in a rules file (规则文件错误)."""

    def __init__(self, errors: list[RuleIssue]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def load_rules(source: str | Path, name: str | None = None) -> Rules:
    """Load a rules file from a ``Path`` or from TOML text; raise :class:`RulesError`.

    A ``Path`` is reported by its file name; text by ``name`` (default ``"<rules>"``). Every
    problem names its line (and column) in the text.
    """
    if isinstance(source, Path):
        label = name or source.name
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise RulesError([RuleIssue(label, "-", "找不到这个文件")]) from exc
        except UnicodeDecodeError as exc:
            raise RulesError(
                [RuleIssue(label, "-", "无法读取：文件须为 UTF-8 编码的文本")]
            ) from exc
        except OSError as exc:
            raise RulesError([RuleIssue(label, "-", f"无法读取文件（{exc.strerror}）")]) from exc
    else:
        label, text = name or "<rules>", source
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        message, line, column = toml_problem(str(exc), text)
        raise RulesError([RuleIssue(label, "-", message, None, line, column)]) from exc
    try:
        return _Validator(label).rules(data)
    except RulesError as exc:
        raise RulesError([_placed(issue, text) for issue in exc.errors]) from None


def _placed(issue: RuleIssue, text: str) -> RuleIssue:
    """The issue with its line and column in ``text``, when the key can be found there."""
    found = locate(text, issue.key, issue.column)
    if found is None:
        return issue
    return replace(issue, line=found[0], at=found[1])


class _Validator:
    def __init__(self, label: str) -> None:
        self.label = label
        self.errors: list[RuleIssue] = []

    def err(self, key: str, message: str, column: int | None = None) -> None:
        self.errors.append(RuleIssue(self.label, key, message, column))

    def rules(self, data: dict[str, Any]) -> Rules:
        self.keys(data, "", {"exam", "components", "categories", "schemes", "batches"})
        exam = self.exam(self.table(data, "exam"))
        components = self.components(self.table(data, "components"))
        categories = self.categories(self.table(data, "categories"))
        comp_codes = [c.code for c in components]
        scheme_table = self.table(data, "schemes")
        schemes = self.schemes(scheme_table, comp_codes)
        scheme_codes = set(scheme_table)  # invalid schemes are reported once, not by every user
        batches = self.batches(data.get("batches", []), comp_codes, scheme_codes, categories)
        if exam.ranking is not None and exam.ranking not in scheme_codes:
            self.err("exam.ranking", f"计分方案“{exam.ranking}”不存在")
        if self.errors:
            raise RulesError(self.errors)
        return Rules(exam, tuple(components), tuple(categories), tuple(schemes), tuple(batches))

    # -- helpers ---------------------------------------------------------------------------
    def keys(self, table: dict[str, Any], prefix: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.err(f"{prefix}{key}", f"未知的键（可用的键：{'、'.join(sorted(allowed))}）")

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict) or not value:
            self.err(key, "缺少此表，或表中没有内容")
            return {}
        return value

    def text(
        self, t: dict[str, Any], key: str, path: str, pattern: re.Pattern[str] | None = None
    ) -> str:
        value = t.get(key)
        if not isinstance(value, str) or not value.strip():
            self.err(f"{path}{key}", "缺少必填的文字")
            return ""
        if pattern is not None and not pattern.match(value):
            self.err(f"{path}{key}", f"“{value}”含有不允许的字符（只能用字母、数字和“-”）")
        return value

    def integer(
        self, t: dict[str, Any], key: str, path: str, lo: int, hi: int, default: int | None = None
    ) -> int:
        value = t.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.err(f"{path}{key}", f"须为 {lo} 到 {hi} 之间的整数")
            return lo
        return value

    def number(
        self,
        t: dict[str, Any],
        key: str,
        path: str,
        lo: Decimal,
        hi: Decimal,
        default: Decimal | None = None,
    ) -> Decimal:
        value = t.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.err(f"{path}{key}", "须为数字")
            return lo
        dec = Decimal(value)
        if not dec.is_finite() or not lo <= dec <= hi:
            self.err(f"{path}{key}", f"须在 {lo} 到 {hi} 之间")
            return lo
        return dec

    def expr(self, source: Any, key: str, names: set[str], condition: bool) -> Expression | None:
        if not isinstance(source, str):
            self.err(key, '须为加引号的表达式，如 "skill >= 138"')
            return None
        if unknown := unknown_type_name(source, names, TYPE_NAMES):
            self.err(key, *unknown)
            return None
        try:
            if condition:
                return parse_condition(source, names)
            return parse_expression(source, names)
        except ExprError as exc:
            self.err(key, exc.message, exc.column)
            return None

    def expr_list(
        self, t: dict[str, Any], key: str, path: str, names: set[str], condition: bool
    ) -> tuple[Expression, ...]:
        value = t.get(key, [])
        if not isinstance(value, list):
            self.err(f"{path}{key}", '须为表达式列表，如 ["skill >= 138"]')
            return ()
        parsed = [self.expr(v, f"{path}{key}[{i}]", names, condition) for i, v in enumerate(value)]
        return tuple(p for p in parsed if p is not None)

    # -- sections --------------------------------------------------------------------------
    def exam(self, t: dict[str, Any]) -> Exam:
        self.keys(t, "exam.", {"code", "name", "province", "year", "ranking"})
        province = self.text(t, "province", "exam.")
        if province and not re.fullmatch(r"\d{2}0000", province):
            self.err("exam.province", f"“{province}”不是 GB/T 2260 省级行政区划代码（如 370000）")
        ranking = t.get("ranking")
        if ranking is not None and not isinstance(ranking, str):
            self.err("exam.ranking", "须为计分方案代码")
            ranking = None
        return Exam(
            self.text(t, "code", "exam.", _CODE),
            self.text(t, "name", "exam."),
            province,
            self.integer(t, "year", "exam.", 2000, 2100),
            ranking,
        )

    def components(self, t: dict[str, Any]) -> list[Component]:
        out = []
        for code, body in t.items():
            path = f"components.{code}."
            if not _IDENT.match(code) or code in RESERVED:
                self.err(
                    f"components.{code}",
                    "科目代码须由字母、数字、下划线组成，且不能用保留名称（total、culture、vocational 等）",
                )
            if not isinstance(body, dict):
                self.err(f"components.{code}", "须为表，如 [components.chinese]")
                continue
            self.keys(body, path, {"name", "max", "group", "grades"})
            grades = self.grades(body.get("grades"), path)
            if grades:
                top = max(v for _, v in grades)
                cap = self.number(body, "max", path, Decimal(0), _MAX_SCORE, top)
                if cap != top:
                    self.err(f"{path}max", f"等级科目的满分须等于最高等级的分数（{top}）")
            else:
                cap = self.number(body, "max", path, Decimal("0.5"), _MAX_SCORE)
            group = body.get("group")
            if group not in GROUPS:
                self.err(f"{path}group", "须为 culture（文化素质）或 vocational（职业技能）")
            out.append(Component(code, self.text(body, "name", path), cap, str(group), grades))
        return out

    def grades(self, value: Any, path: str) -> tuple[tuple[str, Decimal], ...]:
        if value is None:
            return ()
        if not isinstance(value, dict) or not value:
            self.err(f"{path}grades", "须为等级表，如 { A = 45, B = 40 }")
            return ()
        pairs = []
        for letter in value:
            pts = self.number(value, letter, f"{path}grades.", Decimal(0), _MAX_SCORE)
            pairs.append((letter, pts))
        return tuple(pairs)

    def categories(self, t: dict[str, Any]) -> list[tuple[str, str]]:
        out = []
        for code, name in t.items():
            if not _CODE.match(code) or code == "*":
                self.err(f"categories.{code}", "专业类别代码只能用字母、数字和“-”")
            if not isinstance(name, str) or not name.strip():
                self.err(f"categories.{code}", "专业类别须有名称")
                continue
            out.append((code, name))
        return out

    def schemes(self, t: dict[str, Any], comps: list[str]) -> list[Scheme]:
        out = []
        for code, body in t.items():
            path = f"schemes.{code}."
            if not isinstance(body, dict):
                self.err(f"schemes.{code}", "须为表，如 [schemes.standard]")
                continue
            self.keys(
                body, path, {"formula", "decimals", "bonus_cap", "qualify", "tiebreak", "ties"}
            )
            formula = self.expr(
                body.get("formula"), f"{path}formula",
                {*comps, "culture", "vocational", *TYPE_NAMES}, False,
            )  # fmt: skip
            every = {*comps, *DERIVED, *TYPE_NAMES}
            decimals = self.integer(body, "decimals", path, 0, 6, 2)
            cap = self.number(body, "bonus_cap", path, Decimal(0), _MAX_SCORE, Decimal(0))
            qualify = self.expr_list(body, "qualify", path, every, True)
            tiebreak = self.expr_list(body, "tiebreak", path, {*every, CHOICE}, False)
            self.choice_shape(tiebreak, path)
            ties = body.get("ties", "share")
            if ties not in TIES:
                self.err(
                    f"{path}ties", "须为 share（同分并列投档）或 candidate_no（考生号小者优先）"
                )
            if formula is not None:
                out.append(Scheme(code, formula, decimals, cap, qualify, tiebreak, str(ties)))
        return out

    def choice_shape(self, parsed: tuple[Expression, ...], path: str) -> None:
        uses = [e for e in parsed if CHOICE in e.names]
        for e in uses:
            if e.source.replace(" ", "") not in ("choice", "-choice"):
                self.err(
                    f"{path}tiebreak",
                    f"choice（志愿序号）只能单独使用，写作 choice 或 -choice：“{e.source}”",
                )
        if len(uses) > 1:
            self.err(f"{path}tiebreak", "choice（志愿序号）只能出现一次")

    def batches(
        self, raw: Any, comps: list[str], schemes: set[str], cats: list[tuple[str, str]]
    ) -> list[Batch]:
        if not isinstance(raw, list):
            self.err("batches", "须为表数组，每个批次以 [[batches]] 开头")
            return []
        out, seen = [], set()
        for i, body in enumerate(raw):
            path = f"batches[{i}]."
            if not isinstance(body, dict):
                self.err(f"batches[{i}]", "须为表，以 [[batches]] 开头")
                continue
            self.keys(
                body,
                path,
                {
                    "code",
                    "name",
                    "scheme",
                    "shape",
                    "max_choices",
                    "majors_per_group",
                    "ratio",
                    "rounds",
                    "lines",
                    "level",
                },
            )
            code = self.text(body, "code", path, _CODE)
            if code in seen:
                self.err(f"{path}code", f"批次“{code}”重复")
            seen.add(code)
            scheme = self.text(body, "scheme", path)
            if scheme and scheme not in schemes:
                self.err(f"{path}scheme", f"计分方案“{scheme}”不存在")
            shape = body.get("shape", "flat")
            if shape not in SHAPES:
                self.err(f"{path}shape", "须为 flat（平行志愿）或 grouped（院校专业组）")
            majors = None
            if shape == "grouped":
                majors = self.integer(body, "majors_per_group", path, 1, 20)
            elif "majors_per_group" in body:
                self.err(f"{path}majors_per_group", "只有 grouped（院校专业组）批次才设每组专业数")
            out.append(Batch(
                code, self.text(body, "name", path), scheme, str(shape),
                self.integer(body, "max_choices", path, 1, 1000),
                majors,
                self.number(body, "ratio", path, Decimal(1), Decimal(2), Decimal(1)),
                self.integer(body, "rounds", path, 1, 20, 1),
                self.lines(body.get("lines", {}), path, comps, cats),
                self.level(body, path),
            ))  # fmt: skip
        return out

    def level(self, body: dict[str, Any], path: str) -> str | None:
        level = body.get("level")
        if level is not None and level not in LEVELS:
            self.err(f"{path}level", '层次须为 "本科" 或 "专科"')
            return None
        return level

    def lines(
        self, raw: Any, path: str, comps: list[str], cats: list[tuple[str, str]]
    ) -> tuple[tuple[str, tuple[Expression, ...]], ...]:
        if not isinstance(raw, dict):
            self.err(f"{path}lines", "须为表：专业类别代码 = [条件, …]")
            return ()
        known = {c for c, _ in cats} | {"*"}
        out = []
        for cat in raw:
            if cat not in known:
                self.err(f"{path}lines.{cat}", f"专业类别“{cat}”不存在")
            out.append((cat, self.expr_list(raw, cat, f"{path}lines.", {*comps, *DERIVED}, True)))
        return tuple(out)
