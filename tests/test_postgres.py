"""The real application on PostgreSQL, with two processes sharing one database."""

from __future__ import annotations

import dataclasses

import pytest

from bot.config import Settings
from bot.models import ConsentRecord
from tests.conftest import POSTGRES_URL, TEST_KEYS, BotFactory

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="set IOP_TEST_POSTGRES_URL (as .ci/run does) to test on PostgreSQL"
)


@pytest.fixture
def settings(settings: Settings, postgres_url: str) -> Settings:
    return dataclasses.replace(settings, database_url=postgres_url, encryption_keys=TEST_KEYS)


async def test_two_processes_on_postgres(start_bot: BotFactory) -> None:
    one, two = await start_bot(), await start_bot()
    await one.person().send("/start")
    got = await two.person().tap_data("s|consent|welcome|n")
    assert "not a crisis service" in got[0].text
    got = await one.person().tap_data("s|consent|what_i_am|n")
    assert "Your privacy" in got[0].text
    await two.person().tap_data("s|consent|privacy|n")
    got = await one.person().tap_data("s|consent|decide|0")
    assert "Thank you! Let's get started." in [s.text for s in got]
    got = await two.person().tap_data("s|consent|decide|0")  # the other process's stale copy
    assert got == [] and two.telegram.notices == [two.texts().stale_tap]
    stored = one.participant()
    assert stored.consented_at is not None and stored.step == "name"
    assert len(one.rows(ConsentRecord)) == 1
    got = await two.person().send("Sam")
    assert got[0].text == "Nice to meet you, Sam!"


async def test_control_characters_are_stored_without_error_on_postgres(
    start_bot: BotFactory,
) -> None:
    bot = await start_bot()
    sam = bot.person()
    await sam.send("/start")
    for _ in range(3):
        await sam.tap("Next ▶")
    await sam.tap("Yes, I agree")
    got = await sam.send("Sa\x00m")  # PostgreSQL refuses NUL in text
    assert got[0].text == "Nice to meet you, Sam!"
    assert bot.participant().preferred_name == "Sam"
