"""Security headers sent with every response, and the refusal of NUL characters in requests."""

from flask import Flask, Response, abort, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def init_security(app: Flask) -> None:
    """Attach the request check and the headers hook."""

    @app.before_request
    def refuse_nul_characters() -> None:
        # PostgreSQL text cannot hold NUL: a query or form value carrying one would fail deep in
        # a query (a 500); no real user types one, so the request is refused up front (400).
        # Path parts count too; uploaded files are not form values and may hold any byte. The
        # JSON API declares the same rule in its schema and answers with its own 422.
        if request.blueprint == "api":
            return
        values = [
            *(v for _, v in request.args.items(multi=True)),
            *(v for _, v in request.form.items(multi=True)),
            *(v for v in (request.view_args or {}).values() if isinstance(v, str)),
        ]
        if any("\x00" in value for value in values):
            abort(400)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
