"""Times and places as people type them, in English and Spanish, and time promises kept:
quiet hours said up front, reminders moved out of them, the one-on-one at the person's time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.content.loader import Language
from bot.content.schema import Step
from bot.engine.fields import Ambiguous, parse_time, parse_timezone
from bot.engine.steps import fill
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import orient


def settings_step(language: Language, step_id: str) -> Step:
    return next(s for s in language.flows["settings"].steps if s.id == step_id)


def said(language: Language, step_id: str, value: str) -> str:
    """What the settings step says back after an answer, read from the content."""
    reply = settings_step(language, step_id).reply
    assert reply is not None
    return fill(reply, {"value": value})


async def open_settings(person: Person, language: Language) -> None:
    await person.send("/menu")
    label = next(item.label for item in language.messages.menu if item.id == "settings")
    await person.tap(label)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Nueva York", "America/New_York"), ("new york", "America/New_York"),
        ("Los Ángeles", "America/Los_Angeles"), ("los angeles", "America/Los_Angeles"),
        ("Chicago", "America/Chicago"), ("Houston", "America/Chicago"),
        ("Phoenix", "America/Phoenix"), ("Denver", "America/Denver"),
        ("Miami", "America/New_York"), ("Puerto Rico", "America/Puerto_Rico"),
        ("San Juan", "America/Puerto_Rico"), ("vivo en Houston", "America/Chicago"),
        ("Ciudad de México", "America/Mexico_City"), ("Hawái", "Pacific/Honolulu"),
        ("America/Denver", "America/Denver"), ("Madrid", "Europe/Madrid"),
    ],
)  # fmt: skip
def test_places_in_both_languages(typed: str, zone: str) -> None:
    assert parse_timezone(typed) == zone


def test_a_buttons_own_words_are_understood() -> None:
    labels = [("Pacífico (Los Ángeles)", "America/Los_Angeles"), ("Este (Nueva York)", "X/Y")]
    assert parse_timezone("pacifico (los angeles)", labels) == "America/Los_Angeles"
    assert parse_timezone("Nueva York", labels) == "X/Y"
    assert parse_timezone("Atlantis", labels) is None


@pytest.mark.parametrize(
    ("typed", "minute"),
    [
        ("7 de la tarde", 19 * 60), ("7 de la mañana", 7 * 60), ("7pm", 19 * 60),
        ("7 pm", 19 * 60), ("7 p. m.", 19 * 60), ("19h", 19 * 60), ("19:30", 19 * 60 + 30),
        ("a las 8 de la noche", 20 * 60), ("12 de la noche", 0), ("mediodía", 12 * 60),
        ("9am", 9 * 60), ("07:30", 7 * 60 + 30), ("18.30", 18 * 60 + 30),
        ("las 7", Ambiguous(7 * 60, 19 * 60)), ("7", Ambiguous(7 * 60, 19 * 60)),
        ("7:30", Ambiguous(7 * 60 + 30, 19 * 60 + 30)), ("7h", 7 * 60),
        ("25:00", None), ("tomorrow", None), ("13pm", None),
    ],
)  # fmt: skip
def test_times_in_both_languages(typed: str, minute: int | Ambiguous | None) -> None:
    assert parse_time(typed) == minute


async def test_spanish_place_and_an_hour_that_needs_asking(bot: RunningBot) -> None:
    es = bot.companion.content.language("es")
    ana = bot.person()
    await orient(ana, "Ana")
    await ana.send("/language")
    await ana.tap(es.messages.language_name)
    await open_settings(ana, es)
    await ana.tap(settings_step(es, "choose").options[1].label)  # my time zone
    got = await ana.send("Nueva York")
    assert got[0].text == said(es, "timezone", "Este (Nueva York)")
    assert "Zona horaria: Este (Nueva York)" in got[1].text
    assert bot.participant().timezone == "America/New_York"

    await ana.tap(settings_step(es, "choose").options[2].label)  # the time for messages
    got = await ana.send("las 7")
    assert got[0].text == es.messages.texts.time_which
    assert got[0].labels == ["07:00", "19:00"]
    got = await ana.tap("19:00")
    assert got[0].text == said(es, "message_time", "19:00")
    assert bot.participant().message_minute == 19 * 60


async def test_a_time_in_quiet_hours_is_said_up_front(bot: RunningBot) -> None:
    en = bot.companion.content.language("en")
    sam = bot.person()
    await orient(sam)  # Friday 10:00 in New York
    await open_settings(sam, en)
    await sam.tap("Best time for messages")
    got = await sam.send("11pm")
    assert got[0].text == fill(en.messages.texts.time_quiet, {
        "value": "9:00 PM - 8:00 AM", "time": "8:00 AM"})  # fmt: skip
    assert "Best time for messages: 8:00 AM" in got[1].text
    assert bot.participant().message_minute == 8 * 60
    await sam.tap("Daily reminder on")
    assert bot.due("daily") == datetime(2026, 11, 28, 13, 0, tzinfo=UTC)  # 8:00 in New York


async def test_session_reminders_leave_the_quiet_hours(bot: RunningBot) -> None:
    en = bot.companion.content.language("en")
    sam = bot.person()
    await orient(sam)  # Friday 10:00 in New York; the next group is Saturday 10:00
    await open_settings(sam, en)
    got = await sam.tap("Session reminders 3 hours before")
    assert got[2].text == fill(en.messages.texts.session_reminders_quiet, {
        "value": "9:00 PM - 8:00 AM"})  # fmt: skip
    saturday = datetime(2026, 11, 28, 13, 0, tzinfo=UTC)  # 8:00, not 7:00, before the 10:00 group
    assert bot.due("session_reminder") == saturday
    bot.clock.now = saturday
    await bot.tick()
    assert "Group therapy and family education, 10:00 AM today" in sam.last.text
    assert bot.due("session_reminder") == datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # Mon 15:00


async def test_the_participant_sets_their_own_one_on_one(bot: RunningBot) -> None:
    en = bot.companion.content.language("en")
    sam = bot.person()
    await orient(sam)  # Friday 10:00 in New York
    await open_settings(sam, en)
    await sam.tap("My one-on-one day and time")
    await sam.tap("Friday")
    got = await sam.send("4")  # an hour alone is read as clinic hours: 4 pm
    assert got[0].text == said(en, "one_on_one_time", "Friday, 4:00 PM")
    stored = bot.participant()
    assert (stored.one_on_one_day, stored.one_on_one_minute) == (4, 16 * 60)
    await sam.tap("Session reminders 1 hour before")
    friday = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)  # 15:00, an hour before 16:00
    assert bot.due("session_reminder") == friday
    bot.clock.now = friday
    await bot.tick()
    title = bot.companion.content.clinic.schedule[2].title["en"]
    assert f"{title}, 4:00 PM today" in sam.last.text
    got = await sam.send("/mydata")  # what is kept about them says it
    assert f"{en.messages.rights.one_on_one}: Friday, 4:00 PM" in got[0].text

    await open_settings(sam, en)
    await sam.tap("My one-on-one day and time")
    await sam.tap("I don't know yet")
    stored = bot.participant()
    assert (stored.one_on_one_day, stored.one_on_one_minute) == (None, None)
    # The clinic's sample time (Thursday 17:00) is never used as the person's own.
    assert bot.due("session_reminder") == datetime(2026, 11, 28, 14, 0, tzinfo=UTC)  # Sat 9:00
