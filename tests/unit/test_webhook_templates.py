"""The webhooks page and the integration guide render: endpoints, the secret shown once, the delivery log with
replay buttons (each a CSRF form), and the guide's curl flow and verification snippet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import jinja2
import pytest

from kook.domain.webhooks.webhook import Delivery, WebhookEndpoint
from kook.entrypoints.http.web.filters import register_filters
from kook.entrypoints.http.web.integration import EVENT_TITLES
from tests.unit import test_templates_render as shared

AT = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)
ENDPOINT = WebhookEndpoint(
    id="e" * 32,
    customer_id="c" * 32,
    url="https://erp.example.com/kook/webhooks",
    events="line.outcome request.finished",
    secret_salt="s",
    created_by="u" * 32,
    created_at=AT,
)
DELIVERY = Delivery(
    id="d" * 32,
    endpoint_id=ENDPOINT.id,
    customer_id=ENDPOINT.customer_id,
    event="request.finished",
    payload='{"id": "x"}',
    status="pending",
    attempts=2,
    created_at=AT,
    next_attempt_at=AT,
    give_up_at=AT,
    last_attempt_at=AT,
    last_status=500,
    last_error="http_500",
    url=ENDPOINT.url,
)

shared.REALISTIC["integration/webhooks.html"] = shared.app_context(
    endpoints=[ENDPOINT],
    deliveries=[DELIVERY],
    next_cursor="abc",
    event_titles=EVENT_TITLES,
    new_secret="whsec_shown-once",
    new_endpoint=ENDPOINT,
)
shared.REALISTIC["integration/guide.html"] = shared.public_context(
    event_titles=EVENT_TITLES,
    header_id="Kook-Webhook-Id",
    header_timestamp="Kook-Webhook-Timestamp",
    header_signature="Kook-Webhook-Signature",
)


@pytest.fixture
def env() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(shared.TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )
    register_filters(environment)
    return environment


def test_the_webhooks_page_shows_the_secret_once_the_endpoints_and_a_replay_form_per_delivery(
    env: jinja2.Environment,
) -> None:
    html = env.get_template("integration/webhooks.html").render(**shared.REALISTIC["integration/webhooks.html"])
    assert "whsec_shown-once" in html
    # shown as its scheme and the rest (the page shell allows no absolute URL anywhere in a page)
    assert "erp.example.com/kook/webhooks" in html and ">https<" in html
    assert f'action="/webhooks/deliveries/{DELIVERY.id}/replay"' in html
    assert f'action="/webhooks/{ENDPOINT.id}/delete"' in html
    assert html.count(f'value="{shared.CSRF}"') >= 3  # register, delete, replay
    for event in EVENT_TITLES:
        assert f'value="{event}"' in html


def test_the_guide_holds_the_curl_flow_and_the_verification_snippet(env: jinja2.Environment) -> None:
    html = env.get_template("integration/guide.html").render(**shared.REALISTIC["integration/guide.html"])
    for step in ("/api/v1/requests", "/uploads", "/summary", "/confirm", "Idempotency-Key", "format=xlsx"):
        assert step in html
    assert "hmac.compare_digest" in html and "Kook-Webhook-Signature" in html
    assert 'lang="en"' in html  # the English part


@dataclass
class _Key:
    id: str
    name: str
    prefix: str
    created_at: datetime = AT
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    per_minute: int = 120


shared.REALISTIC["staff/api_keys.html"] = {
    "csrf_token": shared.CSRF,
    "current_staff": shared.Staff(role="finance"),
    "enabled_menu": ["dashboard", "deposits"],
    "flash": [],
    "api_keys": [
        _Key("k" * 32, "تطبیق فیش", "kook_kkkkkkkk…ab12"),
        _Key("j" * 32, "قدیمی", "kook_jjjj…", revoked_at=AT),
    ],
    "new_api_key": "kook_" + "k" * 32 + "_secret",
    "values": {},
    "errors": {},
    "form_error": None,
}


def test_the_staff_keys_page_shows_the_new_key_once_and_a_revoke_form_for_live_keys(env: jinja2.Environment) -> None:
    html = env.get_template("staff/api_keys.html").render(**shared.REALISTIC["staff/api_keys.html"])
    assert "kook_" + "k" * 32 + "_secret" in html
    assert f'action="/admin/api-keys/{"k" * 32}/revoke"' in html
    assert f'action="/admin/api-keys/{"j" * 32}/revoke"' not in html  # revoked: nothing to revoke
