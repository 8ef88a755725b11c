"""Several workers keep to one rate limit together, and all of them wait when Telegram says
to."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from telegram.request import RequestData

from bot import db, pacing
from bot.config import Settings
from bot.db import create_engine, migrate, session_factory
from bot.engine.companion import build_companion
from bot.models import RateBucket
from bot.telegram.app import App, build_application
from tests.conftest import TEST_KEYS, BotFactory, content_of, write_locked
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


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every test here runs with the rate limit on."""
    return dataclasses.replace(settings, rate_limit=RATE)


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
        {"DATABASE_URL": postgres_url, "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
         "TELEGRAM_RATE_LIMIT": str(RATE)}
    )  # fmt: skip
    await shared_by_two(settings)


async def test_crisis_lines_do_not_wait_for_the_shared_limit(
    start_bot: BotFactory, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)  # a locked database fails at once
    bot = await start_bot()
    sam = bot.person()
    lines = (await sam.send("/crisis"))[0].text
    with write_locked(settings):  # neither turns nor the limit's bucket can be written
        got = await sam.send("/crisis")
        assert [s.text for s in got] == [lines]
        got = await sam.send("hello")  # the apology still goes out, paced by this worker
        assert [s.text for s in got] == [bot.texts().error]
