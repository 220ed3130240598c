"""The catalogue's seed, kept as data in the repository and loaded by migration 0003.

* ``operator_prefixes.csv`` — the public mobile allocations (prefix, operator
  code, note); an empty operator marks a block shared by several operators
  (the 0999x MVNO range) whose numbers need an explicit operator code.
* ``packages.csv`` — a realistic sample of internet packages per operator.
* Operators (with the default airtime bounds) and one route per operator are
  built here: every route starts on the deployment's default base URL (the
  sandbox simulator under ``kook serve``) and the manual's own numbering.

Ids are derived from the row's natural key, so the seed is the same on every
database and a test can restore it exactly.
"""

from __future__ import annotations

import csv
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from kook.domain.catalog.product import DEFAULT_AIRTIME_MAX, DEFAULT_AIRTIME_MIN
from kook.domain.routing.operator import Operator

HERE: Final = Path(__file__).parent
_NAMESPACE: Final = uuid.UUID("6f1c2a52-2d4e-4d0e-9a51-6b6f6f6b0003")

DEFAULT_ROUTE: Final[dict[str, Any]] = {
    "adapter": "http",
    "base_url": None,
    "credential_name": None,
    "rate_limit_per_second": 20,
    "max_concurrency": 8,
    "connect_timeout_ms": 2_000,
    "read_timeout_ms": 10_000,
    "breaker_failure_threshold": 5,
    "breaker_reset_seconds": 30,
    "active": True,
}


def seed_id(kind: str, key: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"{kind}:{key}").hex


def _read(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def operator_rows(now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "code": int(op),
            "name_fa": op.name_fa,
            "name_en": op.name_en,
            "airtime_min": DEFAULT_AIRTIME_MIN,
            "airtime_max": DEFAULT_AIRTIME_MAX,
            "updated_at": now,
        }
        for op in Operator
    ]


def prefix_rows(now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": seed_id("prefix", row["prefix"]),
            "prefix": row["prefix"],
            "operator": int(row["operator"]) if row["operator"] else None,
            "note": row["note"],
            "created_at": now,
            "updated_at": now,
        }
        for row in _read("operator_prefixes.csv")
    ]


def package_rows(now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "id": seed_id("package", row["code"]),
            "code": row["code"],
            "operator": int(row["operator"]),
            "title": row["title"],
            "volume_mb": int(row["volume_mb"]),
            "duration_days": int(row["duration_days"]),
            "price": int(row["price"]),
            "sim_type": row["sim_type"],
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for row in _read("packages.csv")
    ]


def route_rows(now: datetime) -> list[dict[str, Any]]:
    return [
        {
            "operator": int(op),
            "name": f"sandbox-{op.slug}",
            "operator_codes": {str(int(op)): str(int(op))},
            **DEFAULT_ROUTE,
            "updated_at": now,
        }
        for op in Operator
    ]


def seed_rows(now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Table name → rows, in an order that satisfies the foreign keys."""
    return {
        "operators": operator_rows(now),
        "operator_prefixes": prefix_rows(now),
        "packages": package_rows(now),
        "operator_routes": route_rows(now),
    }
