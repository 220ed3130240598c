"""End-to-end fixtures: the real portal (embedded mode) and Debian's Chromium.

``portal`` runs ``kook serve`` — the README's first command — as a child process
on a free port of 127.0.0.1: SQLite under a temporary directory, the in-process
worker and scheduler, the sandbox SMS inbox and the demo data. A process of its
own, not a thread of the test process: the worker's Dramatiq broker is one per
process, and an integration test run earlier in the same pytest process would
otherwise have set it up for its own settings (seen: the fulfilment journey's
request never ran after ``tests/integration/test_fulfilment_web.py``).

``browser`` drives Chromium through Playwright. The executable comes from
``KOOK_TEST_CHROMIUM`` (default ``/usr/bin/chromium``; Playwright's own browser
download is not used). Without it the tests are skipped on a workstation and
FAIL under CI.

Every page a test looks at is saved under
``test-output/screenshots/<test>/<nn>-<name>.png`` (UI.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
STARTUP_TIMEOUT = 30.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


# --- the portal ---------------------------------------------------------------


@dataclass(frozen=True)
class Portal:
    url: str

    def get_json(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.load(response)

    def sms_codes(self, mobile: str) -> list[str]:
        """The codes texted to ``mobile`` by the sandbox, newest first."""
        return [m["code"] for m in self.get_json(f"/api/v1/dev/sms?mobile={mobile}") if m.get("code")]

    def latest_code(self, mobile: str, *, newer_than: str | None = None, timeout: float = 10.0) -> str:
        """Wait for a code in the inbox (different from ``newer_than``, when given)."""
        deadline = time.monotonic() + timeout
        while True:
            codes = self.sms_codes(mobile)
            if codes and codes[0] != newer_than:
                return codes[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no new code for {mobile} in the sandbox inbox: {codes!r}")
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last: object = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the portal exited during start-up ({process.returncode}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
                last = response.status
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.1)
    raise RuntimeError(
        f"the portal did not answer /health within {STARTUP_TIMEOUT:.0f} s (last: {last!r}):\n{_tail(log)}"
    )


def _tail(log: Path, chars: int = 4000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


@pytest.fixture(scope="session")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    data_dir = tmp_path_factory.mktemp("kook-e2e")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOK_")}
    env.update(
        {
            "KOOK_ENV": "test",
            "KOOK_DATA_DIR": str(data_dir),
            "KOOK_ARGON2_MEMORY_KIB": "1024",
            "KOOK_ARGON2_TIME_COST": "1",
            "KOOK_DEMO_DATA": "true",
            # The journey asks for a sign-up code and a login code for one number
            # within a minute; the default (1 a minute) would answer «rate_limited».
            "KOOK_OTP_PER_MOBILE_PER_MINUTE": "10",
            # every browser of the whole e2e session comes from 127.0.0.1: the per-address caps (meant for one
            # attacker's address) would stop the later journeys' sign-ups and code checks
            "KOOK_OTP_PER_ADDRESS_PER_HOUR": "1000",
            "KOOK_OTP_VERIFY_PER_ADDRESS_PER_HOUR": "1000",
            # the sandbox gateway sends the payer back to this address
            "KOOK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
    )
    log = data_dir / "portal.log"
    command = [sys.executable, "-m", "kook.entrypoints.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield Portal(url=url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- the browser --------------------------------------------------------------


def _chromium_path() -> str:
    path = os.environ.get("KOOK_TEST_CHROMIUM") or "/usr/bin/chromium"
    found = shutil.which(path)
    if found is None:
        message = f"Chromium not found at {path!r} (set KOOK_TEST_CHROMIUM or install Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI requires it", pytrace=False)
        pytest.skip(message)
    return found


@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    # Package scope: the sync API's loop is gone before other packages' async tests run.
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = _chromium_path()
    browser = playwright_instance.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


class Screens:
    """Numbered screenshots of one test: ``<nn>-<name>.png``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def take(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        self.count += 1
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
        path = self.directory / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def screens(request: pytest.FixtureRequest) -> Screens:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    directory = SCREENSHOTS / slug
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    return Screens(directory)


def watch_csp(page: Page) -> list[str]:
    """The Content-Security-Policy violations Chromium reports on ``page`` (a list that grows)."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return found


@pytest.fixture
def page(browser: Browser, portal: Portal) -> Iterator[Page]:
    """A fresh desktop-sized page (own cookies) with the portal as base URL.

    Every journey doubles as a check of the portal's Content-Security-Policy: a script, style or handler it
    blocks (an inline one) fails the test that met it.
    """
    context = browser.new_context(base_url=portal.url, viewport=DESKTOP, locale="fa-IR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp(page)
    try:
        yield page
    finally:
        context.close()
    assert not violations, "blocked by the Content-Security-Policy:\n" + "\n".join(violations)
