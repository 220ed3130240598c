"""Health, readiness and metrics of the web app (issue 17): /health, /ready naming what failed, /metrics
restricted and counting requests by route template and status, with the database's and broker's figures."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kook.entrypoints.http.app import create_app
from kook.entrypoints.settings import load_settings
from tests.integration.conftest import _off_loop, base_env

TOKEN = "metrics-token-of-this-test-0123456789"


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name{labels}`` in an exposition text (labels in any order), or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.match(r"^([a-zA-Z_:]+)(\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(3) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(4))
    return None


async def test_health_and_ready_answer_when_everything_does(client: AsyncTestClient[Any], backend: str) -> None:
    health = await client.get("/health")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    ready = await client.get("/ready")
    assert ready.status_code == 200
    redis = "ok" if backend == "postgres" else "none"  # the embedded default has no Redis
    assert ready.json() == {"status": "ready", "database": "ok", "redis": redis}


async def test_ready_names_redis_when_it_does_not_answer(tmp_path: Path) -> None:
    from kook.adapters.postgres.migrate import upgrade

    env = base_env(tmp_path) | {"KOOK_REDIS_URL": "redis://127.0.0.1:1/0"}  # nothing listens on port 1
    settings = load_settings(env)
    _off_loop(lambda: upgrade(settings.database_url))
    async with AsyncTestClient(app=create_app(settings)) as client:
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "ok", "redis": "failed"}


async def test_ready_names_the_database_when_it_does_not_answer(tmp_path: Path) -> None:
    env = base_env(tmp_path) | {"KOOK_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/none"}
    async with AsyncTestClient(app=create_app(load_settings(env))) as client:
        ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "database": "failed", "redis": "none"}


async def test_metrics_refused_to_a_caller_not_on_loopback_without_a_token(client: AsyncTestClient[Any]) -> None:
    answer = await client.get("/metrics")  # the test client's address is "testclient", not loopback
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


@pytest.fixture
def metrics_client_settings(settings_factory: Any) -> Any:
    return settings_factory(KOOK_METRICS_TOKEN=TOKEN)


async def test_metrics_with_the_token_count_requests_by_route_template_and_status(
    metrics_client_settings: Any, backend: str
) -> None:
    async with AsyncTestClient(app=create_app(metrics_client_settings)) as client:
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 403
        assert (await client.get("/metrics", headers={"Authorization": TOKEN})).status_code == 403
        before = (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text
        assert (await client.get("/api/v1/wallet")).status_code == 401
        assert (await client.get("/api/v1/requests/some-request-id")).status_code == 401
        assert (await client.get("/no/such/page")).status_code == 404
        answer = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text

    def grew(name: str, **labels: str) -> float:
        return (_sample(text, name, **labels) or 0) - (_sample(before, name, **labels) or 0)

    assert grew("kook_http_requests_total", method="GET", route="/api/v1/wallet", status="401") == 1
    templated = [line for line in text.splitlines() if "some-request-id" in line]
    assert not templated, "a raw path became a label"
    assert grew("kook_http_requests_total", method="GET", route="/api/v1/requests/{request_id}", status="401") == 1
    assert grew("kook_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert grew("kook_http_request_duration_seconds_count", method="GET", route="/api/v1/wallet") == 1
    # read at scrape time from the database (and the broker when there is one)
    assert _sample(text, "kook_money_held_rials") == 0
    assert _sample(text, "kook_lines_sending") == 0
    assert _sample(text, "kook_scrape_source_up", source="database") == 1
    if backend == "postgres":
        assert _sample(text, "kook_queue_messages", queue="default") == 0
        assert _sample(text, "kook_scrape_source_up", source="redis") == 1
