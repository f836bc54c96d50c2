"""The web app at ``/`` in headless Chromium, against ``coach serve`` (offline model)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Request, Route, expect

from tests.browser.conftest import (
    PASSWORD,
    Account,
    Browse,
    OpenPage,
    Served,
    register,
    sign_in,
)
from tests.browser.dropping_proxy import DroppingProxy


@pytest.fixture
def seeded_page(served: Served, seeded: Account, open_page: OpenPage) -> Browse:
    """A page signed in (through the form, with the keyboard) as the user with data."""
    browse = open_page(served.url)
    sign_in(browse.page, seeded.email)
    return browse


def send(page: Page, message: str) -> None:
    """Type a message and press Enter; returns once the new turn has ended."""
    before = page.locator(".msg.assistant").count()
    box = page.get_by_role("textbox", name="Your message")
    box.fill(message)
    box.press("Enter")
    expect(page.locator(".msg.assistant").nth(before)).to_have_attribute("aria-busy", "false")


def count_text_appends(page: Page) -> None:
    """Start counting text nodes added to assistant replies (each SSE text delta adds one)."""
    page.evaluate(
        """() => {
          window.__textAppends = 0;
          new MutationObserver((records) => {
            for (const r of records) {
              if (r.target.matches && r.target.matches(".msg.assistant .text")) {
                window.__textAppends += [...r.addedNodes].filter((n) => n.nodeType === 3).length;
              }
            }
          }).observe(document.body, { childList: true, subtree: true });
        }"""
    )


def test_new_user_registers_chats_and_sees_a_streamed_reply_with_tool_calls(
    served: Served, open_page: OpenPage
) -> None:
    browse = open_page(served.url)
    page = browse.page
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    browse.shot("sign-in")
    register(page)
    browse.shot("registered")
    count_text_appends(page)

    with page.expect_response(lambda r: r.url.endswith("/v1/coach/chat")) as answer:
        send(page, "How am I doing?")

    reply = page.locator(".msg.assistant").last
    tools = reply.locator("li.tool")
    expect(tools).to_have_count(2)
    expect(reply.locator("li.tool[data-tool=get_weight_trend]")).to_have_attribute(
        "data-status", "success"
    )
    expect(reply.locator("li.tool[data-tool=get_adherence] .tool-time")).to_contain_text(
        re.compile(r"started .* · \d+ ms")
    )
    expect(reply.locator(".text")).not_to_be_empty()
    # Each text event of the stream was added as it came, not rendered once at the end.
    response = answer.value
    assert response.headers["content-type"].startswith("text/event-stream")
    text_events = response.text().count("event: text")
    assert text_events >= 1
    assert page.evaluate("window.__textAppends") == text_events
    chat = [r for r in browse.watch.requests if r.endswith("/v1/coach/chat")]
    assert len(chat) == 1
    # The new session is in the URL and in the list.
    expect(page).to_have_url(re.compile(r"#/chat/[0-9a-f-]{36}$"))
    expect(page.locator(".session-list a[aria-current=page]")).to_contain_text("2 messages")
    browse.shot("streamed-reply")


def test_reload_keeps_the_tab_signed_in_by_refreshing_and_retries_a_401(
    served: Served, open_page: OpenPage
) -> None:
    browse = open_page(served.url)
    page = browse.page
    register(page)
    send(page, "hello coach")
    # The page lists its sessions again once a turn ends; that listing must be done before
    # the 401 below is armed, or it takes the 401 (and the refresh) before the reload.
    expect(page.locator(".session-list a")).to_have_count(1)
    refreshed: list[Request] = []
    page.on("request", lambda r: refreshed.append(r) if r.url.endswith("/auth/refresh") else None)
    # The next session listing answers 401 once, as for an expired access token.
    rejected: list[str] = []

    def expire_once(route: Route) -> None:
        if not rejected:
            rejected.append(route.request.url)
            route.fulfill(status=401, json={"title": "Unauthorized", "status": 401})
        else:
            route.fallback()

    page.route(re.compile(r".*/v1/coach/sessions\?limit=20$"), expire_once)

    page.reload()

    expect(page.get_by_role("textbox", name="Your message")).to_be_visible()
    expect(page.locator(".msg.user .text")).to_have_text("hello coach")
    # The listing that got the 401 was repeated after the refresh and shows the session.
    expect(page.locator(".session-list a")).to_have_count(1)
    assert rejected, "the 401 was never served"
    # One refresh for the reload (the access token lived in memory only), one for the 401.
    assert len(refreshed) == 2
    storage = page.evaluate(
        "() => ({local: localStorage.length, session: Object.keys(sessionStorage),"
        " cookies: document.cookie})"
    )
    assert storage == {"local": 0, "session": ["sleek-coach.refresh"], "cookies": ""}

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0


def test_plan_card_shows_calories_macros_pace_and_what_the_policy_changed(
    seeded: Account, seeded_page: Browse
) -> None:
    browse = seeded_page
    page = browse.page

    send(page, "Make me a plan at 1000 kcal")

    card = page.locator(".msg.assistant").last.locator(".plan-card")
    expect(card).to_have_attribute("data-adjusted", "true")
    expect(card.locator(".plan-kcal")).to_contain_text(re.compile(r"^\d+ kcal a day"))
    # Raised to at least the floor (further when the pace must stay safe); the headline and
    # the change list show the same adjusted figure.
    kcal = int(card.locator(".plan-kcal").inner_text().split()[0])
    assert kcal >= 1500
    expect(card.locator(".plan-macros dt")).to_have_text(["Protein", "Carbs", "Fat", "Fibre"])
    expect(card.locator(".plan-pace")).to_contain_text(re.compile(r"−\d+\.\d\d kg a week"))
    expect(card.locator(".macro-bar")).to_have_attribute("aria-label", re.compile("protein"))
    expect(card.locator(".plan-changes li").first).to_contain_text(f"Calories 1000 → {kcal}")
    browse.shot("plan-card")


def test_referral_is_a_distinct_notice_with_its_resources_at_phone_width(
    served: Served, open_page: OpenPage
) -> None:
    browse = open_page(served.url, width=390, height=844)
    page = browse.page
    register(page)

    send(page, "I have been making myself throw up after meals")

    reply = page.locator(".msg.assistant").last
    notice = reply.locator(".notice[data-action=refer]")
    expect(notice).to_have_attribute("role", "alert")
    expect(notice.get_by_role("heading")).to_have_text("Please reach out for support")
    expect(notice.get_by_role("link", name="findahelpline.com")).to_have_attribute(
        "href", "https://findahelpline.com"
    )
    expect(notice.locator("a[href^='tel:']").first).to_be_visible()
    # The reply repeats the notice word for word: it is shown once.
    expect(reply.locator(".text")).to_have_count(0)
    expect(reply.locator("li.tool")).to_have_count(0)
    # Phone width: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    browse.shot("referral-phone")


@pytest.fixture
def proxy(served: Served) -> Iterator[DroppingProxy]:
    """A proxy in front of the server that can drop the browser's connection."""
    port = int(served.url.rsplit(":", 1)[1])
    started = DroppingProxy(port).start()
    yield started
    started.stop()


def test_dropped_connection_mid_turn_resumes_from_the_last_event_without_duplicates(
    served: Served, proxy: DroppingProxy, open_page: OpenPage
) -> None:
    browse = open_page(f"http://127.0.0.1:{proxy.port}/")
    page = browse.page
    email = register(page)
    resumed: list[Request] = []
    page.on("request", lambda r: resumed.append(r) if "/stream" in r.url else None)
    proxy.arm(b"event: text")

    send(page, "How am I doing?")

    assert proxy.dropped.is_set(), "the connection was never dropped"
    expect(page.locator(".turn-status")).to_contain_text("Reconnected")
    assert len(resumed) == 1
    after = int(resumed[0].headers["last-event-id"])
    reply = page.locator(".msg.assistant").last
    shown = "".join(reply.locator(".text").all_text_contents())
    # The server's record of the turn: what the page shows is all of it, once.
    with served.client() as http:
        token = http.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        session_id = page.url.rsplit("/", 1)[1]
        detail = http.get(f"/v1/coach/sessions/{session_id}", headers=auth).json()
    stored = detail["history"][-1]["text"]
    assert shown == stored
    assert after >= 1  # at least the session event came before the drop
    expect(page.locator(".turn-status")).to_contain_text(f"resumed after event {after}")
    expect(reply.locator("li.tool")).to_have_count(2)
    expect(reply.locator("li.tool[data-status=success]")).to_have_count(2)
    browse.shot("resumed")


def test_data_view_draws_the_last_30_days_from_the_users_data(
    seeded: Account, seeded_page: Browse
) -> None:
    browse = seeded_page
    page = browse.page

    page.get_by_role("link", name="My data").click()

    weight = page.locator("#weight-panel svg.chart")
    expect(weight.locator("circle.weigh-in")).to_have_count(seeded.weigh_ins)
    points = weight.locator("polyline.trend-line").get_attribute("points") or ""
    assert len(points.split()) == 30
    expect(weight).to_have_attribute(
        "aria-label", re.compile(rf"{seeded.weigh_ins} weigh-ins; trend from [\d.]+ kg")
    )
    calories = page.locator("#calories-panel svg.chart")
    expect(calories.locator("rect.bar")).to_have_count(seeded.food_days)
    expect(calories.locator("line.target-line")).to_have_count(1)
    expect(page.locator("#calories-panel .lead")).to_contain_text(re.compile(r"Target \d+ kcal"))
    expect(page.locator("#adherence-panel svg.strip rect.day")).to_have_count(30)
    checked_in = round(100 * seeded.weigh_ins / 30)  # every check-in has a weigh-in
    expect(page.locator("#adherence-panel .rates li").first).to_contain_text(f"{checked_in} %")
    browse.shot("data-view")
