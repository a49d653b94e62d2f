"""The login form."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


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
    submit = SubmitField("登录")


class LogoutForm(FlaskForm):
    """Log out is a POST with a CSRF token, so other sites cannot log a user out."""

    submit = SubmitField("退出登录")
