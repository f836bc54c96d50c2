"""The web app in a real browser: Debian's Chromium driven by Playwright, against a real
``coach serve`` subprocess on the run's private database (offline model, Redis).

Every page runs with a guard on its browser context: a request to anything but loopback is
aborted and recorded, and each test ends by asserting there was none. Console errors (a
Content-Security-Policy violation is one) and uncaught page errors fail the test too.
Screenshots of each step go to ``reports/browser/<test>/`` (git-ignored).

Without ``/usr/bin/chromium`` the tests are skipped, except in CI (``CI`` set), where
``.ci/run`` installs it and its absence is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

from tests.fakes.served import wait_until_healthy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SHOTS = Path(__file__).resolve().parents[2] / "reports" / "browser"
PASSWORD = "correct horse battery"
#: Timeout of one browser wait (a turn with the offline model takes well under a second).
WAIT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A running ``coach serve``."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self) -> httpx.Client:
        """An HTTP client on the server (for test set-up and checks)."""
        return httpx.Client(base_url=self.url, timeout=30)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, or a skip (a failure in CI)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def served(
    chromium: Path, database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """``coach serve`` on a free loopback port, as a user would start it."""
    data_dir = tmp_path_factory.mktemp("browser-served")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "COACH_", "RATE_LIMIT_", "CORS_"))
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        COACH_DATA_DIR=str(data_dir),
        JWT_SECRET="browser-tests-" + "s" * 40,
        COACH_MODEL="offline",
        COACH_SEED_DEMO="0",
        COACH_EVENT_LOG_PREFIX=f"browser:{uuid.uuid4().hex[:8]}",
        TOOL_CACHE_PREFIX=f"browser:{uuid.uuid4().hex[:8]}",
    )
    log = data_dir / "serve.log"
    coach = Path(sys.executable).with_name("coach")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(coach), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, [process], timeout_s=120, log=log.read_text, interval_s=0.2)
        yield Served(url=url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Module scope, not session: while Playwright's synchronous driver is open, its event loop
# counts as running in this thread, and the async tests of later modules could not start.
@pytest.fixture(scope="module")
def playwright_session(chromium: Path) -> Iterator[Playwright]:
    """Playwright's driver."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright_session: Playwright, chromium: Path) -> Iterator[Browser]:
    """One headless Chromium per module (each test gets its own context)."""
    launched = playwright_session.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Watch:
    """What a page did: every request URL, anything blocked, console and page errors."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _guard(watch: Watch) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOOPBACK:
            route.continue_()
        else:
            watch.blocked.append(url)
            route.abort("blockedbyclient")

    return handle


@dataclass
class Browse:
    """A fresh browser context with a watched page and a screenshot helper."""

    context: BrowserContext
    page: Page
    watch: Watch
    shots: Path

    def shot(self, name: str) -> None:
        """Save a screenshot of the whole page as ``<n>-<name>.png``."""
        count = len(list(self.shots.glob("*.png")))
        self.page.screenshot(path=self.shots / f"{count + 1:02d}-{name}.png", full_page=True)


OpenPage = Callable[..., Browse]


@pytest.fixture
def open_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[OpenPage]:
    """Open a watched page (desktop size unless told); asserts it stayed on loopback."""
    opened: list[Browse] = []
    shots = SHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)

    def open_(url: str, *, width: int = 1200, height: int = 860) -> Browse:
        watch = Watch()
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(WAIT_MS)
        context.route("**/*", _guard(watch))
        page = context.new_page()
        page.on("request", lambda r: watch.requests.append(r.url))
        page.on("pageerror", lambda e: watch.errors.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: (
                watch.errors.append(f"console {m.type}: {m.text}")
                if m.type == "error" and not _expected_console_error(m.text)
                else None
            ),
        )
        page.goto(url)
        browse = Browse(context=context, page=page, watch=watch, shots=shots)
        opened.append(browse)
        return browse

    yield open_
    for browse in opened:
        browse.context.close()
    for browse in opened:
        assert browse.watch.blocked == [], f"requests left loopback: {browse.watch.blocked}"
        offsite = [u for u in browse.watch.requests if not _on_loopback(u)]
        assert offsite == [], f"requests left loopback: {offsite}"
        assert browse.watch.errors == [], browse.watch.errors


def _on_loopback(url: str) -> bool:
    return url.startswith(("data:", "blob:")) or (urlsplit(url).hostname or "") in LOOPBACK


def _expected_console_error(text: str) -> bool:
    # Chromium logs every failed response as a console error; a test that provokes one
    # (a dropped connection, a 401 before a refresh) says so by its own assertions.
    return text.startswith("Failed to load resource") or "ERR_INCOMPLETE_CHUNKED_ENCODING" in text


@dataclass(frozen=True)
class Account:
    """A user created through the API, with 30 days of data, and its tokens."""

    email: str
    access_token: str
    weigh_ins: int
    food_days: int


def seed_account(served: Served, *, days: int = 30) -> Account:
    """Register, sign in and log ``days`` days through the public API.

    Weigh-ins on four days out of five (one offline-sync batch), food on two days out of
    three, and a profile so the coach can compute targets.
    """
    email = f"browser-{uuid.uuid4().hex[:12]}@example.com"
    today = dt.datetime.now(dt.UTC).date()
    with served.client() as http:
        body = {"email": email, "password": PASSWORD}
        assert http.post("/v1/auth/register", json=body).status_code == 201
        token = http.post("/v1/auth/login", json=body).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        profile = {"height_cm": 178, "birth_year": 1987, "sex": "male", "activity_level": "light"}
        assert http.patch("/v1/me/profile", json=profile, headers=auth).status_code == 200
        now = dt.datetime.now(dt.UTC).isoformat()
        items = [
            {
                "date": (today - dt.timedelta(days=back)).isoformat(),
                "weight_kg": round(84.0 - 0.06 * (days - back) + 0.4 * ((back * 7) % 3 - 1), 1),
                "energy_level": 7,
                "client_updated_at": now,
            }
            for back in range(days)
            if back % 5 != 2
        ]
        synced = http.post("/v1/check-ins/sync", json={"items": items}, headers=auth)
        assert synced.status_code == 200, synced.text
        food_days = 0
        for back in range(days):
            if back % 3 == 1:
                continue
            day = (today - dt.timedelta(days=back)).isoformat()
            meal = {"calories": 2100 + 60 * ((back * 5) % 7) - 180, "protein_g": 150}
            assert http.put(f"/v1/nutrition/{day}", json=meal, headers=auth).status_code in (
                200,
                201,
            )
            food_days += 1
    return Account(email=email, access_token=token, weigh_ins=len(items), food_days=food_days)


@pytest.fixture(scope="session")
def seeded(served: Served) -> Account:
    """One user with data, shared by the tests that only read it."""
    return seed_account(served)


def sign_in(page: Page, email: str) -> None:
    """Sign in through the form, with the keyboard."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.get_by_role("textbox", name="Your message").wait_for()


def register(page: Page) -> str:
    """Create an account through the form; returns its email."""
    email = f"browser-{uuid.uuid4().hex[:12]}@example.com"
    page.get_by_role("button", name="New here? Create an account").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("textbox", name="Your message").wait_for()
    return email
