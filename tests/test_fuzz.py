"""Random update sequences from several participants, as real people and broken clients send
them: whatever arrives, nothing fails, every update is answered once, nobody touches anyone
else's check-in."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Answer, CheckIn
from tests.conftest import BotFactory, RunningBot
from tests.fake_telegram import Person, Sent
from tests.journeys import enrol

GRADUATION = date(2026, 11, 30)
DAY_ONE = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # the first check-ins, 18:00 in New York
PEOPLE = 3

ODD_TEXTS = [
    "", " ", "\x00", "a\x00b", "🙂🙂🙂", "👨‍👩‍👧‍👦", "مرحبا، كيف حالك؟", "שלום", "\u202eevil",
    "x" * 5000, "/", "//", "9am", "25:99", "New York", "me", "0", "10", "-1", "Sí", "✔",
    "I want to die", "tengo ganas de consumir", "\n\n\n", "\t", "null", "{'a': 1}",
]  # fmt: skip
COMMANDS = [
    "/start", "/start nonsense", "/help", "/menu", "/crisis", "/stop", "/craving", "/myplan",
    "/progress", "/language", "/unknown", "/help me please", "/alerts", "/staff add 1 admin",
]  # fmt: skip

texts = st.one_of(st.sampled_from(ODD_TEXTS), st.text(max_size=80))
events = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("command"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("tap"), st.integers(0, 20)),
    st.tuples(st.just("stale"), st.integers(0, 20), st.integers(1, 6)),
    st.tuples(st.just("forged"), st.text(max_size=64)),
    st.tuples(st.just("steal"), st.integers(0, 20)),
    st.tuples(st.just("media"), texts),
    st.tuples(st.just("edit"), texts),
    st.tuples(st.just("again")),
)
script = st.lists(st.tuples(st.integers(0, PEOPLE - 1), events), min_size=1, max_size=25)


@dataclass
class World:
    bot: RunningBot
    people: list[Person]
    checkin_messages: list[Sent]  # each person's first check-in question, in order


@pytest.fixture
async def world(start_bot: BotFactory) -> AsyncIterator[World]:
    bot = await start_bot()
    people = [bot.person(500 + i) for i in range(PEOPLE)]
    for i, person in enumerate(people):
        await enrol(bot, person, f"p{i}", zone="New York", time="6pm")
        bot.companion.graduate(f"p{i}", GRADUATION)
    await bot.run_until(DAY_ONE)
    questions = [dataclasses.replace(next(s for s in reversed(p.inbox()) if s.buttons))
                 for p in people]  # fmt: skip
    yield World(bot, people, questions)


def with_buttons(person: Person) -> list[Sent]:
    return [s for s in person.inbox() if s.buttons]


async def tap(world: World, person: Person, data: str, on: Sent) -> tuple[list[Sent], bool]:
    """A tap is answered by messages, or by a brief notice alone (a button that is done), or
    by nothing when the second of a double tap finds its answer already in place: the card
    moved on, or "I'll remind you" where the choices were."""
    notices = len(world.bot.telegram.notices)
    got = await person.tap_data(data, on=on)
    noticed = len(world.bot.telegram.notices) > notices
    now = next((s for s in person.inbox() if s.message_id == on.message_id), None)
    in_place = now is not None and (bool(now.buttons) or now.text != on.text)
    return got, not (noticed or (in_place and not got))


async def act(world: World, who: int, event: tuple[Any, ...]) -> tuple[list[Sent], bool]:
    """Do one thing as this person; what came back, and whether an answer was due."""
    person = world.people[who]
    kind = event[0]
    if kind == "text":
        return await person.send(event[1]), True
    if kind == "command":
        return await person.send(event[1]), True
    if kind in ("tap", "stale"):
        # A stale tap is on buttons as an earlier message showed them (a client behind).
        shown = with_buttons(person) if kind == "tap" else [s for s in person.seen() if s.buttons]
        if not shown:
            return [], False
        message = shown[-min(event[2] if kind == "stale" else 1, len(shown))]
        data = [d for row in message.buttons for _, d in row]
        return await tap(world, person, data[event[1] % len(data)], message)
    if kind == "forged":
        return await person.tap_data(event[1]), True
    if kind == "steal":  # another person's check-in button
        other = world.checkin_messages[(who + 1) % PEOPLE]
        data = [d for row in other.buttons for _, d in row]
        return await tap(world, person, data[event[1] % len(data)], other)
    if kind == "media":
        photo = [{"file_id": "p", "file_unique_id": "u", "width": 9, "height": 9}]
        return await person.send_media(photo=photo, caption=event[1]), True
    if kind == "edit":
        return await person.edit(event[1] or "."), True
    # Telegram sends this person's last update again: it was answered already.
    return await person.redeliver_last_update(person.last_update), False


@settings(
    max_examples=100, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(steps=script)
async def test_random_updates_from_several_people(
    world: World, caplog: pytest.LogCaptureFixture, steps: list[tuple[int, tuple[Any, ...]]]
) -> None:
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="bot")
    for who, event in steps:
        got, due = await act(world, who, event)
        if due:
            assert got, f"{event[0]} got no answer"
            assert all(s.chat_id == world.people[who].chat_id for s in got)
        else:
            assert got == [], "an update delivered twice was answered twice"
    failures = [r for r in caplog.records if "failed with" in r.getMessage()]
    assert not failures, failures[0].getMessage()
    owners = {c.id: c.participant_id for c in world.bot.rows(CheckIn)}
    for answer in world.bot.rows(Answer):
        if answer.checkin_id is not None:
            assert owners[answer.checkin_id] == answer.participant_id
