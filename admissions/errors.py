"""Error pages in Chinese (400/403/404/429/500, and the CSRF failure)."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from admissions.extensions import db

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页重试。"),
    403: ("无权访问", "您的账号没有访问此页面的权限。"),
    404: ("页面不存在", "您访问的页面不存在，或您无权查看。"),
    405: ("请求方式不允许", "此页面不接受这种请求方式。"),
    429: ("操作过于频繁", "尝试次数过多，请稍后再试。"),
    500: ("服务器错误", "系统出现错误，请稍后再试；如问题持续，请联系管理员。"),
}


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    """Render the error page for ``status``."""
    title, message = MESSAGES.get(status, (f"错误 {status}", "请求未能完成。"))
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def register_error_handlers(app: Flask) -> None:
    """Route HTTP errors, CSRF failures and unexpected exceptions to the Chinese pages."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, "表单已过期或缺少安全令牌，请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(500)
