"""Engines for PostgreSQL (asyncpg) and the embedded SQLite file (aiosqlite)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from kook.adapters.postgres.tables.mappers import start_mappers

# A kept connection is replaced after half an hour: a server-side idle timeout or a proxy's cut is met by a fresh
# connection instead of a failed statement, without a ping on every checkout.
POOL_RECYCLE_SECONDS = 1800


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10, pre_ping: bool = True) -> AsyncEngine:
    """``pool_size`` kept connections plus as many again under load (PostgreSQL); ``pre_ping=False`` for a
    caller that survives a dead connection itself: the simulator's writer retries on a fresh one, and the web
    server (a ping costs three round trips on asyncpg — BEGIN, ``;``, ROLLBACK — on every checkout, several per
    request). Without the ping a connection killed under the pool (PostgreSQL restarted) fails the one statement
    that meets it: SQLAlchemy sees the disconnect, drops that connection and invalidates every connection of the
    pool checked out before it, so the request after gets fresh ones; the failed request answers 500 and the client
    may retry (reads are safe to retry; writes use idempotency keys). ``POOL_RECYCLE_SECONDS`` retires
    connections before a server or proxy idle timeout cuts them."""
    start_mappers()
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _sqlite_pragmas(engine)
        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        pool_recycle=POOL_RECYCLE_SECONDS,
    )


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@dataclass(frozen=True)
class ReadSessions:
    """Sessions for read-only use cases (one SELECT or a few, never a write, never a lock).

    On PostgreSQL they run in autocommit: each statement is its own transaction, with no BEGIN before it and no
    ROLLBACK after — two round trips fewer per unit of work. The app's transactions are READ COMMITTED, where every
    statement already takes a snapshot of its own, so a read-only unit of work sees exactly what it saw inside
    BEGIN … ROLLBACK. On SQLite (whose BEGIN IMMEDIATE is the write lock) they are the ordinary sessions.
    """

    factory: async_sessionmaker[AsyncSession]


def make_read_sessions(engine: AsyncEngine, default: async_sessionmaker[AsyncSession]) -> ReadSessions:
    if engine.dialect.name != "postgresql":
        return ReadSessions(default)
    return ReadSessions(make_session_factory(engine.execution_options(isolation_level="AUTOCOMMIT")))


def _sqlite_pragmas(engine: AsyncEngine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE so that a
    transaction that will write takes the lock up front (SQLite's answer to
    SELECT … FOR UPDATE) instead of failing half-way with 'database is locked'."""

    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
