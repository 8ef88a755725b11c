"""'Remind me later' is kept in the database; the scheduler's tick sends it when due."""

from __future__ import annotations

from tests.conftest import RunningBot
from tests.journeys import agree


async def test_remind_me_later(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    await alex.send("Sam")
    got = await alex.tap("Remind me later")
    assert got[0].labels == ["In 1 hour", "In 4 hours", "Tomorrow"]
    got = await alex.tap("In 4 hours")
    assert got[0].text == "Okay! I'll remind you in 4 hours. Take care until then."
    assert bot.due("remind") == bot.clock.now.replace(hour=19)

    bot.clock.advance(hours=3)
    await bot.tick()
    assert alex.last.text.startswith("Okay! I'll remind you")
    bot.clock.advance(hours=1)
    await bot.tick()
    reminder, step = alex.inbox()[-2:]
    assert reminder.text == "Hi Sam! Whenever you're ready, let's pick up where we left off."
    assert "Here is the whole path" in step.text
    count = len(alex.inbox())
    await bot.tick()  # claimed once, sent once
    assert len(alex.inbox()) == count
    assert bot.due("remind") is None


async def test_reminder_to_someone_who_blocked_the_bot(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    await alex.tap("Remind me later")
    await alex.tap("In 1 hour")
    bot.telegram.blocked.add(alex.user_id)
    bot.clock.advance(hours=2)
    await bot.tick()
    assert bot.participant().unreachable_at is not None
    bot.telegram.blocked.clear()
    got = await alex.send("/start")  # writing again makes them reachable
    assert got[0].text.startswith("Welcome back")
    assert bot.participant().unreachable_at is None
