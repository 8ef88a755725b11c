"""`python -m bot web`: Telegram posts updates to the webhook, which feeds the same
application that polling feeds; /healthz tells a hosting platform whether all is well."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from telegram import Update

from bot.db import session_factory
from bot.models import Participant
from bot.web.webhook import SECRET_HEADER, WEBHOOK_PATH
from tests.conftest import BotFactory, RunningBot
from tests.fake_telegram import Sent
from tests.test_polling import message
from tests.web import SECRET, client, web_app


async def answer_from_queue(bot: RunningBot) -> list[Sent]:
    """What the application's update fetcher does with the next update in the queue."""
    before = len(bot.telegram.sent)
    update = bot.app.update_queue.get_nowait()
    assert isinstance(update, Update)
    await bot.app.process_update(update)
    return bot.telegram.sent[before:]


async def test_only_telegram_with_the_secret_gets_in(bot: RunningBot) -> None:
    async with client(web_app(bot)) as web:
        missing = await web.post(WEBHOOK_PATH, json=message(1, 55, "/start"))
        wrong = await web.post(
            WEBHOOK_PATH, json=message(2, 55, "/start"), headers={SECRET_HEADER: "guess"}
        )
        read = await web.get(WEBHOOK_PATH, headers={SECRET_HEADER: SECRET})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert read.status_code == 405
    assert bot.app.update_queue.empty()
    assert bot.telegram.sent == [] and bot.rows(Participant) == []


async def test_an_update_gets_the_same_reply_as_in_polling(start_bot: BotFactory) -> None:
    polled, hooked = await start_bot(), await start_bot()
    by_polling = await polled.person(56).send("/start")
    async with client(web_app(hooked)) as web:
        got = await web.post(
            WEBHOOK_PATH, json=message(1, 55, "/start"), headers={SECRET_HEADER: SECRET}
        )
        assert got.status_code == 200
        by_webhook = await answer_from_queue(hooked)
    assert [s.text for s in by_webhook] == [s.text for s in by_polling]
    assert by_webhook[0].chat_id == 55 and "Hi, and welcome!" in by_webhook[0].text
    # An update the library cannot read is passed on with its id alone, as in polling.
    broken = message(2, 57, "Zorblax, a secret")
    broken["message"]["date"] = "yesterday"
    async with client(web_app(hooked)) as web:
        got = await web.post(WEBHOOK_PATH, json=broken, headers={SECRET_HEADER: SECRET})
    assert got.status_code == 200
    assert await answer_from_queue(hooked) == []


async def test_health_needs_the_database_and_a_recent_sweep(bot: RunningBot) -> None:
    async with client(web_app(bot)) as web:
        starting = await web.get("/healthz")
        await bot.tick()
        healthy = await web.get("/healthz")
    assert (starting.status_code, starting.text) == (503, "sweep: has not run yet\n")
    assert (healthy.status_code, healthy.text) == (200, "ok\n")

    nowhere = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:9/none")
    cut_off = dataclasses.replace(bot.companion.desk, sessions=session_factory(nowhere))
    async with client(web_app(bot, cut_off)) as web:
        down = await web.get("/healthz")
    assert (down.status_code, down.text) == (503, "database: unreachable\n")
