"""Many people at once: each person's messages are answered in the order they were sent,
while other people are answered meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram.request import RequestData

from bot.config import Settings
from bot.db import create_engine, migrate, session_factory
from bot.engine.companion import build_companion
from bot.telegram.app import App, build_application
from bot.telegram.ordering import PerChatUpdates
from tests.conftest import content_of
from tests.fake_telegram import TOKEN, Clock, FakeTelegram, Person

ANA, BEN = 7001, 7002
HANG_GUARD = 30  # seconds: only so that a broken test fails instead of hanging


class SlowForAna(FakeTelegram):
    """Telegram, where every message to Ana waits until the test lets it through."""

    def __init__(self) -> None:
        super().__init__()
        self.ana_waits = asyncio.Event()  # a message to Ana is held up now
        self.let_through = asyncio.Event()
        self.delivered = asyncio.Event()  # set at each message that arrives

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        *args: Any, **kwargs: Any,
    ) -> tuple[int, bytes]:  # fmt: skip
        chat = request_data.parameters.get("chat_id") if request_data else None
        if url.endswith("/sendMessage") and chat == ANA:
            self.ana_waits.set()
            await self.let_through.wait()
        answer = await super().do_request(url, method, request_data, *args, **kwargs)
        self.delivered.set()
        return answer


@pytest.fixture
async def running(settings: Settings) -> AsyncIterator[tuple[App, SlowForAna]]:
    """The bot processing its update queue, as it does when polling or behind a webhook."""
    engine = create_engine(settings.database_url)
    migrate(engine)
    companion = build_companion(
        settings, session_factory(engine), clock=Clock(), content=content_of(settings.content_dir)
    )
    telegram = SlowForAna()
    app = build_application(settings, companion, request=telegram, token=TOKEN)
    await app.initialize()
    await app.start()
    yield app, telegram
    if app.running:
        await app.stop()
    await app.shutdown()
    engine.dispose()


async def until(event: asyncio.Event) -> None:
    await asyncio.wait_for(event.wait(), HANG_GUARD)


async def until_sent(telegram: SlowForAna, person: Person, count: int) -> None:
    while len(person.inbox()) < count:
        telegram.delivered.clear()
        await until(telegram.delivered)


async def test_one_person_in_order_others_meanwhile(running: tuple[App, SlowForAna]) -> None:
    app, telegram = running
    ana, ben = Person(app, telegram, ANA), Person(app, telegram, BEN)
    await ana.queue("/start")
    await ana.queue("/help")
    await until(telegram.ana_waits)  # Ana's first answer is on its way, held up

    await ben.queue("/start")
    await until_sent(telegram, ben, 1)  # Ben is answered while Ana's answer is held up
    consent = ben.last.text
    assert ana.inbox() == []

    telegram.let_through.set()
    await until_sent(telegram, ana, 2)
    # Both of Ana's messages are answered, the first first: the second was not taken for
    # Telegram sending the first again.
    assert ana.inbox()[0].text == consent
    assert len(ana.inbox()) == 2
    processor = app.update_processor
    assert isinstance(processor, PerChatUpdates)
    await app.stop()  # after every update it took is answered
    assert processor.chats == 0  # nobody waits, so nothing is kept about anyone
