"""A person's way through identity in the browser: sign up with a texted code,
log out, log in with a one-time code, set a new password, log in with it.

Assertions are on what the person sees: Persian text, their name, the URL.
Codes are read from the sandbox SMS inbox, as a tester would read their phone.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Portal, Screens

LATIN_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

FIRST_NAME = "مریم"
LAST_NAME = "کاظمی"
FULL_NAME = f"{FIRST_NAME} {LAST_NAME}"


def _at(page: Page, portal: Portal, path: str) -> None:
    """The page's URL is ``path`` (query string allowed)."""
    expect(page).to_have_url(re.compile("^" + re.escape(portal.url + path) + r"(\?.*)?$"))


def _sign_up(page: Page, portal: Portal, screens: Screens, mobile_fa: str, password: str) -> None:
    """From /login to /signup/verify for ``mobile_fa`` (typed in Persian digits)."""
    page.get_by_role("link", name="ثبت نام").click()
    _at(page, portal, "/signup")
    expect(page.get_by_role("heading", name="ثبت نام")).to_be_visible()
    page.get_by_label("شماره موبایل").fill(mobile_fa)
    page.get_by_label("نام", exact=True).fill(FIRST_NAME)
    page.get_by_label("نام خانوادگی").fill(LAST_NAME)
    page.get_by_label("کلمه عبور").fill(password)
    screens.take(page, "signup-filled")
    page.get_by_role("button", name="ثبت نام").click()
    _at(page, portal, "/signup/verify")
    expect(page.get_by_role("heading", name="تأیید شماره موبایل")).to_be_visible()
    # The number is shown back in Persian digits.
    expect(page.get_by_text(mobile_fa)).to_be_visible()
    screens.take(page, "signup-verify")


def _log_out(page: Page, portal: Portal, screens: Screens) -> None:
    page.locator("header").get_by_role("button", name="خروج", exact=True).click()
    _at(page, portal, "/login")
    expect(page.get_by_role("status").filter(has_text="از حساب خود خارج شدید.")).to_be_visible()
    screens.take(page, "logged-out")


def test_sign_up_otp_login_and_new_password(page: Page, portal: Portal, screens: Screens) -> None:
    mobile = "09125551234"
    mobile_fa = mobile.translate(LATIN_TO_PERSIAN)
    password = "Kook-e2e-pass1"
    new_password = "Tazeh-ramz-2468"

    # A stranger opening the portal is sent to the login page.
    page.goto("/")
    _at(page, portal, "/login")
    expect(page.get_by_role("heading", name="ورود", exact=True)).to_be_visible()
    screens.take(page, "login")

    # Sign up, then confirm the number with the texted code.
    _sign_up(page, portal, screens, mobile_fa, password)
    signup_code = portal.latest_code(mobile)
    page.get_by_label("کد تأیید").fill(signup_code)
    page.get_by_role("button", name="تأیید").click()

    # The dashboard greets them by name.
    _at(page, portal, "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{FULL_NAME} عزیز، خوش آمدید")
    expect(page.get_by_test_id("user-name")).to_have_text(FULL_NAME)
    expect(page.get_by_text("به پرتال سازمانی کوک خوش آمدید.")).to_be_visible()
    screens.take(page, "dashboard-after-signup")

    _log_out(page, portal, screens)

    # Log back in with a one-time code (typed in Persian digits, as a phone keyboard would).
    page.get_by_role("link", name="ورود با کد یکبار مصرف").click()
    _at(page, portal, "/login/otp")
    expect(page.get_by_role("heading", name="ورود با کد یکبار مصرف")).to_be_visible()
    page.get_by_label("شماره موبایل").fill(mobile_fa)
    screens.take(page, "otp-request")
    page.get_by_role("button", name="ارسال کد یکبار مصرف").click()
    _at(page, portal, "/login/otp/verify")
    expect(page.get_by_text("اگر این شماره امکان دریافت کد داشته باشد، کد پیامک شد.")).to_be_visible()
    screens.take(page, "otp-verify")
    login_code = portal.latest_code(mobile, newer_than=signup_code)
    page.get_by_label("کد یکبار مصرف").fill(login_code.translate(LATIN_TO_PERSIAN))
    page.get_by_role("button", name="ورود", exact=True).click()

    # On the profile page: told they came in with a code; no current password asked.
    _at(page, portal, "/profile")
    expect(page.get_by_role("heading", name="پروفایل", level=1)).to_be_visible()
    expect(page.get_by_text("با کد یکبار مصرف وارد شده‌اید؛ کلمه عبور جدید را تعیین کنید.")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_text(FULL_NAME)
    expect(page.get_by_label("کلمه عبور فعلی")).to_have_count(0)
    screens.take(page, "profile-after-otp")

    page.get_by_label("کلمه عبور جدید").fill(new_password)
    page.get_by_role("button", name="تغییر کلمه عبور").click()
    _at(page, portal, "/profile")
    expect(page.get_by_text("کلمه عبور با موفقیت تغییر کرد.")).to_be_visible()
    screens.take(page, "password-changed")

    _log_out(page, portal, screens)

    # Log in with the new password.
    page.get_by_label("شماره موبایل").fill(mobile_fa)
    page.get_by_label("کلمه عبور").fill(new_password)
    page.get_by_role("button", name="ورود", exact=True).click()
    _at(page, portal, "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{FULL_NAME} عزیز، خوش آمدید")
    expect(page.get_by_text("با موفقیت وارد شدید.")).to_be_visible()
    screens.take(page, "dashboard-after-password-login")


def test_wrong_code_shows_persian_error_and_stays(page: Page, portal: Portal, screens: Screens) -> None:
    mobile = "09125552222"
    mobile_fa = mobile.translate(LATIN_TO_PERSIAN)
    page.goto("/login")
    screens.take(page, "login")
    _sign_up(page, portal, screens, mobile_fa, "Kook-e2e-pass2")

    right = portal.latest_code(mobile)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    code_field = page.get_by_label("کد تأیید")
    code_field.fill(wrong)
    page.get_by_role("button", name="تأیید").click()

    _at(page, portal, "/signup/verify")
    expect(page.get_by_role("heading", name="تأیید شماره موبایل")).to_be_visible()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#f-code-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("کد واردشده درست نیست.")
    # The error is the field's description, right under it.
    expect(code_field).to_have_attribute("aria-describedby", re.compile(r"\bf-code-error\b"))
    field_box = code_field.bounding_box()
    error_box = error.bounding_box()
    assert field_box is not None and error_box is not None
    assert error_box["y"] >= field_box["y"] + field_box["height"] - 1
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    screens.take(page, "wrong-code")


def test_rtl_and_phone_width(browser: Browser, portal: Portal, screens: Screens) -> None:
    context = browser.new_context(
        base_url=portal.url,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="fa-IR",
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()

        def no_sideways_scroll() -> None:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{page.url}: the page is {width}px wide at 360px"

        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "fa")
        expect(page.locator("html[dir=rtl][lang=fa]")).to_have_count(1)
        no_sideways_scroll()
        # The Persian face is really in use, not a system fallback.
        assert page.evaluate(
            "document.fonts.ready.then(() => document.fonts.check('16px Vazirmatn')"
            " && [...document.fonts].some(f => f.family.includes('Vazirmatn') && f.status === 'loaded'))"
        ), "the Vazirmatn web font did not load"
        screens.take(page, "login-360")

        # The demo customer logs in; the portal's menu is folded behind a toggle.
        page.get_by_label("شماره موبایل").fill("۰۹۱۲۱۱۱۰۰۰۰")
        page.get_by_label("کلمه عبور").fill("kook-demo-1405")
        page.get_by_role("button", name="ورود", exact=True).click()
        _at(page, portal, "/")
        expect(page.locator("html[dir=rtl][lang=fa]")).to_have_count(1)
        expect(page.get_by_role("heading", level=1)).to_contain_text("خوش آمدید")
        toggle = page.get_by_role("button", name="نمایش منو")
        expect(toggle).to_be_visible()
        menu = page.locator("#kook-menu")
        expect(menu.get_by_role("link", name="پروفایل")).not_to_be_visible()
        no_sideways_scroll()
        screens.take(page, "dashboard-360")

        toggle.click()
        expect(menu.get_by_role("link", name="پروفایل")).to_be_visible()
        expect(menu.get_by_role("button", name="خروج از حساب")).to_be_visible()
        # Bootstrap's offcanvas: wait for the slide-in to finish before looking.
        expect(menu).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        expect(menu).not_to_have_class(re.compile(r"(^|\s)showing(\s|$)"))
        no_sideways_scroll()
        screens.take(page, "menu-open-360", full_page=False)

        menu.get_by_role("link", name="پروفایل").click()
        _at(page, portal, "/profile")
        no_sideways_scroll()
        screens.take(page, "profile-360")
    finally:
        context.close()


def test_sign_out_everywhere_ends_the_other_browser_too(
    browser: Browser, page: Page, portal: Portal, screens: Screens
) -> None:
    mobile = "09125558844"
    mobile_fa = mobile.translate(LATIN_TO_PERSIAN)
    password = "Kook-e2e-pass3"
    page.goto("/login")
    _sign_up(page, portal, screens, mobile_fa, password)
    page.get_by_label("کد تأیید").fill(portal.latest_code(mobile))
    page.get_by_role("button", name="تأیید").click()
    _at(page, portal, "/")

    # the same person on another computer
    other = browser.new_context(base_url=portal.url, locale="fa-IR").new_page()
    other.goto("/login")
    other.get_by_label("شماره موبایل").fill(mobile_fa)
    other.get_by_label("کلمه عبور").fill(password)
    other.get_by_role("button", name="ورود", exact=True).click()
    expect(other.get_by_role("heading", level=1)).to_have_text(f"{FULL_NAME} عزیز، خوش آمدید")

    page.goto("/profile")
    page.on("dialog", lambda dialog: dialog.accept())  # «از حساب خود در همه دستگاه‌ها … خارج می‌شوید»
    screens.take(page, "profile-sessions")
    page.get_by_test_id("end-all-sessions").click()
    _at(page, portal, "/login")
    expect(page.get_by_role("status").filter(has_text="در همه دستگاه‌ها و مرورگرها خارج شدید")).to_be_visible()

    other.goto("/requests")  # the other computer is logged out too
    expect(other).to_have_url(re.compile(r"/login$"))
    other.context.close()
