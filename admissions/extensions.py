"""Flask extensions, created unbound here and attached in create_app()."""

import sqlite3
from typing import Any

from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from admissions.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
# Public pages kept a short while (services/published/cache.py); in each process by default.
cache = Cache()

# SQLite has one writer and no queue: a waiting writer polls, and newcomers overtake it. During
# a burst of saves, a writer may wait for the whole burst, so it waits up to this long (ms)
# rather than the driver's 5 s before giving up with "database is locked".
SQLITE_BUSY_MS = 30_000


@event.listens_for(Engine, "connect")
def _sqlite_waits_for_the_writer(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
