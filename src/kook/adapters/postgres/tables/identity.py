"""The identity context's tables: users, staff, one-time codes, API keys, web sessions.

Each context keeps its tables in its own module of this package, on the same
metadata (``metadata.py``); ``kook.adapters.postgres.schema`` gathers them."""

from __future__ import annotations

import sqlalchemy as sa

from kook.adapters.postgres.tables.metadata import metadata
from kook.adapters.postgres.tables.types import UtcDateTime, UtcDateTimeList, str_enum
from kook.domain.identity.one_time_code import CodePurpose
from kook.domain.identity.staff import StaffRole
from kook.domain.identity.user import UserStatus

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("mobile", sa.String(11), nullable=False, unique=True),
    sa.Column("first_name", sa.String(50), nullable=False),
    sa.Column("last_name", sa.String(50), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("status", str_enum(UserStatus), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("activated_at", UtcDateTime(), nullable=True),
    sa.Column("recent_failures", UtcDateTimeList(), nullable=False, server_default=""),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
    sa.Column("password_changed_at", UtcDateTime(), nullable=True),
    # a pending sign-up that another password contested (User.refresh_pending)
    sa.Column("signup_contested", sa.Boolean(), nullable=False, server_default=sa.false()),
)

staff = sa.Table(
    "staff",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("mobile", sa.String(11), nullable=False, unique=True),
    sa.Column("role", str_enum(StaffRole), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("recent_failures", UtcDateTimeList(), nullable=False, server_default=""),
    sa.Column("locked_until", UtcDateTime(), nullable=True),
)

one_time_codes = sa.Table(
    "one_time_codes",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("mobile", sa.String(11), nullable=False),
    sa.Column("purpose", str_enum(CodePurpose), nullable=False),
    sa.Column("code_hash", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("consumed_at", UtcDateTime(), nullable=True),
    sa.Index("ix_one_time_codes_mobile_purpose_created", "mobile", "purpose", "created_at"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id"), nullable=True, index=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("secret_hash", sa.String(128), nullable=False),
    sa.Column("hint", sa.String(8), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("scopes", sa.String(200), nullable=False, server_default=""),
    sa.Column("staff_id", sa.String(32), sa.ForeignKey("staff.id"), nullable=True, index=True),
    sa.Column("per_minute", sa.Integer(), nullable=False, server_default="120"),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("principal_kind", sa.String(8), nullable=False),
    sa.Column("principal_id", sa.String(32), nullable=False),
    sa.Column("csrf_token", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("otp_login", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Index("ix_web_sessions_principal", "principal_kind", "principal_id"),
)
