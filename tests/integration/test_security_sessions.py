"""Issue 16 (sessions and cookies): a session id is new at every login (a planted one is never promoted), ends at
logout, and a password change or "sign out everywhere" ends the others; outside dev the cookies are
``__Host-``-prefixed, Secure, HttpOnly (the session) and SameSite=Lax — for customers and staff alike."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from kook.entrypoints.http.app import create_app
from kook.entrypoints.settings import Settings
from tests.integration.helpers import Client, last_code, sign_up
from tests.integration.test_catalog_api import page_token
from tests.integration.test_customers_api import STAFF_PASSWORD, staff_session, use

MOBILE = "09121234567"
PASSWORD = "a-good-password"


async def _alive(client: Client, jar: dict[str, str]) -> bool:
    use(client, jar)
    answer = await client.get("/api/v1/me")
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


async def _login(client: Client, planted: dict[str, str] | None = None) -> dict[str, str]:
    client.cookies.clear()
    client.cookies.update(planted or {})
    headers = {"x-csrftoken": planted["csrftoken"]} if planted else {}  # a cookie call carries its token
    answer = await client.post("/api/v1/auth/login", json={"mobile": MOBILE, "password": PASSWORD}, headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.cookies)  # what the server set (the test jar may also hold the planted one)


async def _web_login(client: Client, planted: dict[str, str]) -> dict[str, str]:
    client.cookies.clear()
    client.cookies.update(planted)
    page = await client.get("/login")
    form = {"mobile": MOBILE, "password": PASSWORD, "csrf_token": page_token(page.text)}
    answer = await client.post("/login", data=form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return dict(answer.cookies)


async def test_a_session_id_known_before_login_is_never_valid_after_it(
    settings_factory: Any, settings: Settings
) -> None:
    # ``settings`` is asked for first, outside the event loop: the services' fixtures need asyncio.run
    settings = settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5")  # sign-up's code and the login code
    async with AsyncTestClient(app=create_app(settings)) as client:
        await _fixation(client)


async def _fixation(client: Client) -> None:
    await sign_up(client, MOBILE, PASSWORD)
    planted = dict(client.cookies)  # a live session the attacker knows, fixed in the victim's browser
    made_up = {"kook_session": "attacker-chosen-session-id-0123456789"}  # or an id of the attacker's choosing
    for login, before in ((_login, planted), (_web_login, planted), (_web_login, made_up)):
        before = before if before is made_up else await _login(client)
        after = await login(client, before)
        assert after["kook_session"] != before["kook_session"]
        assert not await _alive(client, before)
        assert await _alive(client, after)

    # the one-time-code login (API) rotates too
    before = await _login(client)
    headers = use(client, before)
    assert (await client.post("/api/v1/auth/otp", json={"mobile": MOBILE}, headers=headers)).status_code == 202
    code = await last_code(client, MOBILE)
    verified = await client.post("/api/v1/auth/otp/verify", json={"mobile": MOBILE, "code": code}, headers=headers)
    assert verified.status_code == 200, verified.text
    after = dict(verified.cookies)
    assert after["kook_session"] != before["kook_session"]
    assert not await _alive(client, before) and await _alive(client, after)


async def test_logout_ends_the_session_for_good(client: Client) -> None:
    await sign_up(client, MOBILE, PASSWORD)
    for logout in ("/api/v1/auth/logout", "/logout"):
        jar = await _login(client)
        headers = use(client, jar)
        answer = await client.post(logout, headers=headers, follow_redirects=False)
        assert answer.status_code in (204, 303), answer.text
        assert 'kook_session=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
        assert not await _alive(client, jar)  # the id replayed after logout is dead server-side


async def test_a_password_change_ends_every_other_session_and_keeps_this_one(client: Client) -> None:
    await sign_up(client, MOBILE, PASSWORD)
    others = [await _login(client) for _ in range(3)]
    mine = await _login(client)
    headers = use(client, mine)
    changed = await client.post(
        "/api/v1/me/password", json={"current_password": PASSWORD, "new_password": "another-good-one"}, headers=headers
    )
    assert changed.status_code == 204, changed.text
    assert [await _alive(client, jar) for jar in others] == [False, False, False]
    assert await _alive(client, mine)


async def test_sign_out_everywhere_ends_every_session_api_and_web(client: Client) -> None:
    await sign_up(client, MOBILE, PASSWORD)
    others = [await _login(client) for _ in range(2)]
    mine = await _login(client)
    key = await client.post("/api/v1/api-keys", json={"name": "erp"}, headers=use(client, mine))
    assert key.status_code == 201
    answer = await client.delete("/api/v1/me/sessions", headers=use(client, mine))
    assert answer.status_code == 204 and answer.content == b""
    assert [await _alive(client, jar) for jar in [*others, mine]] == [False, False, False]
    client.cookies.clear()  # an API key is not a session: it keeps working
    keyed = await client.get("/api/v1/me", headers={"authorization": f"Bearer {key.json()['key']}"})
    assert keyed.status_code == 200

    # the web button on the profile page
    others = [await _login(client) for _ in range(2)]
    mine = await _login(client)
    use(client, mine)
    profile = await client.get("/profile")
    assert 'action="/profile/sessions/end-all"' in profile.text
    ended = await client.post(
        "/profile/sessions/end-all", data={"csrf_token": page_token(profile.text)}, follow_redirects=False
    )
    assert ended.status_code == 303 and ended.headers["location"] == "/login"
    assert [await _alive(client, jar) for jar in [*others, mine]] == [False, False, False]
    # without its token it is refused (a cross-site form cannot sign someone out)
    mine = await _login(client)
    use(client, mine)
    refused = await client.post("/profile/sessions/end-all", data={}, follow_redirects=False)
    assert refused.status_code == 403 and await _alive(client, mine)


def _set_cookies(answer: Any) -> dict[str, str]:
    found = {}
    for header in answer.headers.get_list("set-cookie"):
        name = header.split("=", 1)[0]
        found[name] = header
    return found


def _check_cookie(header: str, *, httponly: bool) -> None:
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "secure" in attributes, header
    assert "path=/" in attributes, header
    assert "samesite=lax" in attributes, header
    assert not any(a.startswith("domain") for a in attributes), header  # __Host- forbids Domain
    assert ("httponly" in attributes) is httponly, header


async def test_outside_dev_cookies_are_host_prefixed_secure_httponly_and_lax(
    settings_factory: Any, settings: Settings
) -> None:
    # ``settings`` is asked for first, outside the event loop: the services' fixtures need asyncio.run
    settings = settings_factory(KOOK_HTTP_SECURE_COOKIES="true")
    assert settings.env == "test"
    async with AsyncTestClient(app=create_app(settings), base_url="https://testserver.local") as client:
        page = await client.get("/login")
        anonymous = _set_cookies(page)
        assert set(anonymous) == {"__Host-kook_anon_csrf"}
        _check_cookie(anonymous["__Host-kook_anon_csrf"], httponly=True)

        signup = await client.post(
            "/api/v1/auth/signup",
            json={"mobile": MOBILE, "first_name": "علی", "last_name": "رضایی", "password": PASSWORD},
        )
        assert signup.status_code == 202
        code = await last_code(client, MOBILE)
        verified = await client.post("/api/v1/auth/signup/verify", json={"mobile": MOBILE, "code": code})
        cookies = _set_cookies(verified)
        assert set(cookies) == {"__Host-kook_session", "__Host-csrftoken"}
        _check_cookie(cookies["__Host-kook_session"], httponly=True)
        _check_cookie(cookies["__Host-csrftoken"], httponly=False)
        me = await client.get("/api/v1/me")
        assert me.status_code == 200, me.text  # the prefixed cookie is the one read back
        # the bare name is not a way in
        bare = {"kook_session": client.cookies["__Host-kook_session"]}
        client.cookies.clear()
        client.cookies.update(bare)
        assert (await client.get("/api/v1/me")).status_code == 401

        # logout expires both, Secure again (a browser ignores a __Host- cookie set without it)
        client.cookies.clear()
        client.cookies.update({"__Host-kook_session": _value(cookies["__Host-kook_session"])})
        token = verified.json()["csrf_token"]
        out = await client.post("/api/v1/auth/logout", headers={"x-csrftoken": token})
        assert out.status_code == 204
        expired = _set_cookies(out)
        assert set(expired) == {"__Host-kook_session", "__Host-csrftoken"}
        for header in expired.values():
            assert "max-age=0" in header.lower() and "secure" in header.lower(), header

        # staff alike
        staff = await staff_session(client, settings, "reviewer", "09350000001")
        assert set(staff) >= {"__Host-kook_session", "__Host-csrftoken"}


def _value(header: str) -> str:
    return header.split(";", 1)[0].split("=", 1)[1].strip('"')


async def test_in_dev_over_plain_http_the_cookies_keep_their_bare_names(
    settings_factory: Any, settings: Settings
) -> None:
    # ``settings`` is asked for first, outside the event loop: the services' fixtures need asyncio.run
    settings = settings_factory(KOOK_ENV="dev", KOOK_HTTP_SECURE_COOKIES="false")
    assert not settings.secure_cookies
    async with AsyncTestClient(app=create_app(settings)) as client:
        await sign_up(client, MOBILE, PASSWORD)
        assert {"kook_session", "csrftoken"} <= set(client.cookies)
        assert (await client.get("/api/v1/me")).status_code == 200


async def test_staff_sessions_rotate_and_end_alike(client: Client, settings: Settings) -> None:
    first = await staff_session(client, settings, "reviewer", "09350000001")
    use(client, first)
    page = await client.get("/admin/login")
    again = await client.post(
        "/admin/login",
        data={"mobile": "09350000001", "password": STAFF_PASSWORD, "csrf_token": page_token(page.text)},
        follow_redirects=False,
    )
    assert again.status_code == 303
    second = dict(again.cookies)
    assert second["kook_session"] != first["kook_session"]
    use(client, first)
    old = await client.get("/admin", follow_redirects=False)
    assert old.status_code == 303, (old.text[:300], dict(old.headers))  # the old id: to the login
    use(client, second)
    home = await client.get("/admin")
    assert home.status_code == 200
    out = await client.post("/admin/logout", data={"csrf_token": page_token(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    use(client, second)
    assert (await client.get("/admin", follow_redirects=False)).status_code == 303


async def test_staff_sign_out_everywhere(client: Client, settings: Settings) -> None:
    first = await staff_session(client, settings, "finance", "09350000002")
    use(client, first)
    page = await client.get("/admin/login")
    second = await client.post(
        "/admin/login",
        data={"mobile": "09350000002", "password": STAFF_PASSWORD, "csrf_token": page_token(page.text)},
        follow_redirects=False,
    )
    mine = dict(second.cookies)
    use(client, mine)
    home = await client.get("/admin")
    assert 'action="/admin/sessions/end-all"' in home.text
    ended = await client.post(
        "/admin/sessions/end-all", data={"csrf_token": page_token(home.text)}, follow_redirects=False
    )
    assert ended.status_code == 303 and ended.headers["location"] == "/admin/login"
    for jar in (first, mine):
        use(client, jar)
        assert (await client.get("/admin", follow_redirects=False)).status_code == 303
