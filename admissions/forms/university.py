"""Forms of university staff: decisions (one or bulk), decision upload, API tokens."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from admissions.services.rounds.decisions import REJECT_REASONS

DECISION_CHOICES = [SelectChoice("admit", "录取"), SelectChoice("reject", "退档")]
REASON_CHOICES = [SelectChoice("", "（退档时必选）"), *[SelectChoice(r, r) for r in REJECT_REASONS]]


class _ReasonMixin:
    """A reject needs a reason from the list; the free text adds the details."""

    def reason_text(self) -> str:
        """The stored reason: the chosen reason, then the details after a colon."""
        code = (self.reason_code.data or "").strip()  # type: ignore[attr-defined]
        details = (self.reason_details.data or "").strip()  # type: ignore[attr-defined]
        return f"{code}：{details}" if code and details else code

    def check_reason(self) -> bool:
        """Add an error when a reject has no reason (or 其他 without details)."""
        if self.decision.data != "reject":  # type: ignore[attr-defined]
            return True
        if not self.reason_code.data:  # type: ignore[attr-defined]
            self.reason_code.errors.append("退档必须选择原因")  # type: ignore[attr-defined]
            return False
        if self.reason_code.data not in REJECT_REASONS:  # type: ignore[attr-defined]
            self.reason_code.errors.append("请从列表中选择退档原因")  # type: ignore[attr-defined]
            return False
        if self.reason_code.data == "其他" and not (self.reason_details.data or "").strip():  # type: ignore[attr-defined]
            self.reason_details.errors.append("选择“其他”时请填写具体原因")  # type: ignore[attr-defined]
            return False
        return True


class DecisionForm(_ReasonMixin, FlaskForm):
    """Admit or reject one dispatched candidate (grouped batches: the major may change)."""

    decision = RadioField("结论", choices=DECISION_CHOICES, validators=[DataRequired("请选择结论")])
    reason_code = SelectField("退档原因", choices=REASON_CHOICES, validate_choice=False)
    reason_details = StringField("具体说明", validators=[Optional(), Length(max=300)])
    program_code = SelectField("录取专业", choices=[], validate_choice=False)
    submit = SubmitField("提交结论")

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def, override]
        """Field checks, then the reject-needs-a-reason rule."""
        return super().validate(extra_validators) and self.check_reason()


class BulkDecisionForm(_ReasonMixin, FlaskForm):
    """The same decision for every ticked candidate of the review list."""

    decision = SelectField("对选中考生", choices=DECISION_CHOICES)
    reason_code = SelectField("退档原因", choices=REASON_CHOICES, validate_choice=False)
    reason_details = StringField("具体说明", validators=[Optional(), Length(max=300)])
    submit = SubmitField("批量提交")

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def, override]
        """Field checks, then the reject-needs-a-reason rule."""
        return super().validate(extra_validators) and self.check_reason()


class DecisionUploadForm(FlaskForm):
    """A decisions file (CSV or XLSX) for the exam of this round."""

    file = FileField(
        "录取结论文件（CSV 或 XLSX）",
        validators=[
            FileRequired("请选择文件"),
            FileAllowed(["csv", "xlsx"], "只接受 CSV 或 XLSX 文件"),
        ],
    )
    submit = SubmitField("上传并导入")


class TokenForm(FlaskForm):
    """A new API token of the institution."""

    name = StringField("令牌名称", validators=[DataRequired("请填写名称"), Length(max=60)])
    days = IntegerField(
        "有效天数",
        default=90,
        validators=[DataRequired("请填写有效天数"), NumberRange(1, 366, "有效天数应为 1 至 366")],
    )
    submit = SubmitField("创建令牌")


class RevokeForm(FlaskForm):
    """Revoke one token (a POST with CSRF)."""

    token_id = HiddenField()
    submit = SubmitField("吊销")

    def validate_token_id(self, field: HiddenField) -> None:
        """The id must be a number."""
        if not str(field.data or "").isdigit():
            raise ValidationError("无效的令牌")


class LettersForm(FlaskForm):
    """Start the bulk letters job of a round (a POST with CSRF)."""

    submit = SubmitField("生成本轮录取通知书（PDF）")
