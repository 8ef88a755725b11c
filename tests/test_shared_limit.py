"""Several workers keep to one rate limit together, and all of them wait when Telegram says
to."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from telegram.request import RequestData

from bot import pacing
from bot.config import Settings
from bot.db import create_engine, migrate, session_factory
from bot.engine.companion import build_companion
from bot.models import RateBucket
from bot.telegram.app import App, build_application
from tests.conftest import TEST_KEYS, content_of
from tests.fake_telegram import TOKEN, Clock, FakeTelegram

RATE = 50  # messages a second, for all workers together
SENDS = 10  # by each worker


class FloodOnce(FakeTelegram):
    """Telegram that refuses the first message with 'retry after 1 second'."""

    flooded = False

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        *args: Any, **kwargs: Any,
    ) -> tuple[int, bytes]:  # fmt: skip
        if url.endswith("/sendMessage") and not self.flooded:
            self.flooded = True
            body = b'{"ok": false, "error_code": 429, "description": "Too Many Requests: ' \
                   b'retry after 1", "parameters": {"retry_after": 1}}'  # fmt: skip
            return 429, body
        return await super().do_request(url, method, request_data, *args, **kwargs)


def worker(settings: Settings, telegram: FakeTelegram) -> tuple[App, sa.Engine]:
    engine = create_engine(settings.database_url, settings.encryption_keys)
    migrate(engine)
    companion = build_companion(
        settings, session_factory(engine), clock=Clock(), content=content_of(settings.content_dir)
    )
    return build_application(settings, companion, request=telegram, token=TOKEN), engine


def bucket(engine: sa.Engine) -> tuple[float, float]:
    """The shared next moment to send at, and now, both by the database's clock."""
    with Session(engine) as session:
        # Taking no moments reads the bucket and the clock and changes nothing.
        wait = pacing.take(session=session, count=0, per_second=RATE)
        row = session.get(RateBucket, pacing.TELEGRAM)
        assert row is not None
        return row.next_at, row.next_at - wait


async def shared_by_two(settings: Settings) -> None:
    settings = dataclasses.replace(settings, rate_limit=RATE)
    telegram = FakeTelegram()
    (first, engine), (second, other) = worker(settings, telegram), worker(settings, telegram)
    for app in (first, second):
        await app.initialize()
    _, start = bucket(engine)
    for app in (first, second):
        for n in range(SENDS):
            await app.bot.send_message(n + 1, "hello")
    next_at, _ = bucket(engine)
    # Each message took the next moment of one bucket: both workers' sends lie one after
    # another, 1/RATE apart, as one worker's would.
    assert next_at >= start + 2 * SENDS / RATE
    assert len(telegram.sent) == 2 * SENDS
    for app in (first, second):
        await app.shutdown()
    engine.dispose()
    other.dispose()


async def test_two_workers_share_one_limit(settings: Settings) -> None:
    await shared_by_two(settings)


async def test_retry_after_holds_back_every_worker(settings: Settings) -> None:
    settings = dataclasses.replace(settings, rate_limit=RATE)
    telegram = FloodOnce()
    (app, engine), (_, other) = worker(settings, telegram), worker(settings, FakeTelegram())
    await app.initialize()
    _, start = bucket(engine)
    await app.bot.send_message(1, "hello")  # refused once, then sent after the wait
    assert [sent.text for sent in telegram.sent] == ["hello"]
    next_at, _ = bucket(other)  # what the other worker finds: nothing goes before then
    assert next_at >= start + 1
    await app.shutdown()
    engine.dispose()
    other.dispose()


async def test_two_workers_share_one_limit_on_postgresql(postgres_url: str) -> None:
    settings = Settings.from_env(
        {"DATABASE_URL": postgres_url, "ENCRYPTION_KEYS": ",".join(TEST_KEYS)}
    )
    await shared_by_two(settings)
