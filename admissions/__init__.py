"""The Flask application of the admissions platform."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from admissions.config import INSTANCE_DIR, REPO_ROOT, from_environment


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, security, blueprints, errors, CLI."""
    app = Flask(
        __name__,
        template_folder=str(REPO_ROOT / "templates"),
        instance_path=str(INSTANCE_DIR),
    )
    load_config(app, config)
    trust_proxies(app)
    init_extensions(app)
    from admissions import errors, login_sessions, security, templating, worker
    from admissions.cli import register_commands
    from admissions.views import register_blueprints

    login_sessions.init_login(app)
    security.init_security(app)
    templating.init_templating(app)
    worker.init_app(app)
    errors.bound_integers_in_addresses(app)
    register_blueprints(app)
    errors.register_error_handlers(app)
    register_commands(app)
    return app


def load_config(app: Flask, config: Mapping[str, Any] | None) -> None:
    """Environment first, then explicit overrides (tests pass theirs here)."""
    app.config.from_mapping(from_environment())
    if config:
        app.config.from_mapping(config)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from
    the X-Forwarded-* headers they set (rate limits per client, https links); else ignore them."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )


def init_extensions(app: Flask) -> None:
    """Bind every extension of ``admissions.extensions`` to this app."""
    from admissions import models  # noqa: F401  (every table known to the migrations)
    from admissions.extensions import cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    cache.init_app(app)
