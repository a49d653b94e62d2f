"""The login form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Log in with a username, or (students) a 考生号 or ID number."""

    username = StringField(
        "用户名 / 考生号 / 身份证号",
        validators=[DataRequired(message="请输入用户名"), Length(max=60)],
        render_kw={"autocomplete": "username", "autocapitalize": "off"},
    )
    password = PasswordField(
        "密码",
        validators=[DataRequired(message="请输入密码"), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("在本设备上保持登录（仅考生账号；公用电脑请勿勾选）")
    submit = SubmitField("登录")


class LogoutForm(FlaskForm):
    """Log out is a POST with a CSRF token, so other sites cannot log a user out."""

    submit = SubmitField("退出登录")


class LogoutAllForm(FlaskForm):
    """End every session of the account, on every device (POST with a CSRF token)."""

    submit = SubmitField("退出所有设备")


class PasswordChangeForm(FlaskForm):
    """Choose a new password (after a board reset, or at any time)."""

    current = PasswordField(
        "当前密码（或考试院给出的临时密码）",
        validators=[DataRequired(message="请输入当前密码"), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        "新密码（至少8位）",
        validators=[
            DataRequired(message="请输入新密码"),
            Length(min=8, max=200, message="新密码至少8位"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[EqualTo("new", message="两次输入的新密码不一致")],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("修改密码")
