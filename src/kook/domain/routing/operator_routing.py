"""Routes: how a line for an operator reaches that operator (SPEC §8).

Each operator has one route: the adapter that speaks to the provider, its base
URL (``None``: the deployment's default — the sandbox simulator under
``kook serve``), the name of its credentials (the secret itself stays in the
environment, never in the database), the provider's own numbering of
operators, and the limits the fulfilment workers keep: requests per second, a
concurrency cap, connect and read timeouts, and circuit-breaker thresholds.

Outside providers number operators differently (one Iranian aggregator uses 1
for Irancell and 2 for Hamrah-e Aval), so a route maps our operator to *its*
code; nothing assumes the manual's codes on the wire.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from kook.domain.routing.operator import Operator
from kook.domain.shared.errors import DomainError, ValidationFailed


class RouteUnavailable(DomainError):
    """No active route for the operator, or the route has no code for it."""

    code = "route_unavailable"


class AdapterKind(enum.StrEnum):
    HTTP = "http"


_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_CODE: Final = re.compile(r"[A-Za-z0-9._-]{1,16}")
_URL: Final = re.compile(r"https?://[^\s/?#]+(?:/[^\s?#]*)?")

LIMITS: Final[dict[str, tuple[int, int]]] = {
    "rate_limit_per_second": (1, 10_000),
    "max_concurrency": (1, 1_000),
    "connect_timeout_ms": (100, 60_000),
    "read_timeout_ms": (100, 300_000),
    "breaker_failure_threshold": (1, 1_000),
    "breaker_reset_seconds": (1, 86_400),
}


@dataclass(frozen=True)
class Route:
    operator: Operator
    name: str
    adapter: AdapterKind
    base_url: str | None
    credential_name: str | None
    operator_codes: Mapping[Operator, str]
    rate_limit_per_second: int
    max_concurrency: int
    connect_timeout_ms: int
    read_timeout_ms: int
    breaker_failure_threshold: int
    breaker_reset_seconds: int
    active: bool
    updated_at: datetime

    def code_for(self, operator: Operator) -> str:
        """The provider's code for ``operator`` on this route."""
        code = self.operator_codes.get(operator)
        if code is None:
            raise RouteUnavailable(details={"operator": int(operator), "route": self.name, "reason": "no_code"})
        return code

    def audit_view(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "adapter": self.adapter.value,
            "base_url": self.base_url,
            "credential_name": self.credential_name,
            "operator_codes": {str(int(k)): v for k, v in sorted(self.operator_codes.items())},
            **{name: getattr(self, name) for name in LIMITS},
            "active": self.active,
        }

    def changed(self, now: datetime, **changes: Any) -> Route:
        """A copy with ``changes`` applied after checking them (``ValidationFailed`` per field)."""
        fields: dict[str, str] = {}
        values = dict(changes)
        if "name" in values and (not isinstance(values["name"], str) or not _NAME.fullmatch(values["name"])):
            fields["name"] = "invalid"
        if "adapter" in values:
            try:
                values["adapter"] = AdapterKind(values["adapter"])
            except ValueError:
                fields["adapter"] = "invalid"
        if "base_url" in values:
            url = (values["base_url"] or "").strip()
            if url and (len(url) > 300 or not _URL.fullmatch(url)):
                fields["base_url"] = "invalid"
            values["base_url"] = url.rstrip("/") or None
        if "credential_name" in values:
            cred = (values["credential_name"] or "").strip()
            if cred and not _NAME.fullmatch(cred):
                fields["credential_name"] = "invalid"
            values["credential_name"] = cred or None
        if "operator_codes" in values:
            codes = values["operator_codes"]
            if not isinstance(codes, Mapping) or not all(
                isinstance(v, str) and _CODE.fullmatch(v) for v in codes.values()
            ):
                fields["operator_codes"] = "invalid"
            elif self.operator not in codes:
                fields["operator_codes"] = "route_code_missing"
        for name, (low, high) in LIMITS.items():
            if name in values:
                value = values[name]
                if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                    fields[name] = "out_of_range"
        if "active" in values and not isinstance(values["active"], bool):
            fields["active"] = "invalid"
        unknown = set(values) - {f.name for f in dataclasses.fields(self)} - {"operator", "updated_at"}
        for name in unknown:
            fields[name] = "invalid"
        if {"operator", "updated_at"} & set(values):
            fields["operator"] = "invalid"
        if fields:
            raise ValidationFailed(fields)
        return dataclasses.replace(self, updated_at=now, **values)


class OperatorRouting:
    """The route for each operator (one route per operator)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = {route.operator: route for route in routes}

    def route_for(self, operator: Operator) -> Route:
        route = self._routes.get(operator)
        if route is None or not route.active:
            raise RouteUnavailable(details={"operator": int(operator)})
        return route

    @property
    def routes(self) -> list[Route]:
        return [self._routes[op] for op in sorted(self._routes)]
