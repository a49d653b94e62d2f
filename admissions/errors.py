"""Error pages in Chinese (400/403/404/405/429/500/503, and the CSRF failure), JSON under the API.

An outage (the database or Redis unreachable) answers 503 with a page that renders without
them: the signed-in user is not loaded again (that would need the database), the page shows as
if signed out. Under ``/api/`` every error is JSON ``{"error": ..., "details": []}``, and a 405
says which methods are allowed (``Allow``).
"""

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import IntegerConverter

from admissions.extensions import db, login_manager

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页重试。"),
    403: ("无权访问", "您的账号没有访问此页面的权限。"),
    404: ("页面不存在", "您访问的页面不存在，或您无权查看。"),
    405: ("请求方式不允许", "此页面不接受这种请求方式。"),
    429: ("操作过于频繁", "尝试次数过多，请稍后再试。"),
    500: ("服务器错误", "系统出现错误，请稍后再试；如问题持续，请联系管理员。"),
    503: (
        "服务暂时不可用",
        "系统暂时无法连接数据库或任务队列，请稍后再试；如问题持续，请联系管理员。",
    ),
}
API_PREFIX = "/api/"


def render_error(status: int, detail: str | None = None) -> tuple[str, int]:
    """Render the error page for ``status``."""
    title, message = MESSAGES.get(status, (f"错误 {status}", "请求未能完成。"))
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def _json_error(status: int, message: str, headers: dict[str, str] | None = None):
    response = jsonify({"error": message, "details": []})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _answer(status: int, detail: str | None = None, headers: dict[str, str] | None = None):
    """JSON under the API, else the page."""
    if request.path.startswith(API_PREFIX):
        return _json_error(
            status, detail or MESSAGES.get(status, ("", "请求未能完成。"))[1], headers
        )
    html, code = render_error(status, detail)
    return html, code, headers or {}


def is_outage(error: BaseException) -> bool:
    """True when ERROR means the database or Redis cannot be reached (not a bug of ours)."""
    if isinstance(error, OperationalError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    return isinstance(error, RedisConnectionError | RedisTimeoutError)


def _forget_the_user() -> None:
    """Render as signed out: loading the user (or a lazy attribute of it) needs the database."""
    g._login_user = login_manager.anonymous_user()


class BoundedInteger(IntegerConverter):
    """``<int:…>`` up to the largest 64-bit integer: a longer number matches no page (404),
    rather than reaching the database (which cannot compare it)."""

    def __init__(self, map, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]  # noqa: A002
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def bound_integers_in_addresses(app: Flask) -> None:
    """Install ``BoundedInteger`` as ``int`` (before the blueprints add their rules)."""
    app.url_map.converters["int"] = BoundedInteger


def register_error_handlers(app: Flask) -> None:
    """Route HTTP errors, CSRF failures and unexpected exceptions to the Chinese pages."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _answer(400, "表单已过期或缺少安全令牌，请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return _answer(error.code or 500, headers=headers)

    @app.errorhandler(OverflowError)
    def too_large(error: OverflowError):
        # an integer of the address or the query too large for the database to compare
        _rollback(app)
        return _answer(400, "请求中的数字超出范围。")

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        _rollback(app)
        if is_outage(error):
            app.logger.error("service unavailable: %s", (str(error).splitlines() or [""])[0])
            _forget_the_user()
            return _answer(503, headers={"Retry-After": "30"})
        app.logger.exception("unhandled error")
        if "_login_user" not in g:
            _forget_the_user()  # the error may have come from loading the user
        return _answer(500)


def _rollback(app: Flask) -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        app.logger.warning("rollback failed", exc_info=True)
