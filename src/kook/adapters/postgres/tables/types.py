from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on PostgreSQL and SQLite alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_class: type[enum.StrEnum], length: int = 16) -> sa.Enum:
    """A StrEnum stored as its value in a plain VARCHAR (no native enum type)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UtcDateTimeList(sa.types.TypeDecorator[list[datetime]]):
    """A short list of UTC times kept in one text column (ISO 8601, comma-separated)."""

    impl = sa.Text()
    cache_ok = True

    def process_bind_param(self, value: list[datetime] | None, dialect: Dialect) -> str:
        if not value:
            return ""
        return ",".join(v.astimezone(UTC).isoformat() for v in value)

    def process_result_value(self, value: Any, dialect: Dialect) -> list[datetime]:
        if not value:
            return []
        return [datetime.fromisoformat(part).astimezone(UTC) for part in str(value).split(",")]
