"""The staff dashboard in a real browser: Debian's chromium, driven by Playwright, against the
web server started here on a free port. Writes the README's screenshot, of made-up data."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlmodel import Session

from bot.models import Alert, CheckIn, CheckInStatus, PlanItem
from tests.conftest import ADMIN, RunningBot
from tests.journeys import agree
from tests.staff_history import answer, person
from tests.web import dashboard_link, history, web_app

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"
COUNSELLOR = 901

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does)",
)


@pytest.fixture
async def served(bot: RunningBot) -> AsyncIterator[str]:
    """The web server on a free port of this machine; its address, which /dashboard links use.
    (Chromium keeps Secure cookies on http://localhost.)"""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    base = f"http://localhost:{listening.getsockname()[1]}"
    bot.companion.desk = dataclasses.replace(bot.companion.desk, web_base_url=base)
    config = uvicorn.Config(web_app(bot), access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listening]))
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.01)
    yield base
    server.should_exit = True
    await serving
    listening.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        opened = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield opened
        await opened.close()


def demo(bot: RunningBot) -> None:
    """DEMO-204, made up for the screenshot: cravings easing over ten weeks, three monthly
    check-ins, a plan."""
    now = bot.clock.now
    with Session(bot.engine) as session:
        who = person(session, "DEMO-204", graduated_on=(now - timedelta(weeks=10)).date(),
                     last_seen_at=now - timedelta(days=1))  # fmt: skip
        for week, (rating, after) in enumerate([(8, 6), (7, 4), (7, 5), (6, 3), (5, 3), (5, 2),
                                                (4, 2), (3, 1), (4, 1), (2, 0)]):  # fmt: skip
            at = now - timedelta(weeks=10 - week, hours=5)
            answer(session, who, "craving", "rate", str(rating), at)
            answer(session, who, "craving", "checkback", str(after), at + timedelta(minutes=15))
        for month, (use, risk, protective) in enumerate([(4, 14, 9), (2, 11, 13), (0, 8, 17)]):
            due = now - timedelta(weeks=9 - 4 * month)
            session.add(
                CheckIn(
                    participant_id=who.id or 0, day=30 * (month + 1), questionnaire="bam",
                    due_at=due, answered_at=due, status=CheckInStatus.ANSWERED,
                    score_use=use, score_risk=risk, score_protective=protective,
                )
            )  # fmt: skip
        session.add(
            PlanItem(participant_id=who.id or 0, section="coping", text="Walk around the block",
                     content_version="1", created_at=now)
        )  # fmt: skip
        session.commit()


async def signed_in(browser: Browser, link: str) -> Page:
    """A new browser window that opened the link and pressed Sign in; its console errors (a
    refused script or style would show there) must stay empty."""
    page = await (await browser.new_context(viewport={"width": 1100, "height": 900})).new_page()
    await page.clock.install()  # the live alert count's timer runs when the test says
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    await page.goto(link)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/participants")
    assert errors == []
    return page


async def test_staff_sign_in_review_and_close_an_alert(
    bot: RunningBot, served: str, browser: Browser
) -> None:
    alert_id = history(bot)
    link = await dashboard_link(bot, ADMIN)
    page = await signed_in(browser, link)
    rows = page.locator("tbody tr")  # chart-7, chart-12, chart-3
    assert await rows.count() == 3
    assert await page.locator("#alert-count").inner_text() == "1"
    await page.get_by_label("With open alerts").check()  # the filters, by their labels
    await page.get_by_label("BAM Risk at least").fill("10")
    await page.get_by_role("button", name="Show").click()
    await expect(rows).to_have_count(1)

    await page.get_by_role("link", name="chart-7").click()
    await page.wait_for_url("**/participants/chart-7")
    assert await page.get_by_role("heading", level=1).inner_text() == "Timeline for chart-7"
    chart = page.get_by_role("img", name="chart-7: cravings and monthly check-in scores")
    assert await chart.is_visible()
    demo(bot)
    await page.goto(f"{served}/participants/DEMO-204")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    await page.screenshot(path=SCREENSHOT, full_page=False)
    await page.set_viewport_size({"width": 390, "height": 844})  # a phone: nothing runs off
    for path in ("/participants/DEMO-204", "/participants", "/alerts"):
        await page.goto(f"{served}{path}")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390, path
    await page.set_viewport_size({"width": 1100, "height": 900})

    await page.get_by_role("link", name="Alerts").click()  # DEMO-204 has none
    await page.get_by_role("button", name="Acknowledge").click()
    await page.get_by_text("You took this alert.").wait_for()
    await page.get_by_label("Note").fill("Called, all fine")
    await page.get_by_role("button", name="Resolve").click()
    await page.get_by_text("Alert resolved. Thank you.").wait_for()
    assert await page.locator("#alert-count").inner_text() == "0"
    alex = bot.person(4242)  # meanwhile, a participant writes crisis words in Telegram
    await agree(alex)
    await alex.send("honestly I just want to DIE")
    await page.clock.fast_forward("00:31")
    await expect(page.locator("#alert-count")).to_have_text("1")
    [alert] = [a for a in bot.rows(Alert) if a.id == alert_id]
    assert (alert.status, alert.resolution_note) == ("resolved", "Called, all fine")

    # The link worked once; a browser without a session sees nothing.
    stranger = await (await browser.new_context()).new_page()
    await stranger.goto(link)
    await stranger.get_by_role("button", name="Sign in").click()
    await stranger.get_by_text("This sign-in link does not work").wait_for()
    refused = await stranger.goto(f"{served}/participants/chart-7")
    assert refused is not None and refused.status == 401
    assert "chart-7" not in await stranger.content()


async def test_a_counsellor_cannot_open_the_audit_log(
    bot: RunningBot, served: str, browser: Browser
) -> None:
    await bot.person(ADMIN).send(f"/staff add {COUNSELLOR} counsellor")
    page = await signed_in(browser, await dashboard_link(bot, COUNSELLOR))
    assert await page.get_by_role("link", name="Audit log").count() == 0
    got = await page.goto(f"{served}/audit")
    assert got is not None and got.status == 403
    await page.get_by_text("Only admins can do that.").wait_for()
    # Keyboard first: Tab reaches the skip link, then the navigation.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
