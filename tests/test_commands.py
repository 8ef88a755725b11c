"""Commands win over any step; crisis language anywhere gets help at once."""

from __future__ import annotations

from bot.models import Alert
from tests.conftest import RunningBot
from tests.journeys import agree, orient


async def test_crisis_language_at_a_step_gets_help_and_the_step_carries_on(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    got = await alex.send("honestly I just want to DIE")
    assert "988" in got[0].text and "911" in got[0].text
    assert got[0].labels == ["Carry on"]
    participant = bot.participant()
    assert participant.preferred_name is None and participant.step == "name"
    [alert] = bot.rows(Alert)
    assert (alert.kind, alert.context, alert.status) == (
        "crisis_language",
        "orientation:name",
        "open",
    )
    got = await alex.tap("Carry on")
    assert "call you" in got[0].text


async def test_crisis_language_in_captions_and_edits(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    got = await alex.send_media(
        photo=[{"file_id": "p", "file_unique_id": "u", "width": 9, "height": 9}],
        caption="my friend isn't breathing",
    )
    assert "988" in got[0].text
    got = await alex.edit("thinking about suicide")
    assert "988" in got[0].text
    assert len(bot.rows(Alert)) == 2


async def test_crisis_before_consent_gets_help_but_stores_nothing(bot: RunningBot) -> None:
    alex = bot.person()
    await alex.send("/start")
    got = await alex.send("I took too much, I think I overdosed")
    assert "988" in got[0].text
    assert bot.rows(Alert) == []
    got = await alex.send("/crisis")
    assert "Poison Help" in got[0].text


async def test_help_menu_and_language(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    got = await alex.send("/help")
    assert "not a crisis service" in got[0].text and "/stop" in got[0].text
    got = await alex.send("/menu")
    assert got[0].text.startswith("The menu opens when we finish")
    assert "call you" in got[1].text
    got = await alex.send("/language")
    assert got[0].text == "Which language would you like?"
    assert got[0].labels == ["English", "Español"]
    got = await alex.tap("Español")
    assert got[0].text == "¡Listo! Idioma elegido: Español."
    assert got[1].text.startswith("¿Cómo quieres que te llame?")
    assert bot.participant().language == "es"


async def test_stop_silences_until_start(bot: RunningBot) -> None:
    alex = bot.person()
    await orient(alex)
    got = await alex.send("/stop")
    assert "won't send you any messages until you send /start" in got[0].text
    assert bot.participant().stopped_at is not None
    got = await alex.send("hello?")
    assert got[0].text.startswith("You paused my messages")
    got = await alex.tap("📚 Lessons", on=alex.inbox()[-3])
    assert got[0].text.startswith("You paused my messages")
    got = await alex.send("/crisis")
    assert "988" in got[0].text
    got = await alex.send("/start")
    assert got[0].text == "Good to see you again. Messages are on."
    assert got[1].text == "What would you like to do, Sam?"
    assert bot.participant().stopped_at is None


async def test_menu_items(bot: RunningBot) -> None:
    alex = bot.person()
    await orient(alex)
    got = await alex.tap("📝 My plan")
    assert "Time zone: Eastern (New York). Messages at 9:00 AM." in got[0].text
    assert "Support groups:\nNothing here yet." in got[0].text
    got = await alex.tap("Menu")
    got = await alex.tap("⚙️ Settings")
    got = await alex.tap("My name")
    got = await alex.send("Samantha")
    assert got[0].text == "Okay, I'll call you Samantha."
    assert "Name: Samantha" in got[1].text
    got = await alex.tap("Back to the menu")
    await alex.tap("🌊 I'm having a craving")
    got = await alex.tap("2")
    assert "ride this one out" in got[1].text
    got = await alex.tap("Next ▶")
    got = await alex.tap("Play the tape through")
    # Back retraces the way the person came, not the order of the file.
    got = await alex.tap("◀ Back")
    assert got[0].text == "What would help most right now?"
    got = await alex.send("/menu")
    got = await alex.tap("📚 Lessons")
    assert "Which lesson" in got[0].text
