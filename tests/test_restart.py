"""Stopping the process mid-orientation loses nothing; a second process carries on too."""

from __future__ import annotations

from bot.models import ConsentRecord
from tests.conftest import BotFactory
from tests.journeys import agree


async def _to_schedule_step(start_bot: BotFactory) -> None:
    first = await start_bot()
    alex = first.person()
    await agree(alex)
    await alex.send("Sam")
    got = await alex.tap("Next ▶")
    assert "Here is when we meet" in got[0].text
    await first.app.shutdown()


async def test_restart_mid_orientation_continues_exactly_there(start_bot: BotFactory) -> None:
    await _to_schedule_step(start_bot)
    second = await start_bot()
    alex = second.person()
    # The button on the message sent before the restart still works.
    got = await alex.tap_data("s|orientation|schedule|n")
    assert "three kinds of sessions" in got[0].text
    got = await alex.send("/start")
    assert got[0].text == "Welcome back, Sam! Here is where we left off."
    assert "three kinds of sessions" in got[1].text
    assert len(second.rows(ConsentRecord)) == 1


async def test_two_processes_share_one_conversation(start_bot: BotFactory) -> None:
    one, two = await start_bot(), await start_bot()
    on_one, on_two = one.person(), two.person()
    await on_one.send("/start")
    got = await on_two.tap_data("s|consent|welcome|n")
    assert "not a crisis service" in got[0].text
    got = await on_one.tap_data("s|consent|what_i_am|n")
    assert "Your privacy" in got[0].text
    # A tap on a message the other process already moved past is recognised as stale.
    got = await on_two.tap_data("s|consent|welcome|n")
    assert got == [] and two.telegram.notices == [two.texts().stale_tap]
