"""Column specifications of docs/formats.md: imports (what a file may contain) and exports (what we write)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from admissions.files import parsers as p

RowCheck = Callable[[Mapping[str, str | None]], list[tuple[str, str]]]
"""A check over a whole parsed row: returns (column key, message) pairs."""

KINDS = ("plans", "candidates", "scores", "credits", "preferences", "decisions", "scale")
DEFAULT_MAX_LENGTH = 2000  # characters of a cell whose column sets no length of its own


@dataclass(frozen=True)
class Column:
    """One import column: English key, Chinese alias(es), required or not, its cell parser and
    the most characters a cell may hold (the services set it from the database column)."""

    key: str
    aliases: tuple[str, ...]
    required: bool = True
    parser: p.Parser = p.text
    max_length: int = DEFAULT_MAX_LENGTH

    @property
    def label(self) -> str:
        """The key with its first alias, for messages: `candidate_no（考生号）`."""
        return f"{self.key}（{self.aliases[0]}）" if self.aliases else self.key


@dataclass(frozen=True)
class TableSpec:
    """An import kind: its columns, whether a header-only file is fine, and in-file unique keys."""

    kind: str
    columns: tuple[Column, ...]
    empty_ok: bool = False
    unique: tuple[tuple[str, ...], ...] = ()
    row_checks: tuple[RowCheck, ...] = field(default=())

    def column(self, key: str) -> Column:
        """The column with this English key."""
        return next(column for column in self.columns if column.key == key)

    def with_lengths(self, lengths: Mapping[str, int]) -> TableSpec:
        """The same spec, each column named in `lengths` limited to that many characters."""
        columns = tuple(
            replace(column, max_length=lengths[column.key]) if column.key in lengths else column
            for column in self.columns
        )
        return replace(self, columns=columns)


@dataclass(frozen=True)
class ComponentInfo:
    """What the scores file needs to know of a component: code, name, maximum and grade table."""

    code: str
    name: str
    max: Decimal
    grades: Mapping[str, Decimal] | None = None


def _c(key: str, alias: str, required: bool = True, parser: p.Parser = p.code) -> Column:
    return Column(key, (alias,), required, parser)


_COUNT = p.integer(0)
_POSITIVE = p.integer(1)
_POINTS = p.decimal(places=2)


def plans_spec() -> TableSpec:
    """招生计划."""
    columns = (
        _c("batch", "批次"),
        _c("institution_code", "院校代码"),
        _c("institution_name", "院校名称", parser=p.text),
        _c("program_code", "专业代码"),
        _c("program_name", "专业名称", parser=p.text),
        _c("category", "专业类别"),
        _c("seats", "计划数", parser=_COUNT),
        _c("group", "专业组", False),
        _c("scheme", "计分方案", False),
        _c("requirements", "报考要求", False, p.semicolon_list),
        _c("tuition", "学费", False, _COUNT),
        _c("years", "学制", False, p.integer(1, 10)),
        _c("ownership", "办学性质", False, p.text),
        _c("institution_type", "院校类型", False, p.text),
        _c("notes", "备注", False, p.text),
        _c("types", "考生类型限制", False, p.semicolon_list),
    )
    return TableSpec("plans", columns, unique=(("batch", "institution_code", "program_code"),))


def scale_spec() -> TableSpec:
    """核定招生规模: one row per level (province total) or per institution and level."""
    columns = (
        _c("level", "层次", parser=p.text),
        _c("institution_code", "院校代码", False),
        _c("seats", "核定数", parser=_COUNT),
        _c("reserved", "预留数", False, _COUNT),
    )
    return TableSpec("scale", columns, unique=(("level", "institution_code"),))


def candidates_spec() -> TableSpec:
    """考生."""
    columns = (
        _c("candidate_no", "考生号"),
        _c("national_id", "身份证号", parser=p.national_id),
        _c("name", "姓名", parser=p.text),
        _c("category", "专业类别"),
        _c("type", "考生类型", False, p.text),
        _c("school", "毕业学校", False, p.text),
        _c("bonus", "加分", False, _POINTS),
        _c("bonus_reason", "加分原因", False, p.text),
        _c("work_employer", "工作单位", False, p.text),
        _c("work_years", "工作年限", False, p.integer(0, 60)),
    )
    return TableSpec("candidates", columns, unique=(("candidate_no",), ("national_id",)))


def score_parser(component: ComponentInfo, places: int = 1) -> p.Parser:
    """Grade letter for graded components, else a number in 0..max with `places` decimals."""
    if component.grades:
        return p.grade(component.grades)
    return p.decimal(maximum=component.max, places=places)


def scores_spec(components: Sequence[ComponentInfo], places: int = 1) -> TableSpec:
    """成绩: candidate_no, then one optional column per component, named by code or Chinese name.

    A blank score is absent (allowed); `places` is the most decimals a score may have (half points).
    """
    columns = [_c("candidate_no", "考生号")]
    for component in components:
        parser = score_parser(component, places)
        columns.append(Column(component.code, (component.name,), False, parser))
    return TableSpec("scores", tuple(columns), unique=(("candidate_no",),))


def credits_spec() -> TableSpec:
    """认定成绩."""
    columns = (
        _c("candidate_no", "考生号"),
        _c("component", "科目"),
        _c("value", "分值", parser=_POINTS),
        _c("reason", "原因", False, p.text),
    )
    return TableSpec("credits", columns, empty_ok=True, unique=(("candidate_no", "component"),))


def _flat_or_grouped(row: Mapping[str, str | None]) -> list[tuple[str, str]]:
    if not row.get("program_code") and not row.get("group"):
        return [("program_code", "需填写专业代码（平行志愿）或专业组（院校专业组志愿）")]
    return []


def _choice_limit(max_choices: Mapping[str, int]) -> RowCheck:
    def check(row: Mapping[str, str | None]) -> list[tuple[str, str]]:
        batch, choice = row.get("batch"), row.get("choice")
        limit = max_choices.get(batch) if batch else None
        if limit is not None and choice is not None and int(choice) > limit:
            return [("choice", f"志愿序号 {choice} 超过批次 {batch} 的上限 {limit}")]
        return []

    return check


def preferences_spec(max_choices: Mapping[str, int] | None = None) -> TableSpec:
    """志愿: flat rows carry program_code; grouped rows carry group, majors and adjust.

    `max_choices` (batch code → most choices) adds the in-file check of the batch's limit.
    """
    columns = (
        _c("candidate_no", "考生号"),
        _c("batch", "批次"),
        _c("round", "轮次", parser=_POSITIVE),
        _c("choice", "志愿序号", parser=_POSITIVE),
        _c("institution_code", "院校代码"),
        _c("program_code", "专业代码", False),
        _c("group", "专业组", False),
        _c("majors", "专业", False, p.code_list),
        _c("adjust", "服从调剂", False, p.yes_no),
    )
    unique = (("candidate_no", "batch", "round", "choice"),)
    checks = (_flat_or_grouped, *((_choice_limit(max_choices),) if max_choices else ()))
    return TableSpec("preferences", columns, True, unique, checks)


def _reason_for_reject(row: Mapping[str, str | None]) -> list[tuple[str, str]]:
    if row.get("decision") == "reject" and not row.get("reason"):
        return [("reason", "退档必须填写原因")]
    return []


def decisions_spec() -> TableSpec:
    """录取/退档."""
    columns = (
        _c("candidate_no", "考生号"),
        _c("batch", "批次"),
        _c("round", "轮次", parser=_POSITIVE),
        _c("decision", "结论", parser=p.decision),
        _c("program_code", "专业代码", False),
        _c("reason", "原因", False, p.text),
    )
    unique = (("candidate_no", "batch", "round"),)
    return TableSpec("decisions", columns, True, unique, (_reason_for_reject,))


def spec_for(kind: str, components: Sequence[ComponentInfo] = ()) -> TableSpec:
    """The spec of an import KIND; scores need the exam's components."""
    builders: dict[str, Callable[[], TableSpec]] = {
        "plans": plans_spec,
        "candidates": candidates_spec,
        "scores": lambda: scores_spec(components),
        "credits": credits_spec,
        "preferences": preferences_spec,
        "decisions": decisions_spec,
        "scale": scale_spec,
    }
    if kind not in builders:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(KINDS)}")
    return builders[kind]()


# ---- exports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    """One export column: English key, Chinese alias, and whether its values are numbers."""

    key: str
    zh: str
    numeric: bool = False

    def header(self, headers: str = "en") -> str:
        """The header text: the English key, or the Chinese alias with headers="zh"."""
        return self.zh if headers == "zh" else self.key


def _e(key: str, zh: str, numeric: bool = False) -> ExportColumn:
    return ExportColumn(key, zh, numeric)


EXPORTS: dict[str, tuple[ExportColumn, ...]] = {
    "admissions": (
        _e("exam", "考试"),
        _e("batch", "批次"),
        _e("round", "轮次", True),
        _e("category", "专业类别"),
        _e("candidate_no", "考生号"),
        _e("name", "姓名"),
        _e("national_id", "身份证号"),
        _e("institution_code", "院校代码"),
        _e("institution_name", "院校名称"),
        _e("program_code", "专业代码"),
        _e("program_name", "专业名称"),
        _e("total", "总分", True),
        _e("rank", "位次", True),
        _e("choice", "志愿序号", True),
        _e("status", "状态"),
        _e("reason", "原因"),
    ),
    "cutoffs": (
        _e("batch", "批次"),
        _e("round", "轮次", True),
        _e("category", "专业类别"),
        _e("institution_code", "院校代码"),
        _e("program_code", "专业代码"),
        _e("seats", "计划数", True),
        _e("dispatched", "投档数", True),
        _e("min_total", "最低分", True),
        _e("min_rank", "最低位次", True),
    ),
    "plans": (  # the plans import's columns, so that an exported plan imports back
        _e("batch", "批次"),
        _e("institution_code", "院校代码"),
        _e("institution_name", "院校名称"),
        _e("program_code", "专业代码"),
        _e("program_name", "专业名称"),
        _e("category", "专业类别"),
        _e("seats", "计划数", True),
        _e("group", "专业组"),
        _e("scheme", "计分方案"),
        _e("requirements", "报考要求"),
        _e("tuition", "学费", True),
        _e("years", "学制", True),
        _e("ownership", "办学性质"),
        _e("institution_type", "院校类型"),
        _e("notes", "备注"),
        _e("types", "考生类型限制"),
    ),
    "ranktable": (
        _e("category", "专业类别"),
        _e("score", "分数", True),
        _e("count", "人数", True),
        _e("cumulative", "累计人数", True),
    ),
}


def export_columns(kind: str, keys: Iterable[str] | None = None) -> tuple[ExportColumn, ...]:
    """The columns of an export KIND, all of them or the chosen `keys` in the given order."""
    if kind not in EXPORTS:
        raise ValueError(f"unknown export kind {kind!r}; expected one of {', '.join(EXPORTS)}")
    available = {column.key: column for column in EXPORTS[kind]}
    if keys is None:
        return EXPORTS[kind]
    chosen = list(keys)
    unknown = [key for key in chosen if key not in available]
    if unknown:
        raise ValueError(f"未知的导出列：{', '.join(unknown)}（可选：{', '.join(available)}）")
    if not chosen:
        raise ValueError("至少选择一列导出")
    return tuple(available[key] for key in chosen)
