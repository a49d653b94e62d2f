"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi``."""

import sys

from admissions import create_app
from admissions.config import ConfigurationError

APP_LOAD_ERROR = 4  # gunicorn's code for "the app failed to load": it stops instead of retrying

try:
    app = create_app()
except ConfigurationError as error:
    # One line an operator can act on (a missing SECRET_KEY or REDIS_URL), not a traceback.
    print(f"配置错误：{error}", file=sys.stderr)
    raise SystemExit(APP_LOAD_ERROR) from None
