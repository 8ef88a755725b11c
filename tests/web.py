"""The web server of `python -m bot web` over a test bot, and an HTTP client for it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlmodel import Session
from starlette.applications import Starlette

from bot.models import Alert, AlertStatus
from bot.staff.desk import Desk
from bot.web.app import create_app
from bot.web.guard import CSRF_FIELD
from tests.conftest import RunningBot
from tests.staff_history import full_history, person

SECRET = "test-webhook-secret_1"
BASE = "https://dashboard.test"


def web_app(bot: RunningBot, desk: Desk | None = None) -> Starlette:
    """The ASGI app over this bot's application and staff desk (or another desk)."""
    return create_app(
        desk or bot.companion.desk, application=bot.app, secret=SECRET, heartbeat=bot.heartbeat
    )


@asynccontextmanager
async def client(web: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A browser-less client on https, so the Secure cookie comes back."""
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as opened:
        yield opened


async def dashboard_link(bot: RunningBot, user_id: int) -> str:
    """A staff member sends /dashboard and gets a one-time link."""
    got = await bot.person(user_id).send("/dashboard")
    return got[0].text.splitlines()[1]


async def sign_in(web: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the link and press Sign in."""
    shown = await web.get(link)
    assert shown.status_code == 200 and "Sign in" in shown.text
    return await web.post(link, data={CSRF_FIELD: csrf(shown.text)})


def csrf(page: str) -> str:
    """The token a page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found[1]


def history(bot: RunningBot) -> int:
    """chart-7's stored history, and two more participants; the id of chart-7's open alert."""
    with Session(bot.engine) as session:
        full_history(session)
        person(session, "chart-12", last_seen_at=bot.clock.now)
        person(session, "chart-3")
        session.commit()
    return next(a.id or 0 for a in bot.rows(Alert) if a.status == AlertStatus.OPEN)
