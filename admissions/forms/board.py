"""Forms of exam-board pages: imports, score correction, audit filter, double entry."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

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
    since = ChineseDateField("起始日期（北京时间）", validators=[Optional()])
    until = ChineseDateField("截止日期（北京时间）", validators=[Optional()])

    def offer_actions(self, actions: list[str]) -> None:
        """Offer the actions recorded for the exam, by their Chinese names, in the filter."""
        named = sorted(actions, key=lambda a: (action_name(a) == a, action_name(a)))
        self.action.choices = [
            SelectChoice("", "全部"),
            *(SelectChoice(a, action_name(a)) for a in named),
        ]

    def validate_until(self, field: ChineseDateField) -> None:
        """A range that ends before it starts is a typo, said so."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("截止日期不能早于起始日期")


class KeyingSheetForm(FlaskForm):
    """A new double-entry sheet: its name, components, and candidates (typed or a category)."""

    name = StringField(
        "录入单名称",
        validators=[Length(max=100, message="名称最多 100 字")],
        description="例如「技能测试 第3考场」",
    )
    components = SelectMultipleField(
        "科目", widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validate_choice=False,
    )  # fmt: skip
    numbers = TextAreaField(
        "考生号（每行一个，或用逗号、空格分隔）",
        validators=[Length(max=20000, message="考生号太多，一张录入单最多 500 名考生")],
    )
    category = SelectField("或：某专业类别的全部考生", validate_choice=False)
    submit = SubmitField("建立录入单")


class KeyingResolveForm(FlaskForm):
    """Settle one difference of a sheet (fields are rendered by hand, one small form per cell)."""

    candidate_id = IntegerField(validators=[DataRequired("缺少考生")])
    component = StringField(validators=[DataRequired("缺少科目")])
    choice = StringField()
    value = StringField(validators=[Length(max=20)])
    reason = StringField(validators=[Length(max=500, message="原因最多 500 字")])


class KeyingCancelForm(FlaskForm):
    """Cancel (作废) a sheet, with a reason."""

    reason = StringField("作废原因", validators=[Length(max=500, message="原因最多 500 字")])
    submit = SubmitField("作废录入单")


class PasswordResetForm(FlaskForm):
    """Reset a student's password at the board's counter: the reason is required and audited."""

    reason = TextAreaField(
        "重置原因",
        validators=[
            DataRequired("请填写重置原因（如：本人持身份证到考试院办理）"),
            Length(max=500, message="原因最多 500 字"),
        ],
    )
    submit = SubmitField("重置密码并生成临时密码")


class VoidRegistrationForm(FlaskForm):
    """Void a registration made with another person's ID number: the reason is required."""

    reason = TextAreaField(
        "作废原因",
        validators=[
            DataRequired("请填写作废原因（如：经核验，该报名冒用他人身份证号）"),
            Length(max=500, message="原因最多 500 字"),
        ],
    )
    submit = SubmitField("作废此报名")
