"""The identity endpoints through the real app, on SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.integration.helpers import Client, csrf, last_code, sign_up

MOBILE = "09121234567"


async def test_sign_up_verify_me_logout(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"mobile": "+98 912 123 4567", "first_name": "علی", "last_name": "رضایی", "password": "a-good-password"},
    )
    assert response.status_code == 202
    assert response.json()["mobile"] == MOBILE
    code = await last_code(client, MOBILE)
    assert len(code) == 6 and code.isdigit()

    response = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
    assert response.status_code == 200
    body = response.json()
    assert body["mobile"] == MOBILE and body["customer"] is None
    set_cookie = "; ".join(response.headers.get_list("set-cookie")).lower()
    assert "kook_session=" in set_cookie and "httponly" in set_cookie and "samesite=lax" in set_cookie

    me = await client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["first_name"] == "علی"

    logout = await client.post("/api/v1/auth/logout", headers=csrf(body))
    assert logout.status_code == 204
    again = await client.get("/api/v1/me")
    assert again.status_code == 401 and again.json()["code"] == "unauthenticated"


async def test_code_is_single_use(client: Client) -> None:
    await client.post(
        "/api/v1/auth/signup",
        json={"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": "a-good-password"},
    )
    code = await last_code(client, MOBILE)
    first = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
    assert first.status_code == 200
    client.cookies.clear()
    second = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
    assert second.status_code == 400 and second.json()["code"] == "otp_invalid"


@pytest.mark.parametrize(
    ("body", "raw"),
    [
        (None, b"{not json"),
        (None, b"[]"),
        ({"mobile": 9121234567, "first_name": "a", "last_name": "b", "password": "a-good-password"}, None),
        ({"mobile": MOBILE, "first_name": "", "last_name": "b", "password": "a-good-password"}, None),
        ({"mobile": MOBILE, "first_name": "a" * 201, "last_name": "b", "password": "a-good-password"}, None),
        ({"mobile": MOBILE, "first_name": "a" * 60, "last_name": "b", "password": "a-good-password"}, None),
        ({"mobile": "02188888888", "first_name": "a", "last_name": "b", "password": "a-good-password"}, None),
        ({"mobile": "not a phone", "first_name": "a", "last_name": "b", "password": "a-good-password"}, None),
        ({"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": "short"}, None),
        ({"mobile": MOBILE, "first_name": "a", "last_name": "b"}, None),
        ({"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": None}, None),
    ],
)
async def test_bad_sign_up_input_is_refused_with_a_code_and_writes_nothing(
    client: Client, body: dict[str, Any] | None, raw: bytes | None
) -> None:
    if raw is not None:
        response = await client.post("/api/v1/auth/signup", content=raw, headers={"content-type": "application/json"})
    else:
        response = await client.post("/api/v1/auth/signup", json=body)
    assert 400 <= response.status_code < 500, response.text
    payload = response.json()
    assert payload["code"] in {"validation_error", "mobile_invalid", "password_too_weak"}
    assert payload["message"]  # Persian text for the person
    inbox = await client.get("/api/v1/dev/sms")
    assert inbox.json() == []
    login = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "a-good-password"})
    assert login.status_code == 401


async def test_validation_error_names_the_fields(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"mobile": "0912", "first_name": " ", "last_name": "b", "password": "1234567"},
    )
    assert response.status_code == 422
    fields = response.json()["details"]["fields"]
    assert set(fields) == {"mobile", "first_name", "password"}
    assert fields["mobile"]["code"] == "mobile_invalid"


async def test_password_login_and_lockout(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    async with AsyncTestClient(app=create_app(settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5"))) as client:
        await _password_login_and_lockout(client)


async def _password_login_and_lockout(client: Client) -> None:
    body = await sign_up(client)
    await client.post("/api/v1/auth/logout", headers=csrf(body))
    ok = await client.post("/api/v1/auth/login", json={"mobile": "9121234567", "password": "a-good-password"})
    assert ok.status_code == 200
    client.cookies.clear()
    for _ in range(5):
        wrong = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "wrong-password"})
        assert wrong.status_code == 401 and wrong.json()["code"] == "credentials_invalid"
    locked = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "a-good-password"})
    assert locked.status_code == 423 and locked.json()["code"] == "account_locked"
    # the one-time code still works
    assert (await client.post("/api/v1/auth/otp", json={"mobile": MOBILE})).status_code == 202
    code = await last_code(client, MOBILE)
    verified = await client.post("/api/v1/auth/otp/verify", json={"mobile": MOBILE, "code": code})
    assert verified.status_code == 200


async def test_unknown_number_gets_the_same_answer_and_no_sms(client: Client) -> None:
    response = await client.post("/api/v1/auth/otp", json={"mobile": "09350000000"})
    assert response.status_code == 202 and response.json() == {"status": "code_sent", "mobile": "09350000000"}
    assert (await client.get("/api/v1/dev/sms")).json() == []
    login = await client.post("/api/v1/auth/login", json={"mobile": "09350000000", "password": "whatever-123"})
    assert login.status_code == 401 and login.json()["code"] == "credentials_invalid"


async def test_code_requests_are_rate_limited(client: Client) -> None:
    # the same limits whether the number is registered or not
    first = await client.post("/api/v1/auth/otp", json={"mobile": "09350000001"})
    assert first.status_code == 202
    second = await client.post("/api/v1/auth/otp", json={"mobile": "09350000001"})
    assert second.status_code == 429 and second.json()["code"] == "rate_limited"
    assert 1 <= int(second.headers["retry-after"]) <= 60


async def test_code_requests_per_address_are_limited(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    settings = settings_factory(KOOK_OTP_PER_ADDRESS_PER_HOUR="3")
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        answers = [
            (await test_client.post("/api/v1/auth/otp", json={"mobile": f"0935000000{i}"})).status_code
            for i in range(5)
        ]
    assert answers == [202, 202, 202, 429, 429]


async def test_code_requests_for_the_whole_portal_are_capped_per_hour(settings_factory: Any) -> None:
    """Issue 20: sign-up texted any new valid number up to the per-address cap, with no cap
    for the portal. Past KOOK_SMS_GLOBAL_PER_HOUR every code request answers 429 (registered
    or not, sign-up or login), and one error-level log says so."""
    from litestar.testing import AsyncTestClient
    from structlog.testing import capture_logs

    from kook.entrypoints.http.app import create_app

    settings = settings_factory(KOOK_SMS_GLOBAL_PER_HOUR="3")
    with capture_logs() as logs:
        async with AsyncTestClient(app=create_app(settings)) as test_client:
            answers = [await test_client.post("/api/v1/auth/otp", json={"mobile": f"0935000001{i}"}) for i in range(2)]
            answers.append(
                await test_client.post(
                    "/api/v1/auth/signup",
                    json={
                        "mobile": "09350000020",
                        "first_name": "سارا",
                        "last_name": "محمدی",
                        "password": "a-good-password",
                    },
                )
            )
            for i in range(3):
                answers.append(await test_client.post("/api/v1/auth/otp", json={"mobile": f"0935000003{i}"}))
            answers.append(
                await test_client.post(
                    "/api/v1/auth/signup",
                    json={
                        "mobile": "09350000021",
                        "first_name": "سارا",
                        "last_name": "محمدی",
                        "password": "a-good-password",
                    },
                )
            )
            sent = (await test_client.get("/api/v1/dev/sms")).json()
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429, 429, 429]
    for refused in answers[3:]:
        assert refused.json()["code"] == "rate_limited" and int(refused.headers["retry-after"]) >= 1
    assert [m["mobile"] for m in sent] == ["09350000020"]  # the sign-up's code; unknown numbers get nothing
    alerts = [e for e in logs if e["event"] == "sms_global_cap_reached"]
    assert len(alerts) == 1 and alerts[0]["log_level"] == "error" and alerts[0]["limit_per_hour"] == 3


async def test_wrong_codes_lock_the_code(client: Client) -> None:
    await client.post(
        "/api/v1/auth/signup",
        json={"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": "a-good-password"},
    )
    code = await last_code(client, MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    codes = []
    for _ in range(5):
        response = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": wrong})
        codes.append(response.json()["code"])
    assert codes == ["otp_invalid"] * 4 + ["otp_locked"]
    right = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
    assert right.status_code == 400 and right.json()["code"] == "otp_locked"


async def test_persian_digits_in_the_code_are_accepted(client: Client) -> None:
    await client.post(
        "/api/v1/auth/signup",
        json={"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": "a-good-password"},
    )
    code = await last_code(client, MOBILE)
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = await client.post("/api/v1/auth/signup/verify", json={"mobile": "۰۹۱۲۱۲۳۴۵۶۷", "code": persian})
    assert response.status_code == 200


async def test_csrf_is_required_for_cookie_writes(client: Client) -> None:
    body = await sign_up(client)
    without = await client.post(
        "/api/v1/me/password", json={"current_password": "a-good-password", "new_password": "another-password"}
    )
    assert without.status_code == 403 and without.json()["code"] == "csrf_failed"
    forged = await client.post(
        "/api/v1/me/password",
        json={"current_password": "a-good-password", "new_password": "another-password"},
        headers={"x-csrftoken": "forged"},
    )
    assert forged.status_code == 403
    ok = await client.post(
        "/api/v1/me/password",
        json={"current_password": "a-good-password", "new_password": "another-password"},
        headers=csrf(body),
    )
    assert ok.status_code == 204


def _use(client: Client, jar: dict[str, str]) -> None:
    client.cookies.clear()
    client.cookies.update(jar)


async def test_password_change_asks_the_current_one_and_ends_other_sessions(client: Client) -> None:
    body = await sign_up(client)
    first = dict(client.cookies)
    client.cookies.clear()
    login = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "a-good-password"})
    assert login.status_code == 200
    second = dict(client.cookies)
    assert (await client.get("/api/v1/me")).status_code == 200

    _use(client, first)
    wrong = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not-it-at-all", "new_password": "another-password"},
        headers=csrf(body),
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "current_password_invalid"
    assert wrong.json()["message"] == "کلمه عبور فعلی درست نیست."
    assert wrong.json()["details"] == {"field": "current_password"}
    weak = await client.post(
        "/api/v1/me/password",
        json={"current_password": "a-good-password", "new_password": "short"},
        headers=csrf(body),
    )
    assert weak.status_code == 422 and weak.json()["code"] == "password_too_weak"
    changed = await client.post(
        "/api/v1/me/password",
        json={"current_password": "a-good-password", "new_password": "another-password"},
        headers=csrf(body),
    )
    assert changed.status_code == 204
    assert (await client.get("/api/v1/me")).status_code == 200
    _use(client, second)
    assert (await client.get("/api/v1/me")).status_code == 401
    client.cookies.clear()
    old = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "a-good-password"})
    assert old.status_code == 401
    new = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "another-password"})
    assert new.status_code == 200


async def test_otp_login_may_set_a_new_password_without_the_old_one(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    async with AsyncTestClient(app=create_app(settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5"))) as client:
        await _otp_then_new_password(client)


async def _otp_then_new_password(client: Client) -> None:
    await sign_up(client)
    client.cookies.clear()
    await client.post("/api/v1/auth/otp", json={"mobile": MOBILE})
    code = await last_code(client, MOBILE)
    body = (await client.post("/api/v1/auth/otp/verify", json={"mobile": MOBILE, "code": code})).json()
    response = await client.post("/api/v1/me/password", json={"new_password": "forgot-it-new-1"}, headers=csrf(body))
    assert response.status_code == 204
    # only once: the session no longer counts as a one-time-code login
    again = await client.post("/api/v1/me/password", json={"new_password": "forgot-it-new-2"}, headers=csrf(body))
    assert again.status_code == 422


async def test_a_second_sign_up_cannot_choose_the_password_of_a_pending_number(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    async with AsyncTestClient(app=create_app(settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5"))) as client:
        await _contested_sign_up(client)


async def _contested_sign_up(client: Client) -> None:
    def form(first_name: str, password: str) -> dict[str, str]:
        return {"mobile": MOBILE, "first_name": first_name, "last_name": "رضایی", "password": password}

    assert (await client.post("/api/v1/auth/signup", json=form("علی", "the-owners-pass"))).status_code == 202
    # someone else signs the number up while the owner waits for the code
    second = await client.post("/api/v1/auth/signup", json=form("مهاجم", "attackers-pass"))
    assert second.status_code == 202 and second.json() == {"status": "code_sent", "mobile": MOBILE}  # as ever
    # the owner types the newest code on their phone
    code = await last_code(client, MOBILE)
    verified = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
    assert verified.status_code == 200
    body = verified.json()
    assert body["mobile"] == MOBILE and body["password_required"] is True
    assert (await client.get("/api/v1/me")).json()["password_required"] is True
    owner = dict(client.cookies)

    client.cookies.clear()
    for password in ("attackers-pass", "the-owners-pass"):
        refused = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": password})
        assert refused.status_code == 401 and refused.json()["code"] == "credentials_invalid"

    # the owner's session sets a password without a current one
    _use(client, owner)
    chosen = await client.post("/api/v1/me/password", json={"new_password": "chosen-by-owner"}, headers=csrf(body))
    assert chosen.status_code == 204
    assert (await client.get("/api/v1/me")).json()["password_required"] is False
    client.cookies.clear()
    login = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "chosen-by-owner"})
    assert login.status_code == 200 and login.json()["password_required"] is False
    client.cookies.clear()
    attackers = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "attackers-pass"})
    assert attackers.status_code == 401


async def test_the_same_sign_up_sent_twice_keeps_its_password(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    async with AsyncTestClient(app=create_app(settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5"))) as client:
        form = {"mobile": MOBILE, "first_name": "علی", "last_name": "رضایی", "password": "a-good-password"}
        for _ in range(2):
            assert (await client.post("/api/v1/auth/signup", json=form)).status_code == 202
        code = await last_code(client, MOBILE)
        verified = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
        assert verified.status_code == 200 and verified.json()["password_required"] is False
        client.cookies.clear()
        login = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": "a-good-password"})
        assert login.status_code == 200


async def test_api_keys(client: Client) -> None:
    body = await sign_up(client)
    created = await client.post("/api/v1/api-keys", json={"name": "حسابداری"}, headers=csrf(body))
    assert created.status_code == 201
    key = created.json()["key"]
    key_id = created.json()["id"]
    owner = dict(client.cookies)
    listed = (await client.get("/api/v1/api-keys")).json()["items"]
    assert [item["id"] for item in listed] == [key_id]
    assert key not in str(listed)

    client.cookies.clear()
    bearer = {"authorization": f"Bearer {key}"}
    me = await client.get("/api/v1/me", headers=bearer)
    assert me.status_code == 200 and me.json()["mobile"] == MOBILE
    # a key cannot make or revoke keys (the web login only): a leaked key mints no others
    other = await client.post("/api/v1/api-keys", json={"name": "دوم"}, headers=bearer)
    assert other.status_code == 403 and other.json()["code"] == "api_key_route_refused"
    _use(client, owner)
    revoked = await client.delete(f"/api/v1/api-keys/{key_id}", headers=csrf(body))
    assert revoked.status_code == 204
    client.cookies.clear()
    after = await client.get("/api/v1/me", headers=bearer)
    assert after.status_code == 401
    bad = await client.get("/api/v1/me", headers={"authorization": "Bearer kook_nonsense"})
    assert bad.status_code == 401


async def test_foreign_api_key_is_not_found(client: Client) -> None:
    body = await sign_up(client)
    key_id = (await client.post("/api/v1/api-keys", json={"name": "x"}, headers=csrf(body))).json()["id"]
    mine = dict(client.cookies)
    client.cookies.clear()
    other_body = await sign_up(client, mobile="09351234567")
    response = await client.delete(f"/api/v1/api-keys/{key_id}", headers=csrf(other_body))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert (await client.get("/api/v1/api-keys")).json()["items"] == []
    _use(client, mine)
    assert len((await client.get("/api/v1/api-keys")).json()["items"]) == 1


async def test_body_size_is_limited(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/signup",
        content=b'{"mobile": "' + b"9" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


async def test_concurrent_sign_ups_for_one_number_never_fail_with_500(client: Client) -> None:
    async def attempt() -> int:
        response = await client.post(
            "/api/v1/auth/signup",
            json={"mobile": "09127654321", "first_name": "a", "last_name": "b", "password": "a-good-password"},
        )
        return response.status_code

    codes = await asyncio.gather(*(attempt() for _ in range(4)))
    assert all(code in (202, 409, 429) for code in codes), codes
    assert 202 in codes


async def test_health_and_schema(client: Client) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/signup" in paths and "/api/v1/me" in paths
    assert "/signup" not in paths  # portal pages are not API


async def test_unknown_api_path_answers_json_404(client: Client) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    page = await client.get("/nothing-here")
    assert page.status_code == 404 and 'dir="rtl"' in page.text


async def test_secure_cookies_outside_dev(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    settings = settings_factory(KOOK_HTTP_SECURE_COOKIES="true")
    async with AsyncTestClient(app=create_app(settings), base_url="https://testserver.local") as test_client:
        await test_client.post(
            "/api/v1/auth/signup",
            json={"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": "a-good-password"},
        )
        code = await last_code(test_client, MOBILE)
        response = await test_client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
    cookies = [c.lower() for c in response.headers.get_list("set-cookie")]
    session_cookie = next(c for c in cookies if c.startswith("__host-kook_session="))
    assert "secure" in session_cookie and "httponly" in session_cookie
