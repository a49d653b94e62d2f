"""Forms of exam-board pages: import upload and confirmation, score correction, audit filter."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from admissions.audit_names import action_name


class ChineseDateField(DateField):
    """A date field whose format error is said in Chinese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("日期格式应为 年-月-日，例如 2026-06-25") from None


class UploadForm(FlaskForm):
    """Choose a CSV or XLSX file to check and preview."""

    file = FileField(
        "文件（CSV 或 XLSX）",
        validators=[
            FileRequired("请选择要导入的文件"),
            FileAllowed(["csv", "xlsx"], "只接受 CSV 或 XLSX 文件"),
        ],
    )
    submit = SubmitField("上传并预览")


class ConfirmForm(FlaskForm):
    """Confirm an import after its preview (the file is re-read from the server)."""

    submit = SubmitField("确认导入")


class ScoreReasonForm(FlaskForm):
    """The reason of a score correction; score fields are read from the grid by component code."""

    reason = TextAreaField(
        "修改原因",
        validators=[DataRequired("请填写修改原因"), Length(max=500, message="原因最多 500 字")],
    )
    submit = SubmitField("保存成绩")


class CandidateSearchForm(FlaskForm):
    """Find a candidate by number, ID number or name (GET, no CSRF needed)."""

    class Meta:
        csrf = False

    q = StringField("考生号、身份证号或姓名", validators=[Optional(), Length(max=60)])


class AuditFilterForm(FlaskForm):
    """Filter an exam's audit log (GET, no CSRF needed)."""

    class Meta:
        csrf = False

    action = SelectField(
        "操作", choices=[SelectChoice("", "全部")], validators=[Optional()], validate_choice=False
    )
    actor = StringField("操作人（用户名）", validators=[Optional(), Length(max=60)])
    candidate_no = StringField("考生号", validators=[Optional(), Length(max=20)])
    since = ChineseDateField("起始日期", validators=[Optional()])
    until = ChineseDateField("截止日期", validators=[Optional()])

    def offer_actions(self, actions: list[str]) -> None:
        """Offer the actions recorded for the exam, by their Chinese names, in the filter."""
        named = sorted(actions, key=lambda a: (action_name(a) == a, action_name(a)))
        self.action.choices = [
            SelectChoice("", "全部"),
            *(
                SelectChoice(a, f"{action_name(a)}（{a}）" if action_name(a) != a else a)
                for a in named
            ),
        ]

    def validate_until(self, field: ChineseDateField) -> None:
        """A range that ends before it starts is a typo, said so."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("截止日期不能早于起始日期")
