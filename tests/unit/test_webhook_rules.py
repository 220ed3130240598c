"""Webhook rules: the signature (checked by an independent implementation), which addresses are public, the
backoff, the URL's shape."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.domain.shared.errors import ValidationFailed
from kook.domain.webhooks.webhook import check_events, check_url, is_public_address, retry_delay_seconds, sign


def independent_signature(secret: str, timestamp: str, body: bytes) -> str:
    """What a receiver computes, written from the documented scheme only."""
    message = timestamp.encode("ascii") + b"." + body
    return "v1=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


@given(st.text(min_size=1, max_size=60), st.integers(min_value=0, max_value=2**40), st.binary(max_size=500))
def test_the_signature_is_hmac_sha256_over_timestamp_dot_body(secret: str, timestamp: int, body: bytes) -> None:
    assert sign(secret, timestamp, body) == independent_signature(secret, str(timestamp), body)


def test_a_changed_body_timestamp_or_secret_changes_the_signature() -> None:
    base = sign("whsec_a", 1_700_000_000, b'{"id":"1"}')
    assert sign("whsec_a", 1_700_000_000, b'{"id":"2"}') != base
    assert sign("whsec_a", 1_700_000_001, b'{"id":"1"}') != base
    assert sign("whsec_b", 1_700_000_000, b'{"id":"1"}') != base


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "169.254.1.1",
        "100.64.0.1",  # CGNAT
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "192.0.2.10",  # documentation
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1 — not global
        "not-an-address",
    ],
)
def test_private_local_and_special_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "185.143.232.10", "2a00:1450:4001:82b::200e", "::ffff:8.8.8.8"])
def test_global_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


def test_allowing_loopback_lets_only_loopback_through() -> None:
    assert is_public_address("127.0.0.1", allow_loopback=True)
    assert is_public_address("::1", allow_loopback=True)
    for address in ("10.0.0.1", "169.254.169.254", "192.168.0.1", "100.64.0.1", "fe80::1"):
        assert not is_public_address(address, allow_loopback=True)


def test_the_backoff_doubles_from_the_first_delay_up_to_the_cap() -> None:
    delays = [retry_delay_seconds(n, 30, 3600) for n in range(1, 12)]
    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == 3600 and delays == sorted(delays)
    assert retry_delay_seconds(10_000, 30, 3600) == 3600


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://example.com",
        "https://user:pass@example.com/hook",
        "https:///nohost",
        "https://example.com/a b",
        "https://example.com:0/",
        "https://example.com:99999/",
        "javascript:alert(1)",
        "https://example.com/" + "a" * 2000,
    ],
)
def test_bad_urls_are_refused_naming_the_field(url: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_url(url, require_https=False)
    assert set(caught.value.fields) == {"url"}


def test_https_can_be_required() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_url("http://example.com/hook", require_https=True)
    assert caught.value.fields == {"url": "https_required"}
    assert check_url(" https://example.com/hook ", require_https=True) == "https://example.com/hook"


def test_events_must_be_known_and_at_least_one() -> None:
    assert check_events(["line.outcome", "request.finished", "line.outcome"]) == "line.outcome request.finished"
    for bad in ([], ["request.started"], ["line.outcome", "x"]):
        with pytest.raises(ValidationFailed):
            check_events(bad)


PROD = {
    "KOOK_ENV": "prod",
    "KOOK_SECRET_KEY": "s" * 40,
    "KOOK_REDIS_URL": "redis://127.0.0.1:6379/0",
    "KOOK_DATABASE_URL": "postgresql+asyncpg://kook@db/kook",
    "KOOK_KAVENEGAR_API_KEY": "k",
    "KOOK_ZARINPAL_MERCHANT_ID": "m",
}


def test_loopback_receivers_are_for_dev_and_test_only(tmp_path: object) -> None:
    from kook.entrypoints.settings import SettingsError, load_settings

    base = {"KOOK_DATA_DIR": str(tmp_path)}
    assert load_settings(base | {"KOOK_ENV": "test", "KOOK_WEBHOOK_ALLOW_LOOPBACK": "true"}).webhook.allow_loopback
    prod = load_settings(base | PROD)
    assert not prod.webhook.allow_loopback
    with pytest.raises(SettingsError, match="KOOK_WEBHOOK_ALLOW_LOOPBACK"):
        load_settings(base | PROD | {"KOOK_WEBHOOK_ALLOW_LOOPBACK": "true"})
    with pytest.raises(SettingsError, match="KOOK_WEBHOOK_REQUIRE_HTTPS"):
        load_settings(base | PROD | {"KOOK_WEBHOOK_REQUIRE_HTTPS": "false"})
    for name, bad in (("KOOK_WEBHOOK_TIMEOUT_SECONDS", "0"), ("KOOK_WEBHOOK_FIRST_RETRY_SECONDS", "0")):
        with pytest.raises(SettingsError, match=name):
            load_settings(base | {name: bad})
