"""Stairway: every revision upgrades, downgrades and upgrades again, on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from kook.adapters.postgres.migrate import alembic_config, downgrade, upgrade
from kook.adapters.postgres.schema import metadata


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def _stairway(url: str) -> None:
    revisions = _revisions(url)
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        upgrade(url, revision)
        downgrade(url, previous)
        upgrade(url, revision)
        previous = revision


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


def test_stairway_sqlite(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
    _stairway(url)
    assert asyncio.run(_tables(url)) == set(metadata.tables)
    downgrade(url, "base")
    assert asyncio.run(_tables(url)) == set()


async def _recreate_database(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def test_stairway_postgres(pg_url: str) -> None:
    # named after the test database, so parallel runs against different databases do not clash
    name = f"{pg_url.rsplit('/', 1)[1]}_stairway"
    asyncio.run(_recreate_database(pg_url, name))
    url = pg_url.rsplit("/", 1)[0] + f"/{name}"
    _stairway(url)
    assert asyncio.run(_tables(url)) == set(metadata.tables)
    downgrade(url, "base")
    assert asyncio.run(_tables(url)) == set()


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
def test_models_match_migrations(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Nothing in the table modules (adapters/postgres/tables/) is missing from the migrations (autogenerate finds
    no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    if dialect == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'cmp.db'}"
        upgrade(url)
    else:
        url = request.getfixturevalue("migrated_pg")

    async def diff() -> list[object]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
                )
        finally:
            await engine.dispose()

    differences = [d for d in asyncio.run(diff()) if not _is_type_only(d)]
    assert differences == []


def _is_type_only(difference: object) -> bool:
    # Enum columns are VARCHAR in the migrations; autogenerate may report the
    # StrEnum wrapper as a type change, which is not a schema difference.
    return isinstance(difference, list) and all(item[0] == "modify_type" for item in difference)
