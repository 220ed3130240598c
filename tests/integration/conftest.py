"""Integration fixtures: the real app over SQLite, and over PostgreSQL + Redis.

PostgreSQL and Redis come from KOOK_TEST_DATABASE_URL / KOOK_TEST_REDIS_URL
(defaults: the local services of this machine kind). When one is missing the
tests that need it are skipped on a workstation and FAIL under CI.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.postgres.engine import make_engine, make_session_factory
from kook.adapters.postgres.migrate import upgrade
from kook.adapters.system.clock import SystemClock
from kook.entrypoints.http.app import create_app
from kook.entrypoints.settings import Settings, load_settings
from kook.sandbox.operator_sim import OperatorSimulator

PG_URL = os.environ.get("KOOK_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("KOOK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Tables whose rows the migrations seed (reference data): kept between tests.
SEEDED_TABLES = frozenset(
    {"services", "service_terms", "operators", "operator_prefixes", "packages", "operator_routes"}
)


def _missing(what: str, error: Exception) -> None:
    message = f"{what} is not reachable ({error!r})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI requires it", pytrace=False)
    pytest.skip(message)


async def _pg_ping(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"), timeout=5)
    await conn.close()


async def _redis_ping(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.ping()
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
def pg_url() -> str:
    try:
        asyncio.run(_pg_ping(PG_URL))
    except Exception as exc:
        _missing("PostgreSQL", exc)
    return PG_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        asyncio.run(_redis_ping(REDIS_URL))
    except Exception as exc:
        _missing("Redis", exc)
    return REDIS_URL


@pytest.fixture(scope="session")
def migrated_pg(pg_url: str) -> str:
    from kook.adapters.postgres.migrate import upgrade

    asyncio.run(_reset_schema(pg_url))
    upgrade(pg_url)
    return pg_url


async def _reset_schema(url: str) -> None:
    """Start from an empty database, whatever an earlier run left behind."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("DROP SCHEMA public CASCADE")
        await conn.execute("CREATE SCHEMA public")
    finally:
        await conn.close()


async def _clean_pg(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
        tables = [row["tablename"] for row in rows if row["tablename"] not in SEEDED_TABLES]
        if tables:
            # audit_log is append-only (migration 0016: a trigger refuses UPDATE, DELETE and TRUNCATE). Emptying the
            # database between tests is maintenance, done the one way PostgreSQL allows around ordinary triggers: a
            # superuser session in replica mode, where they do not fire. The application never does this.
            await conn.execute("SET session_replication_role = replica")
            await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


async def _clean_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


def _off_loop(fn: Any) -> Any:
    """Run blocking set-up (which may call asyncio.run) outside the test's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def base_env(tmp_path: Path) -> dict[str, str]:
    return {
        "KOOK_ENV": "test",
        "KOOK_DATA_DIR": str(tmp_path / "data"),
        "KOOK_ARGON2_MEMORY_KIB": "1024",
        "KOOK_ARGON2_TIME_COST": "1",
        "KOOK_HTTP_SECURE_COOKIES": "false",
        "KOOK_DEMO_DATA": "false",
    }


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def settings_factory(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    """Build settings for the backend under test; extra KOOK_* values override."""

    def build(**env: str) -> Settings:
        values = base_env(tmp_path)
        if backend == "postgres":
            url = request.getfixturevalue("migrated_pg")
            redis = request.getfixturevalue("redis_url")
            _off_loop(lambda: asyncio.run(_clean_pg(url)))
            _off_loop(lambda: asyncio.run(_clean_redis(redis)))
            values["KOOK_DATABASE_URL"] = url
            values["KOOK_REDIS_URL"] = redis
        values.update(env)
        settings = load_settings(values)
        if backend == "sqlite":
            from kook.adapters.postgres.migrate import upgrade

            _off_loop(lambda: upgrade(settings.database_url))
        return settings

    return build


@pytest.fixture
def settings(settings_factory: Any) -> Settings:
    built: Settings = settings_factory()
    return built


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"


# --- the simulated operator's ledger (tests of kook.sandbox.operator_sim) ----------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The simulator's database: SQLite in the test's directory, or the migrated PostgreSQL."""
    if request.param == "postgres":
        return str(request.getfixturevalue("migrated_pg"))
    url = f"sqlite+aiosqlite:///{tmp_path / 'sim.db'}"
    with ThreadPoolExecutor(max_workers=1) as pool:  # alembic runs its own event loop: keep it off the test's
        pool.submit(upgrade, url).result()
    return url


@pytest.fixture
async def engine(ledger_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on ``ledger_url``."""
    built = make_engine(ledger_url)
    try:
        yield built
    finally:
        await built.dispose()


@pytest.fixture
async def simulator(engine: AsyncEngine) -> AsyncIterator[OperatorSimulator]:
    """The simulator over ``engine``, its writer stopped at the end."""
    sim = OperatorSimulator(make_session_factory(engine), SystemClock())
    try:
        yield sim
    finally:
        await sim.aclose()
