"""Issue 16: bad values through every JSON body, generated from the route table and each body's msgspec type.

For every JSON route (as a customer, or as an admin on staff routes) a plausible body is built from its type, then
each field in turn gets the values an attacker tries: for numbers negative, zero, fractional, text, huge and past
the 500,000,000-rial cap; for text bidi overrides, zero-width characters, Persian and Arabic-Indic digits, SQL and
template metacharacters. No answer may be a server error; a refused value is a 4xx in the API's error shape, and a
validation error names the field; an amount (a field named ``amount``) that is not a positive whole number within
the cap is never accepted; invisible marks never come back in what was accepted.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from typing import Any

import msgspec
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.testing import AsyncTestClient

from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client
from tests.integration.test_catalog_api import log_in_staff
from tests.integration.test_customers_api import use
from tests.integration.test_http_hardening import body_routes, fill
from tests.integration.test_requests_api import new_request
from tests.integration.test_wallet_api import demo_customer

CAP = 500_000_000
BAD_NUMBERS: list[Any] = [-1, 0, 1.5, "abc", "۱۰۰۰۰۰", 10**30, 2**63, CAP + 1, True, None]
TRICKY_TEXT: list[str] = [
    "علی\u202eیرضا",  # right-to-left override
    "ع\u200bلی\u200c\u2066",  # zero-width space, non-joiner, isolate
    "۰۹۱۲۱۲۳۴۵۶۷",  # Persian digits
    "٠٩١٢١٢٣٤٥٦٧",  # Arabic-Indic digits
    "{{ 7*7 }}{% raw %}",
    "'; DROP TABLE users; --",
    "x" * 5000,
]
INVISIBLE = ("\u202e", "\u200b", "\u2066")
SKIPPED = ("/logout", "/me/password")  # they end the caller's session


PLAUSIBLE_TEXT = {
    "mobile": "09121234567",
    "kind": "topup",
    "date": "1405/03/10",
    "until": "1405/12/29",
    "time": "10:00",
    "code": "pkg_test_1",
    "sim_type": "both",
    "prefix": "0990",
    "adapter": "http",
    "base_url": "http://127.0.0.1:9/sim",
    "credential_name": "sim",
    "outcome": "failed",
}


def body_type(handler: HTTPRouteHandler) -> type[msgspec.Struct] | None:
    hint = typing.get_type_hints(handler.fn, include_extras=True).get("data")
    pending = [hint]
    while pending:
        item = pending.pop()
        origin = typing.get_origin(item)
        if origin is typing.Annotated:
            pending.append(typing.get_args(item)[0])
        elif origin in (typing.Union, types.UnionType):
            pending.extend(typing.get_args(item))
        elif isinstance(item, type) and issubclass(item, msgspec.Struct):
            return item
    return None


def plausible(hint: Any, name: str = "") -> Any:
    """A value of type ``hint`` that a careful caller would send."""
    if name == "amount":
        return 500_000
    origin = typing.get_origin(hint)
    if origin is typing.Annotated:
        return plausible(typing.get_args(hint)[0], name)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return plausible(options[0], name) if options else None
    if origin is typing.Literal:
        return typing.get_args(hint)[0]
    if origin in (list, tuple, set, frozenset):
        return []
    if origin is dict:
        return {}
    if isinstance(hint, type):
        if issubclass(hint, msgspec.Struct):
            # the required fields only: what a careful caller leaves out keeps its default
            return {f.encode_name: plausible(f.type, f.name) for f in msgspec.structs.fields(hint) if f.required}
        if issubclass(hint, enum.Enum):
            return next(iter(hint)).value
        if hint is bool:
            return True
        if hint is int:
            return 500_000 if "amount" in name else 1
        if hint is float:
            return 1.0
        if hint is dt.datetime:
            return "2026-06-01T10:00:00+03:30"
        if hint is dt.date:
            return "2026-06-01"
        if hint is str:
            return PLAUSIBLE_TEXT.get(name, "شارژ کارکنان")
    return None


def fields_of(struct: type[msgspec.Struct]) -> list[tuple[str, Any]]:
    return [(f.encode_name, f.type) for f in msgspec.structs.fields(struct)]


def is_number(hint: Any) -> bool:
    text = str(hint)
    return "int" in text or "float" in text


def is_text(hint: Any) -> bool:
    return "str" in str(hint) and not is_number(hint)


async def test_bad_values_in_every_json_body_are_refused_naming_the_field(app: Litestar, settings: Settings) -> None:
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        tried, failures = await _try_everything(client, app, settings)
    print(f"\n[issue 16] bad values tried: {tried}; problems: {len(failures)}")
    assert not failures, "\n".join(failures[:80])


async def _try_everything(client: Client, app: Litestar, settings: Settings) -> tuple[int, list[str]]:
    staff_token = await log_in_staff(client, app)
    staff = dict(client.cookies)
    customer = await demo_customer(client, settings)
    headers = use(client, customer)
    request_id = await new_request(client, headers)
    line = await client.post(
        f"/api/v1/requests/{request_id}/lines", json={"mobile": "09121234567", "amount": 500_000}, headers=headers
    )
    assert line.status_code == 201, line.text
    ids = {
        "request_id": request_id,
        "line_id": line.json()["id"],
        **{
            name: "0" * 32
            for name in (
                [
                    "upload_id",
                    "package_id",
                    "customer_id",
                    "deposit_id",
                    "key_id",
                    "message_id",
                    "payment_id",
                    "event_id",
                    "export_id",
                    "user_id",
                    "invitation_id",
                    "endpoint_id",
                    "delivery_id",
                ]
            )
        },
        "prefix_id": "1",
    }
    tried = 0
    failures: list[str] = []
    # staff routes last: what they accept (an operator's amount bounds…) would change the customers' answers
    for method, template, handler in sorted(body_routes(app), key=lambda route: "/admin/" in route[1]):
        struct = body_type(handler)
        if struct is None or template.endswith(SKIPPED):
            continue
        url = fill(template, ids)
        jar, extra = (staff, {"x-csrftoken": staff_token}) if "/admin/" in template else (customer, headers)
        base = plausible(struct)
        for field, hint in fields_of(struct):
            if field in ("mobile", "amount"):  # a line: a number and an amount
                base.setdefault(field, plausible(hint, field))
        client.cookies.clear()
        client.cookies.update(jar)
        baseline = await client.request(method, url, json=base, headers=extra)
        refused_anyway = _named(baseline)
        for name, hint in fields_of(struct):
            values: list[Any] = BAD_NUMBERS if is_number(hint) else TRICKY_TEXT if is_text(hint) else []
            for value in values:
                client.cookies.clear()
                client.cookies.update(jar)
                body = {**base, name: value}
                if (
                    "mobile" in base and name != "mobile" and "/lines" in template
                ):  # a new number each time: no duplicate within a request
                    body["mobile"] = f"0912{tried:07d}"
                response = await client.request(method, url, json=body, headers=extra)
                tried += 1
                problem = _problem(response, name, hint, value, refused_anyway)
                if problem:
                    failures.append(f"{method} {template} {name}={value!r:.40}: {problem}")
        # the whole body past KOOK_HTTP_MAX_BODY_BYTES, and the right body under the wrong content type
        client.cookies.clear()
        client.cookies.update(jar)
        padded = {**base, "padding": "x" * (settings.http.max_body_bytes + 1)}
        oversized = await client.request(method, url, json=padded, headers=extra)
        plain = await client.request(
            method, url, content=msgspec.json.encode(base), headers={**extra, "content-type": "text/plain"}
        )
        tried += 2
        if oversized.status_code != 413 or oversized.json()["code"] != "payload_too_large":
            failures.append(f"{method} {template} oversized: {oversized.status_code} {oversized.text[:200]}")
        if not 400 <= plain.status_code < 500 and plain.status_code != baseline.status_code:
            failures.append(f"{method} {template} as text/plain: {plain.status_code} {plain.text[:200]}")
    return tried, failures


def _named(response: Any) -> set[str]:
    """The fields a validation error names (empty for any other answer)."""
    if response.status_code != 422 or response.json().get("code") != "validation_error":
        return set()
    return set((response.json()["details"] or {}).get("fields", {}))


def _whole_number_text(value: Any) -> bool:
    """Persian or Arabic-Indic digits are read as the number they spell, on purpose."""
    return isinstance(value, str) and value.isdigit()


def _problem(response: Any, name: str, hint: Any, value: Any, refused_anyway: set[str]) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"{status} {response.text[:200]}"
    if status >= 400:
        body = response.json()
        if set(body) != {"code", "message", "details"}:
            return f"{status} not the error shape: {response.text[:200]}"
        if body["code"] == "validation_error":
            named = _named(response)
            # a body the plausible values could not make valid is refused for the same fields: not this one's fault
            if named and named <= refused_anyway:
                return None
            if not any(key == name or key.endswith(f".{name}") or key.startswith(f"{name}") for key in named):
                return f"{status} validation_error names {sorted(named)}, not {name}"
        return None
    answer = response.json() if response.content else None
    if isinstance(answer, dict) and answer.get("status") == "invalid" and answer.get("error"):
        # a request's line keeps what was typed, marked invalid with the column and the code (API.md)
        column = str(answer["error"].get("column") or "")
        return None if column and (name in column or column in name) else f"{status}: invalid line names {column!r}"
    if _whole_number_text(value):
        return None
    if name == "amount" and (not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= CAP):
        return f"{status}: accepted"
    if is_number(hint) and isinstance(value, str | float) and not isinstance(value, bool) and "float" not in str(hint):
        return f"{status}: a {type(value).__name__} accepted for a whole number"
    tricky = isinstance(value, str) and any(mark in value for mark in INVISIBLE) and "name" in name
    if tricky and any(mark in response.text for mark in INVISIBLE):
        return f"{status}: invisible marks kept"
    return None
