"""A tidy chat: a card moves on in place, answered questions keep their answer and lose their
buttons, only the newest message has live buttons, long texts arrive in pages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlmodel import Session

from bot import db
from bot.config import Settings
from bot.content.schema import Step
from bot.models import Alert, PlanItem
from bot.plans.store import add_plan_item
from tests.conftest import BotFactory, RunningBot, write_locked
from tests.fake_telegram import Person, WorkerKilled
from tests.journeys import agree, answer_checkin, orient
from tests.test_checkins import DAY_ONE, graduate
from tests.test_many_at_once import HANG_GUARD

NEXT = "Next ▶"


def step(bot: RunningBot, flow: str, step_id: str) -> Step:
    return next(
        s for s in bot.companion.content.language("en").flows[flow].steps if s.id == step_id
    )


def menu_label(bot: RunningBot, item: str) -> str:
    return next(i.label for i in bot.companion.content.language("en").messages.menu if i.id == item)


async def open_lesson(bot: RunningBot, person: Person, flow: str) -> None:
    """From the menu to the first card of a lesson, tapping its button in the list."""
    await person.tap(menu_label(bot, "lessons"))
    options = step(bot, "lessons", "pick").options
    index = next(i for i, o in enumerate(options) if o.goto == f"flow:{flow}")
    await person.tap_data(f"s|lessons|pick|{index}", on=person.last_with_buttons())


async def test_a_lesson_moves_on_in_one_message(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await open_lesson(bot, sam, "lesson_cycle")
    card = sam.last_with_buttons()
    for _ in range(3):
        got = await sam.tap(NEXT)
        assert [g.message_id for g in got] == [card.message_id]  # the same message, new card
        assert bot.telegram.live_keyboards(sam.chat_id) == 1
    while "Finish ✔" not in sam.last_with_buttons().labels:
        screen = sam.last_with_buttons()
        await sam.tap(NEXT if NEXT in screen.labels else screen.labels[0])
        assert bot.telegram.live_keyboards(sam.chat_id) == 1
    await sam.tap("Finish ✔")
    assert sam.last.text == bot.texts().menu.format(name="Sam")
    assert bot.telegram.live_keyboards(sam.chat_id) == 1


async def test_a_double_tap_on_next_moves_one_step(bot: RunningBot) -> None:
    alex = bot.person()
    await alex.send("/start")
    card = alex.last_with_buttons()
    tap = card.data_for(NEXT)
    await alex.tap_data(tap, on=card)
    moved = bot.participant().step
    got = await alex.tap_data(tap, on=card)  # the second tap of the double tap
    assert got == [] and bot.telegram.notices == []  # nothing more is said
    assert bot.participant().step == moved
    assert len(alex.inbox()) == 1 and bot.telegram.live_keyboards(alex.chat_id) == 1


async def test_a_tap_on_a_finished_message_is_answered_once(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    old = next(s for s in sam.seen() if NEXT in s.labels)  # a card as it was, long ago
    count = len(sam.inbox())
    got = await sam.tap(NEXT, on=old)
    assert got == [] and bot.telegram.notices == [bot.texts().stale_tap]
    assert len(sam.inbox()) == count and bot.telegram.live_keyboards(sam.chat_id) == 1


async def test_multi_select_ticks_in_place_and_stores_each_item_once(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await open_lesson(bot, sam, "lesson_internal")
    while not sam.last_with_buttons().buttons[0][0][1].startswith("s|lesson_internal|pick|"):
        screen = sam.last_with_buttons()
        await sam.tap(NEXT if NEXT in screen.labels else screen.labels[0])
    question = sam.last_with_buttons()
    first, second = (o.label for o in step(bot, "lesson_internal", "pick").options[:2])
    for label in (first, second, first, first):  # on, on, off, on again
        ticked = f"✓ {label}"
        got = await sam.tap(ticked if ticked in sam.last_with_buttons().labels else label)
        assert [g.message_id for g in got] == [question.message_id]
    assert f"✓ {first}" in got[0].labels and f"✓ {second}" in got[0].labels
    items = sorted(i.text for i in bot.rows(PlanItem) if i.section == "triggers")
    assert items == sorted([first, second])
    done = step(bot, "lesson_internal", "pick").options[-1].label
    got = await sam.tap(done)
    assert got[0].message_id == question.message_id and not got[0].buttons
    assert got[0].text.endswith(f"✓ {first}\n✓ {second}")  # what was picked stays in view
    assert bot.telegram.live_keyboards(sam.chat_id) == 1


async def test_building_a_plan_leaves_one_live_keyboard(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/myplan")
    await sam.tap(bot.companion.content.language("en").messages.buttons.add_to_plan)
    await sam.tap("A warning sign")
    await sam.send("Skipping meetings")
    assert bot.telegram.live_keyboards(sam.chat_id) == 1
    await sam.tap("A warning sign")
    await sam.send("Skipping meetings")  # the same again is kept once
    got = await sam.tap("I'm done")
    assert got[-1].text.count("• Skipping meetings") == 1
    assert bot.telegram.live_keyboards(sam.chat_id) == 1


async def test_a_check_in_leaves_one_live_keyboard(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE)
    await answer_checkin(ana)
    assert bot.telegram.live_keyboards(ana.chat_id) <= 1


async def test_graduation_aftercare_and_a_check_in_together(bot: RunningBot) -> None:
    ana = await graduate(bot)
    bot.clock.now = DAY_ONE  # the greeting waited: both go out in one sweep
    await bot.tick()
    texts = [s.text for s in ana.inbox()]
    assert any(t.startswith("Congratulations, Ana!") for t in texts)
    assert any("It's time for a quick check-in" in t for t in texts)
    assert bot.telegram.live_keyboards(ana.chat_id) == 1


async def test_a_long_plan_comes_in_pages_with_its_buttons_last(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    sections = bot.companion.content.language("en").messages.sections
    with Session(bot.engine) as session:
        for section, _ in sections:
            for n in range(14):
                add_plan_item(
                    session=session, participant_id=bot.participant().id or 0, section=section,
                    text=f"{section} {n} " + "a long line of my own words " * 6,
                    version="1", now=bot.clock.now,
                )  # fmt: skip
        session.commit()
    got = await sam.send("/myplan")
    assert len(got) > 1  # over Telegram's 4,096 characters: pages, cut at line breaks
    assert all(not page.buttons for page in got[:-1])
    assert bot.texts().plan_more.format(value=4) in "\n".join(page.text for page in got)
    labels = bot.companion.content.language("en").messages.buttons
    assert labels.remove_item in got[-1].labels
    got = await sam.tap(labels.remove_item)
    item = got[0].labels[0]
    got = await sam.tap(item)
    assert got[0].text.startswith(bot.texts().plan_removed.split("{")[0])
    assert "Sorry" not in "\n".join(s.text for s in sam.inbox())


async def test_after_a_lost_answer_the_next_tap_shows_where_we_are(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    question = alex.last_with_buttons()  # what shall I call you? (or Skip)
    bot.telegram.die_after = 0  # the worker dies as it sends the answer, after the commit
    with pytest.raises(WorkerKilled):
        await alex.send("Sam")
    bot.telegram.die_after = None
    assert bot.participant().step != "name"  # the position moved on; nothing arrived
    got = await alex.tap("Skip", on=question)  # where are we?
    assert got[0].text == bot.texts().stale_button
    journey = step(bot, "orientation", bot.participant().step or "")
    assert got[1].text.startswith(journey.text.split("{")[0]) and got[1].buttons
    # Telegram sending an update again after such a crash also shows where we are.
    bot.telegram.die_after = 0
    with pytest.raises(WorkerKilled):
        await alex.send("/help")
    bot.telegram.die_after = None
    got = await alex.redeliver_last_update(alex.last_update)
    assert got and got[-1].text == alex.last_with_buttons().text


async def test_the_menu_offers_progress_and_crisis_help_even_without_the_database(
    start_bot: BotFactory, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)  # a locked database fails at once
    bot = await start_bot()
    sam = bot.person()
    await orient(sam)
    got = await sam.tap(menu_label(bot, "progress"))
    assert got[0].text.startswith(bot.texts().progress.format(name="Sam"))
    await sam.tap("Carry on")
    crisis = (await sam.send("/crisis"))[0].text
    await sam.send("/menu")
    with write_locked(settings):
        got = await sam.tap(menu_label(bot, "crisis"))
        assert [s.text for s in got] == [crisis] and got[0].labels == ["Carry on"]
    assert bot.rows(Alert) == []  # asking for the lines is not a flag


async def test_a_card_that_cannot_be_edited_comes_anew(bot: RunningBot) -> None:
    alex = bot.person()
    await alex.send("/start")
    card = alex.last_with_buttons()
    got = await alex.tap_data(card.data_for(NEXT))  # on a message Telegram will not edit
    assert len(got) == 1 and got[0].message_id != card.message_id
    assert got[0].text.startswith(step(bot, "consent", "what_i_am").text.split("{")[0])
    assert bot.telegram.live_keyboards(alex.chat_id) == 1  # the old card lost its buttons


async def test_the_next_message_is_answered_while_old_buttons_come_off(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sam = bot.person()
    await orient(sam)
    let_go = asyncio.Event()
    answer = bot.telegram.do_request

    async def strips_held(url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/editMessageReplyMarkup"):
            await let_go.wait()
        return await answer(url, *args, **kwargs)

    monkeypatch.setattr(bot.telegram, "do_request", strips_held)
    impatient = Person(bot.app, bot.telegram, sam.user_id)  # does not wait for the tidying
    menu = (await asyncio.wait_for(impatient.send("/menu"), HANG_GUARD))[-1]
    help_ = await asyncio.wait_for(impatient.send("/help"), HANG_GUARD)
    assert bot.telegram.live_keyboards(sam.chat_id) > 1  # answered, old buttons still there
    let_go.set()
    await asyncio.wait_for(bot.afterwards.settled(), HANG_GUARD)
    assert bot.telegram.live_keyboards(sam.chat_id) == 1
    assert not any(s.buttons for s in sam.inbox() if s.message_id == menu.message_id)
    assert [s.text for s in await sam.send("/help")] == [s.text for s in help_]
