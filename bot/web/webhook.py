"""The web server's routes for Telegram and the hosting platform: the webhook, refused without
Telegram's secret header, and the health check."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from bot.staff.desk import Desk
from bot.telegram.app import SWEEP_SECONDS, App
from bot.telegram.heartbeat import Heartbeat
from bot.telegram.webhook import feed

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
STALE_AFTER = 3 * SWEEP_SECONDS  # the sweep missed two ticks: the clock has stopped


async def webhook(request: Request) -> Response:
    """An update from Telegram, with the secret set by `python -m bot webhook set`, goes into
    the queue the handlers read; anything else is refused and nothing is processed."""
    application: App = request.app.state.application
    secret: str = request.app.state.webhook_secret
    given = request.headers.get(SECRET_HEADER, "")
    if not secrets.compare_digest(given.encode(), secret.encode()):
        return PlainTextResponse("forbidden", status_code=403)
    try:
        body = await request.json()
    except ValueError:
        return PlainTextResponse("not JSON", status_code=400)
    await feed(application, body)
    return Response(status_code=200)


async def healthz(request: Request) -> Response:
    """200 when the database answers and the sweep ran lately; 503 saying what is wrong."""
    desk: Desk = request.app.state.desk
    heartbeat: Heartbeat = request.app.state.heartbeat
    problems = []
    if not await run_in_threadpool(_database_answers, desk):
        problems.append("database: unreachable")
    age = heartbeat.age()
    if age is None:
        problems.append("sweep: has not run yet")
    elif age > STALE_AFTER:
        problems.append(f"sweep: last ran {int(age)} seconds ago")
    if problems:
        return PlainTextResponse("\n".join(problems) + "\n", status_code=503)
    return PlainTextResponse("ok\n")


def _database_answers(desk: Desk) -> bool:
    try:
        with desk.sessions() as session:
            session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        log.warning("health check: the database did not answer: %s", type(error).__name__)
        return False
    return True
