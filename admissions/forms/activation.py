"""The account activation form (考生号 + 身份证号 + 激活码 + a new password, typed twice)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class ActivationForm(FlaskForm):
    """What a candidate imported by the board types to get a login."""

    candidate_no = StringField(
        "考生号", validators=[DataRequired(message="请输入考生号"), Length(max=20)],
        render_kw={"autocomplete": "username", "inputmode": "numeric", "autocapitalize": "off"},
    )  # fmt: skip
    national_id = StringField(
        "身份证号", validators=[DataRequired(message="请输入身份证号"), Length(max=20)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )  # fmt: skip
    code = StringField(
        "激活码", description="印在报名点发放的激活码单上，如 K7QD-2MZX-PA4R；不区分大小写",
        validators=[DataRequired(message="请输入激活码"), Length(max=30)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )  # fmt: skip
    password = PasswordField(
        "设置密码（至少8位）",
        description="密码不能包含身份证号（或其后六位）、出生日期，不能是常见密码（如 12345678、woaini1314）。",
        validators=[DataRequired(message="请设置密码"),
                    Length(min=8, max=200, message="密码至少8位")],
        render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    confirm = PasswordField(
        "再次输入密码",
        validators=[DataRequired(message="请再次输入密码"),
                    EqualTo("password", message="两次输入的密码不一致")],
        render_kw={"autocomplete": "new-password"},
    )  # fmt: skip
    submit = SubmitField("激活并登录")
