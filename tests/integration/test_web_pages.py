"""The Persian portal's forms through the real app: CSRF, errors under fields, the sign-up journey."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.helpers import Client, last_code, sign_up

MOBILE = "09121234567"


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def test_form_without_csrf_token_is_refused(client: Client) -> None:
    await client.get("/signup")
    response = await client.post(
        "/signup", data={"mobile": MOBILE, "first_name": "a", "last_name": "b", "password": "x" * 9}
    )
    assert response.status_code == 403
    assert 'dir="rtl"' in response.text and "نشست فرم" in response.text
    assert (await client.get("/api/v1/dev/sms")).json() == []


async def test_sign_up_errors_show_under_fields_and_keep_input(client: Client) -> None:
    page = await client.get("/signup")
    assert page.status_code == 200 and 'lang="fa"' in page.text
    response = await client.post(
        "/signup",
        data={
            "mobile": "12345",
            "first_name": "مریم",
            "last_name": "",
            "password": "short",
            "csrf_token": _token(page.text),
        },
    )
    assert response.status_code == 422
    assert "شمارهٔ موبایل معتبر نیست" in response.text
    assert "حداقل" in response.text or "دست‌کم" in response.text
    assert 'value="مریم"' in response.text and 'value="12345"' in response.text
    assert "short" not in response.text  # a password is never echoed back


async def test_sign_up_verify_dashboard_logout_otp_login(client: Client) -> None:
    page = await client.get("/signup")
    token = _token(page.text)
    response = await client.post(
        "/signup",
        data={
            "mobile": "۰۹۱۲ ۱۲۳ ۴۵۶۷",
            "first_name": "مریم",
            "last_name": "کریمی",
            "password": "a-good-password",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == f"/signup/verify?mobile={MOBILE}"
    verify_page = await client.get(response.headers["location"])
    code = await last_code(client, MOBILE)
    wrong = await client.post(
        "/signup/verify",
        data={
            "mobile": MOBILE,
            "code": "000000" if code != "000000" else "111111",
            "csrf_token": _token(verify_page.text),
        },
    )
    assert wrong.status_code == 400 and "کد واردشده درست نیست" in wrong.text
    done = await client.post(
        "/signup/verify",
        data={"mobile": MOBILE, "code": code, "csrf_token": _token(verify_page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    dashboard = await client.get("/")
    assert dashboard.status_code == 200 and "مریم" in dashboard.text and "کریمی" in dashboard.text
    # the anonymous token no longer works once logged in: the session has its own
    refused = await client.post("/logout", data={"csrf_token": token})
    assert refused.status_code == 403
    out = await client.post("/logout", data={"csrf_token": _token(dashboard.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/login"


async def test_protected_pages_send_visitors_to_login(client: Client) -> None:
    response = await client.get("/profile", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    admin = await client.get("/admin", follow_redirects=False)
    assert admin.status_code == 303 and admin.headers["location"] == "/admin/login"


async def test_every_public_page_is_persian_rtl(client: Client) -> None:
    for path in ("/signup", "/login", "/login/otp", "/signup/verify", "/login/otp/verify", "/admin/login"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="fa" dir="rtl">' in response.text, path
        assert "/static/vendor/" in response.text and "https://" not in response.text, path


async def test_a_contested_sign_up_lands_on_the_profile_to_choose_a_password(settings_factory: Any) -> None:
    from litestar.testing import AsyncTestClient

    from kook.entrypoints.http.app import create_app

    async with AsyncTestClient(app=create_app(settings_factory(KOOK_OTP_PER_MOBILE_PER_MINUTE="5"))) as client:
        await _contested_sign_up(client)


async def _contested_sign_up(client: Client) -> None:
    for first_name, password in (("مریم", "the-owners-pass"), ("مهاجم", "attackers-pass")):
        page = await client.get("/signup")
        form = {"mobile": MOBILE, "first_name": first_name, "last_name": "کریمی", "password": password}
        response = await client.post("/signup", data={**form, "csrf_token": _token(page.text)}, follow_redirects=False)
        # the second sign-up answers as the first
        assert response.status_code == 303 and response.headers["location"] == f"/signup/verify?mobile={MOBILE}"
    verify_page = await client.get(f"/signup/verify?mobile={MOBILE}")
    code = await last_code(client, MOBILE)
    done = await client.post(
        "/signup/verify",
        data={"mobile": MOBILE, "code": code, "csrf_token": _token(verify_page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/profile"
    profile = await client.get("/profile")
    assert "برای حساب خود کلمه عبور انتخاب کنید" in profile.text
    assert 'name="current_password"' not in profile.text
    changed = await client.post(
        "/profile/password",
        data={"new_password": "chosen-by-owner", "csrf_token": _token(profile.text)},
        follow_redirects=False,
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/profile"
    client.cookies.clear()
    login_page = await client.get("/login")
    for password, status in (("attackers-pass", 401), ("chosen-by-owner", 303)):
        login = await client.post(
            "/login",
            data={"mobile": MOBILE, "password": password, "csrf_token": _token(login_page.text)},
            follow_redirects=False,
        )
        assert login.status_code == status


async def test_every_page_has_a_favicon_and_favicon_ico_finds_it(client: Client) -> None:
    """Browsers asked for /favicon.ico on every page and got a 404."""
    for path in ("/login", "/signup", "/admin/login", "/no-such-page"):
        page = await client.get(path)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text, path
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and "<script" not in icon.text
    legacy = await client.get("/favicon.ico", follow_redirects=False)
    assert legacy.status_code == 301 and legacy.headers["location"] == "/static/favicon.svg"
    assert (await client.get("/favicon.ico")).status_code == 200


async def test_a_wrong_current_password_is_named_under_its_field(client: Client) -> None:
    await sign_up(client, MOBILE, "a-good-password")
    profile = await client.get("/profile")
    wrong = await client.post(
        "/profile/password",
        data={
            "current_password": "not-it-at-all",
            "new_password": "another-password",
            "csrf_token": _token(profile.text),
        },
    )
    assert wrong.status_code == 401
    field = wrong.text[wrong.text.index('id="f-current-password"') : wrong.text.index('id="f-new-password"')]
    assert 'aria-invalid="true"' in field and "کلمه عبور فعلی درست نیست." in field
    assert "شمارهٔ موبایل یا کلمه عبور درست نیست" not in wrong.text
    assert "not-it-at-all" not in wrong.text  # a password is never echoed back
