"""The opt-in daily reminder: at the participant's own time, every day, until turned off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import RunningBot
from tests.journeys import orient

DAILY = "Hi Sam! A small step for today."


async def test_daily_reminder_on_and_off(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)  # New York, 9 am
    await sam.tap("⚙️ Settings")
    got = await sam.tap("Daily reminder on")
    assert got[0].text.startswith("Okay. I'll send you a short reminder every day at 09:00.")
    first = bot.participant().daily_at
    assert first == datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # 9:00 in New York
    bot.clock.now = first - timedelta(minutes=1)
    await bot.tick()
    assert not sam.last.text.startswith(DAILY)
    for day in range(3):
        bot.clock.now = first + timedelta(days=day, seconds=30)
        await bot.tick()
        await bot.tick()  # once a day, however often the clock ticks
        daily = [s for s in sam.inbox() if s.text.startswith(DAILY)]
        assert len(daily) == day + 1
    assert "📚 Lessons" in sam.last.labels
    await sam.send("/menu")
    await sam.tap("⚙️ Settings")
    await sam.tap("Daily reminder off")
    assert bot.participant().daily_at is None
    bot.clock.advance(days=2)
    await bot.tick()
    assert len([s for s in sam.inbox() if s.text.startswith(DAILY)]) == 3
