"""Forms of the administrator's pages: provinces, exams, institutions, accounts."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional

from admissions.models.plan import INSTITUTION_TYPES
from admissions.services.accounts import MIN_PASSWORD_LENGTH


def optional_int(value: object) -> int | None:
    """A select's value as an int, or None when blank or not a number (then "please choose")."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


class ProvinceForm(FlaskForm):
    """A new province: GB/T 2260 code and name."""

    code = StringField("省份代码（6 位，如 370000）", validators=[DataRequired("请输入省份代码")])
    name = StringField("名称", validators=[DataRequired("请输入名称")])
    submit = SubmitField("新增省份")


class RenameForm(FlaskForm):
    """A new name for a province."""

    name = StringField("新名称", validators=[DataRequired("请输入名称")])
    submit = SubmitField("改名")


class ChineseIntegerField(IntegerField):
    """An integer field whose format error is said in Chinese."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("请输入整数年份，如 2026") from None


class ExamForm(FlaskForm):
    """A new exam of a province; its rules file is loaded by the board afterwards."""

    province_id = SelectField("省份", coerce=optional_int, validate_choice=False)
    code = StringField(
        "考试代码（字母、数字、-，如 SD2026CK）", validators=[DataRequired("请输入考试代码")]
    )
    name = StringField("名称", validators=[DataRequired("请输入考试名称")])
    year = ChineseIntegerField("年份", validators=[InputRequired("请输入年份")])
    track = StringField("类型（如 春季高考）", validators=[Optional()])
    submit = SubmitField("新增考试")


class InstitutionForm(FlaskForm):
    """Create (code, name, city) or edit (name, city) an institution."""

    code = StringField("院校代码（5 位数字）", validators=[Optional()])
    name = StringField("院校名称", validators=[DataRequired("请输入院校名称")])
    city = StringField("所在城市", validators=[Optional()])
    institution_type = SelectField(
        "院校类型",
        choices=[SelectChoice("", "未设定"), *(SelectChoice(t, t) for t in INSTITUTION_TYPES)],
        validate_choice=False,  # the service says what is wrong, in words
    )
    submit = SubmitField("保存")


class SearchForm(FlaskForm):
    """A text search (GET, no CSRF needed)."""

    class Meta:
        csrf = False

    q = StringField("搜索", validators=[Optional(), Length(max=60)])


class InstitutionImportForm(FlaskForm):
    """A CSV or XLSX file of institutions: code, name, city."""

    file = FileField(
        "文件（CSV 或 XLSX）",
        validators=[
            FileRequired("请选择要导入的文件"),
            FileAllowed(["csv", "xlsx"], "只接受 CSV 或 XLSX 文件"),
        ],
    )
    submit = SubmitField("导入")


class AccountFilterForm(FlaskForm):
    """Filter the account list (GET, no CSRF needed)."""

    class Meta:
        csrf = False

    role = SelectField("角色", validators=[Optional()], validate_choice=False)
    province_id = SelectField("省份", validators=[Optional()], validate_choice=False)
    institution = StringField("院校代码", validators=[Optional(), Length(max=5)])
    q = StringField("用户名或姓名", validators=[Optional(), Length(max=60)])


class AccountForm(FlaskForm):
    """A new board or university account."""

    role = SelectField(
        "角色",
        choices=[SelectChoice("board", "考试院"), SelectChoice("university", "高校")],
        validate_choice=False,
    )
    username = StringField(
        "用户名", validators=[DataRequired("请输入用户名")], render_kw={"autocomplete": "off"}
    )
    display_name = StringField("姓名", validators=[Optional()])
    province_id = SelectField("所属省份（考试院账号）", coerce=optional_int, validate_choice=False)
    institution_code = StringField("所属院校代码（高校账号，5 位数字）", validators=[Optional()])
    can_see_full_id = BooleanField("可查看完整身份证号")
    is_institution_admin = BooleanField("院校管理员（可管理本校 API 令牌）")
    password = PasswordField(
        f"初始密码（至少{MIN_PASSWORD_LENGTH}位）",
        validators=[DataRequired("请设置密码")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "再次输入密码",
        validators=[EqualTo("password", message="两次输入的密码不一致")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("创建账号")


class AccountFlagsForm(FlaskForm):
    """Name and flags of a staff account."""

    display_name = StringField("姓名", validators=[Optional()])
    can_see_full_id = BooleanField("可查看完整身份证号")
    is_institution_admin = BooleanField("院校管理员（可管理本校 API 令牌）")
    submit = SubmitField("保存")


class ActionForm(FlaskForm):
    """A bare POST with its CSRF token (deactivate, reactivate, reset password)."""

    submit = SubmitField("确定")


class StyleDemoForm(FlaskForm):
    """The sample form of the components page (/admin/style): one field of each kind."""

    name = StringField("考生姓名", validators=[DataRequired("请输入考生姓名")])
    category = SelectField(
        "专业类别", choices=[SelectChoice("", "请选择"), SelectChoice("IT", "信息技术类（IT）")]
    )
    decision = RadioField(
        "结论", choices=[SelectChoice("admit", "录取"), SelectChoice("reject", "退档")]
    )
    agree = BooleanField("我已核对考生信息")
    submit = SubmitField("保存")
