"""Safety that cannot fail: crisis lines before the database, updates that are never lost or
answered twice, taps that survive Telegram's refusals, typed words that never reach the log."""

from __future__ import annotations

import logging

import pytest

from bot import db
from bot.config import Settings
from bot.content.schema import Texts
from bot.engine.companion import LATE
from bot.models import Alert, Participant, PlanItem
from tests.conftest import ADMIN, STAFF_CHAT, BotFactory, RunningBot, write_locked
from tests.fake_telegram import Person
from tests.journeys import orient

CRISIS = "honestly I just want to DIE"


def texts(bot: RunningBot) -> Texts:
    return bot.companion.content.language("en").messages.texts


async def test_crisis_lines_do_not_wait_for_the_database(
    start_bot: BotFactory, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)  # a locked database fails at once
    bot = await start_bot()
    sam = bot.person()
    await orient(sam)
    lines = (await sam.send("/crisis"))[0].text
    assert "988" in lines
    with write_locked(settings) as lock:
        got = await sam.send("/crisis")
        assert [s.text for s in got] == [lines]
        got = await sam.send(CRISIS)
        assert [s.text for s in got] == [lines], "the lines, and no 'something went wrong'"
        assert got[0].labels == ["Carry on"]
        got = await sam.send("/help I want to kill myself")  # words after a command count
        assert [s.text for s in got] == [lines]
        assert lock.execute("SELECT count(*) FROM alert").fetchone() == (0,)  # none stored yet
        got = await sam.send("hello")  # anything else says sorry, and /crisis still works
        assert [s.text for s in got] == [texts(bot).error]
    await bot.tick()  # the database is back: the flags kept meanwhile are stored and sent
    flags = bot.rows(Alert)
    assert [(a.kind, a.context) for a in flags] == [("crisis_language", LATE)] * 2
    assert len([s for s in bot.telegram.sent if s.chat_id == STAFF_CHAT]) == 2
    got = await sam.send("/menu")  # and the conversation goes on where it was
    assert got[0].text == "What would you like to do, Sam?"


async def test_crisis_language_after_a_command_is_screened(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.send("/help\nI want to kill myself")
    assert "988" in got[0].text and len(got) == 1
    assert [a.kind for a in bot.rows(Alert)] == ["crisis_language"]
    got = await sam.send("/help")  # a plain command is still itself
    assert "not a crisis service" in got[0].text


async def test_staff_notes_in_the_group_are_not_screened(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send(CRISIS)
    group = bot.in_staff_group(ADMIN)
    asked = await group.tap("Resolve", on=group.last_with_buttons())  # a note is asked for
    got = await group.reply("Called her, she is safe. No overdose.", to=asked[0])
    assert all("988" not in s.text for s in got)
    assert bot.rows(Alert)[0].resolution_note == "Called her, she is safe. No overdose."


async def test_update_ids_that_restart_lower_are_answered(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    sam = bot.person()
    monkeypatch.setattr(Person, "_update_id", 800_000_000)
    await orient(sam)
    # A week without updates: Telegram picks new ids at random, here far below the last.
    monkeypatch.setattr(Person, "_update_id", 41)
    got = await sam.send("/menu")
    assert got[0].text == "What would you like to do, Sam?"
    assert bot.participant().last_update_id == 42
    # The same update sent again (a crash before Telegram heard it was read) is answered once,
    # and the log says so with ids only.
    repeat = {"update_id": 42, "message": sam._message(text="Hello there")}
    assert await sam.redeliver_last_update(repeat) == []
    assert "update 42 dropped" in caplog.text and "Hello there" not in caplog.text


async def test_an_earlier_update_arriving_late_is_answered_and_repeats_are_not(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sam = bot.person()
    await orient(sam)
    # Two messages of Sam's reach two web processes; the later one is answered first.
    base = Person._update_id
    first = {"update_id": base + 1, "message": sam._typed("/help")}
    second = {"update_id": base + 2, "message": sam._typed("/menu")}
    menu = await sam.redeliver_last_update(second)
    assert menu[0].text == "What would you like to do, Sam?"
    helped = await sam.redeliver_last_update(first)
    assert helped and helped[0].text.startswith(texts(bot).help.split("{")[0])
    # Telegram sending either again gets nothing, as does any of the last twenty.
    assert await sam.redeliver_last_update(first) == []
    assert await sam.redeliver_last_update(second) == []
    monkeypatch.setattr(Person, "_update_id", base + 2)
    for _ in range(25):
        await sam.send("/menu")
    assert await sam.redeliver_last_update(sam.last_update) == []
    old = {"update_id": base + 3, "message": sam._typed("/menu")}
    assert await sam.redeliver_last_update(old) == [], "older than all remembered: answered"
    assert bot.participant().last_update_id == base + 27


async def test_a_tap_goes_on_when_telegram_refuses_to_acknowledge_it(bot: RunningBot) -> None:
    sam = bot.person()
    await sam.send("/start")
    bot.telegram.stale_queries = True  # "query is too old", as after downtime
    got = await sam.tap("Next ▶")
    assert got and "not a crisis service" in got[0].text


async def test_control_characters_never_reach_the_database(bot: RunningBot) -> None:
    sam = bot.person()
    await sam.send("/start")
    for _ in range(3):
        await sam.tap("Next ▶")
    await sam.tap("Yes, I agree")
    got = await sam.send("Sa\x00m\x07")
    assert got[0].text == "Nice to meet you, Sam!"
    assert bot.participant().preferred_name == "Sam"


async def test_a_journey_leaves_no_typed_word_in_the_log(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Everything a person typed, and everything the bot said back, stays out of the log,
    errors included (as `python -m bot run` logs: INFO and above, ours at DEBUG too)."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    sam = bot.person()
    await orient(sam, name="Zorblaxname")
    await sam.send("/myplan")
    await sam.tap("Add to my plan")
    await sam.tap("A person I can call")
    await sam.send("Zorblaxfriend 555-0100")
    await sam.tap("I'm done")
    await sam.send("Zorblaxtyped at the menu")
    await sam.edit("Zorblaxedited")
    photo = [{"file_id": "p", "file_unique_id": "u", "width": 9, "height": 9}]
    await sam.send_media(photo=photo, caption="Zorblaxcaption")
    await sam.send("I want to die Zorblaxcrisis")
    group = bot.in_staff_group(ADMIN)
    asked = await group.tap("Resolve", on=group.last_with_buttons())
    await group.reply("Zorblaxnote", to=asked[0])
    bot.telegram.trouble[sam.user_id] = "bad"  # a send that fails is logged too
    await sam.send("Zorblaxbefore a failed send")
    await sam.tap_data("zz|Zorblaxforged")
    assert [p.text for p in bot.rows(PlanItem)] == ["Zorblaxfriend 555-0100"]
    assert bot.rows(Participant)[0].preferred_name == "Zorblaxname"
    logged = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert caplog.records, "the journey logged nothing at all: the check would prove nothing"
    assert "Zorblax" not in logged
