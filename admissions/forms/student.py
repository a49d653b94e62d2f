"""Forms of candidates: registration and its edit; preference lists are parsed here too."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from admissions.models.candidate import CANDIDATE_TYPES
from admissions.services.students.preferences import ChoiceInput
from admissions.services.students.registration import (
    EXCLUDED_TRACK_MESSAGE,
    EXCLUDED_TRACKS,
    SCHOOL_TRACKS,
    RegistrationInput,
)

PHONE = Regexp(r"^1\d{10}$", message="请输入11位手机号码")


def _whole_years(text: object) -> int | None:
    value = str(text or "").strip()
    return int(value) if value.isdigit() and len(value) <= 2 else None


class RegistrationEditForm(FlaskForm):
    """The fields a candidate may change while registration is open."""

    name = StringField(
        "姓名", validators=[DataRequired(message="请输入姓名"), Length(max=30)],
        render_kw={"autocomplete": "name"},
    )  # fmt: skip
    category_code = SelectField("专业类别", validators=[DataRequired(message="请选择专业类别")])
    candidate_type = SelectField(
        "考生类型", choices=[SelectChoice("", "请选择")] + [SelectChoice(t, t) for t in CANDIDATE_TYPES],
        validators=[DataRequired(message="请选择考生类型")],
    )  # fmt: skip
    work_employer = StringField(
        "工作单位", validators=[Length(max=100)],
        description="考生类型为“具有工作经历”时必填：现在或最近的工作单位（退役军人填原部队）",
    )  # fmt: skip
    work_years = StringField(
        "工作年限（年）", validators=[Length(max=4)], render_kw={"inputmode": "numeric"},
        description="考生类型为“具有工作经历”时必填：累计工作整年数",
    )  # fmt: skip
    school = StringField("毕业学校（中职）", validators=[Length(max=100)])
    major = StringField("所学专业", validators=[Length(max=100)])
    phone = StringField(
        "手机号码", validators=[DataRequired(message="请输入手机号码"), PHONE],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )  # fmt: skip
    submit = SubmitField("保存")

    def set_categories(self, names: Mapping[str, str]) -> None:
        """Offer the exam's categories."""
        self.category_code.choices = [SelectChoice("", "请选择")] + [
            SelectChoice(code, f"{name}（{code}）") for code, name in names.items()
        ]

    def to_input(self, national_id: str) -> RegistrationInput:
        """The validated data, stripped."""
        return RegistrationInput(
            national_id=national_id,
            name=(self.name.data or "").strip(),
            category_code=self.category_code.data or "",
            candidate_type=self.candidate_type.data or "",
            school=(self.school.data or "").strip(),
            major=(self.major.data or "").strip(),
            phone=(self.phone.data or "").strip(),
            work_employer=(self.work_employer.data or "").strip(),
            work_years=_whole_years(self.work_years.data),
        )


class RegistrationForm(RegistrationEditForm):
    """A new registration: the edit fields plus the ID number and a password."""

    national_id = StringField(
        "身份证号", validators=[DataRequired(message="请输入身份证号"), Length(max=30)],
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )  # fmt: skip
    password = PasswordField(
        "设置密码（至少8位）",
        validators=[DataRequired(message="请设置密码"), Length(min=8, max=200, message="密码至少8位")],
        render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    confirm = PasswordField(
        "再次输入密码",
        validators=[EqualTo("password", message="两次输入的密码不一致")],
        render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    track = SelectField(
        "就读学制",
        choices=[SelectChoice("", "请选择")] + [SelectChoice(k, v) for k, v in SCHOOL_TRACKS.items()],
        validators=[DataRequired(message="请选择就读学制")],
    )  # fmt: skip
    submit = SubmitField("提交报名")

    def validate_track(self, field: SelectField) -> None:
        """贯通 students may not register: say so at the question, before anything else."""
        if field.data in EXCLUDED_TRACKS:
            raise ValidationError(EXCLUDED_TRACK_MESSAGE)

    def to_input(self, national_id: str) -> RegistrationInput:
        """The validated data, stripped, with the 学制 answer."""
        return replace(super().to_input(national_id), track=self.track.data or "")


_ITEM = re.compile(r"^item-(\d{1,3})-(line|pos|group|adjust|major-(\d{1,2}))$")


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@dataclass(frozen=True)
class PositionProblem:
    """A position field the list refuses: the 0-based row, the message, the row it repeats."""

    row: int
    message: str
    other: int | None = None


def _rows(form: Mapping[str, str]) -> list[tuple[str | None, ChoiceInput]]:
    """(typed position, choice) of each non-empty row, in the order of the rows on the page
    (position None: the row has no position field, as in a list posted by a script)."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _ITEM.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    found = []
    for index in sorted(rows):
        row = rows[index]
        majors = [
            line_id
            for name in sorted((k for k in row if k.startswith("major-")), key=lambda k: int(k[6:]))
            if (line_id := _int_or_none(row[name])) is not None
        ]
        choice = ChoiceInput(
            plan_line_id=_int_or_none(row.get("line")),
            group=(row.get("group") or "").strip() or None,
            majors=tuple(majors),
            adjust=row.get("adjust") in {"y", "on", "1"},
        )
        if choice.plan_line_id is not None or choice.group is not None:
            typed = row.get("pos")
            found.append((typed.strip() if typed is not None else None, choice))
    return found


def _moves(typed: list[str | None]) -> tuple[dict[int, int], list[PositionProblem]]:
    """Row → the position typed into it, for rows whose typed position differs from where the
    row stands (1-based); and the problems: not an integer 1..n, or a repeat of another move."""
    n = len(typed)
    moves: dict[int, int] = {}
    problems = []
    taken: dict[int, int] = {}
    for row, text in enumerate(typed):
        if text is None:
            continue
        position = _int_or_none(text)
        if position is None or not 1 <= position <= n:
            shown = text[:10] or "（空）"
            problems.append(
                PositionProblem(row, f"志愿序号“{shown}”无效，请填写 1 到 {n} 之间的整数")
            )
            continue
        if position == row + 1:
            continue
        if position in taken:
            problems.append(
                PositionProblem(row, f"志愿序号 {position} 重复", other=taken[position])
            )
            continue
        taken[position] = row
        moves[row] = position
    return moves, problems


def parse_choices(form: Mapping[str, str]) -> list[ChoiceInput]:
    """The ordered list a preference form posts (rows ``item-N-*``; empty slots dropped).

    A row whose position field was changed moves there, the other rows keep their order in the
    places left; a position that is not an integer 1..n, or that repeats another moved row's,
    moves nothing (``position_problems`` names it).
    """
    rows = _rows(form)
    moves, _ = _moves([typed for typed, _ in rows])
    placed: list[ChoiceInput | None] = [None] * len(rows)
    for row, position in moves.items():
        placed[position - 1] = rows[row][1]
    rest = iter(choice for row, (_, choice) in enumerate(rows) if row not in moves)
    return [slot if slot is not None else next(rest) for slot in placed]


def page_order(form: Mapping[str, str]) -> tuple[list[ChoiceInput], list[str | None]]:
    """The posted rows as they stood on the page, and what was typed in each position field."""
    rows = _rows(form)
    return [choice for _, choice in rows], [typed for typed, _ in rows]


def position_problems(form: Mapping[str, str]) -> list[PositionProblem]:
    """Every position field the list refuses, in row order."""
    _, problems = _moves([typed for typed, _ in _rows(form)])
    return problems


def edit_choices(
    choices: list[ChoiceInput], form: Mapping[str, str], grouped: bool
) -> list[ChoiceInput]:
    """Apply the button pressed (add / remove / up / down) to the posted list, without saving.

    ``add`` carries a plan line id (flat) or ``"<group key>|<line id>"`` (grouped: the line joins
    its group's majors, the group is appended if not listed yet); the others carry the 0-based row
    index. An unknown or out-of-range value changes nothing.
    """
    choices = list(choices)
    if "add" in form:
        return _added(choices, form["add"].strip(), grouped)
    for action, step in (("up", -1), ("down", 1), ("remove", 0)):
        index = _int_or_none(form.get(action))
        if index is None or not 0 <= index < len(choices):
            continue
        if step == 0:
            del choices[index]
        elif 0 <= index + step < len(choices):
            choices[index], choices[index + step] = choices[index + step], choices[index]
    return choices


def _added(choices: list[ChoiceInput], value: str, grouped: bool) -> list[ChoiceInput]:
    if not grouped:
        line_id = _int_or_none(value)
        return choices + [ChoiceInput(plan_line_id=line_id)] if line_id is not None else choices
    group, _, line = value.partition("|")
    line_id = _int_or_none(line)
    if not group or line_id is None:
        return choices
    for index, choice in enumerate(choices):
        if choice.group == group:
            if line_id not in choice.majors:
                majors = (*choice.majors, line_id)
                choices[index] = ChoiceInput(group=group, majors=majors, adjust=choice.adjust)
            return choices
    return choices + [ChoiceInput(group=group, majors=(line_id,), adjust=True)]
