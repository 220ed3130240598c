"""The OpenAPI document at /schema has an example for every request body, and each example only names fields the
body's schema has (so an example cannot drift from the struct it illustrates)."""

from __future__ import annotations

from typing import Any

import pytest

from kook.entrypoints.http.openapi_examples import REQUEST_EXAMPLES
from tests.integration.helpers import Client

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("backend", ["sqlite"])]


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> set[str] | None:
    for option in schema.get("oneOf", []):
        if "$ref" in option:
            schema = option
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    properties = schema.get("properties")
    return set(properties) if isinstance(properties, dict) else None


async def test_every_request_body_has_an_example_that_fits_its_schema(client: Client) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    bodies: list[tuple[str, str]] = []
    problems: list[str] = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            bodies.append((method.upper(), path))
            for media_type, media in body["content"].items():
                example = media.get("example")
                if not isinstance(example, dict):
                    problems.append(f"{method.upper()} {path} ({media_type}): no example")
                    continue
                allowed = _properties(document, media.get("schema", {}))
                if allowed is not None and not set(example) <= allowed:
                    problems.append(f"{method.upper()} {path}: unknown fields {set(example) - allowed}")
    assert problems == []
    assert len(bodies) > 30
    assert set(REQUEST_EXAMPLES) <= set(bodies) | {k for k in REQUEST_EXAMPLES if k[1].startswith("/api/v1/dev/")}
