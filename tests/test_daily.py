"""What the clock sends while in the program: the daily reminder and the weekly goals question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.models import Answer
from tests.conftest import RunningBot
from tests.journeys import orient

DAILY = "Hi Sam! A small step for today."


async def test_daily_reminder_on_and_off(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)  # New York, 9 am
    await sam.tap("⚙️ Settings")
    got = await sam.tap("Daily reminder on")
    assert got[1].text.startswith("Okay. I'll send you a short reminder every day at 9:00 AM.")
    first = bot.due("daily")
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
    assert bot.due("daily") is None
    bot.clock.advance(days=2)
    await bot.tick()
    assert len([s for s in sam.inbox() if s.text.startswith(DAILY)]) == 3


async def test_goals_and_the_weekly_question(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/myplan")
    await sam.tap("Add to my plan")
    for goal in ("Go to 3 meetings a week", "Sleep by 11 pm", "Call my mom on Sundays"):
        await sam.tap("A goal from my treatment plan")
        got = await sam.send(goal)
        assert got[0].text == f"Added to My goals: {goal}"
    got = await sam.tap("A goal from my treatment plan")  # refused before it is typed
    assert got[1].text.startswith("You already have three goals.")
    got = await sam.send("/myplan")
    assert "My goals:\n• Go to 3 meetings a week\n• Sleep by 11 pm\n• Call my mom" in got[0].text

    nudge_at = bot.due("goals")
    assert nudge_at is not None and nudge_at - bot.clock.now > timedelta(days=6)
    bot.clock.now = nudge_at
    await bot.tick()
    asks = sam.inbox()[-3:]
    assert asks[0].text == (
        "Hi Sam! How did this week go with your goal: Go to 3 meetings a week? "
        "1 means no progress. 5 means a lot."
    )
    assert asks[0].labels == ["1", "2", "3", "4", "5"]
    got = await sam.tap("4", on=asks[0])
    assert got[0].text == 'Thank you. Every step on "Go to 3 meetings a week" counts.'
    ratings = [(a.flow, a.value) for a in bot.rows(Answer)]
    assert ("goals", "4") in ratings
    assert bot.due("goals") == nudge_at + timedelta(days=7)
    got = await sam.tap_data("w|99999|3")  # not theirs, or not a goal
    assert got[0].text.startswith("Sorry, that button doesn't work here")


async def test_session_reminders_and_a_reflection_after(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)  # Friday, 10:00 in New York, the program's time zone
    await sam.tap("⚙️ Settings")
    got = await sam.tap("Session reminders 1 hour before")
    assert got[1].text.startswith("Okay. I'll remind you before each group and one-on-one")
    saturday = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # 9:00, an hour before 10:00 group
    assert bot.due("session_reminder") == saturday
    bot.clock.now = saturday
    await bot.tick()
    assert sam.last.text == (
        "Hi Sam, a reminder: Group therapy and family education, 10:00 AM today. See you there!"
    )
    assert bot.due("reflection") == datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # it ends 13:00
    assert bot.due("session_reminder") == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # Monday
    bot.clock.now = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    await bot.tick()
    assert sam.last.text.startswith("How was today's session, Sam?")
    got = await sam.send("Breathing helps when I get angry")
    assert got[0].text == "Thank you. I saved it for you."
    notes = [(a.flow, a.value) for a in bot.rows(Answer) if a.flow == "reflection"]
    assert notes == [("reflection", "Breathing helps when I get angry")]
    await sam.send("/menu")
    await sam.tap("⚙️ Settings")
    await sam.tap("Session reminders off")
    assert bot.due("session_reminder") is None
