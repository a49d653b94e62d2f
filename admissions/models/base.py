"""Declarative base with the constraint naming convention, and shared column types."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, MetaData, Numeric, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model; its metadata carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def index_of_values(table: str, column: str) -> Index:
    """The index ``ix_<table>_<column>`` of the rows where ``column`` has a value: for a column
    that bulk writes leave empty (NULL), which would only make every such write longer. A
    lookup by value uses it as a full index (migration 0015)."""
    where = text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, postgresql_where=where, sqlite_where=where)


SCALE = 4
_FACTOR = Decimal(10) ** SCALE


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal with 4 places: NUMERIC(12,4) on PostgreSQL, a scaled integer on SQLite.

    SQLite has no decimal type (it would go through binary floats), so there the value is kept as
    an integer count of 1/10000 — exact, and it still sorts and compares correctly in SQL.
    """

    impl = Numeric(12, SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(12, SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        stored = exact.quantize(Decimal(1).scaleb(-SCALE))
        if stored != exact:
            # Never round a score silently: the caller rounds by the scheme's own rule first.
            raise ValueError(f"{exact} has more than {SCALE} decimal places")
        exact = stored
        if dialect.name == "sqlite":
            return int(exact * _FACTOR)
        return exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return (Decimal(int(value)) / _FACTOR).quantize(Decimal(1).scaleb(-SCALE))
        return Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp; SQLite returns naive values, which are tagged UTC here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)
