"""The sweep: a worker that dies mid-send leaves only what was in flight unknown; a job that
raises stops nothing else; a check-in recorded unknown that did arrive still takes answers."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.models import Alert, Answer, CheckIn, Participant, ScheduledMessage
from bot.telegram.handlers import GROUP, IN_FLIGHT
from tests.conftest import BotFactory, RunningBot
from tests.fake_telegram import WorkerKilled
from tests.test_checkins import DAY_ONE, graduate

FIRST_ID = 50_000
INTRO = "check-in. "


def seed(bot: RunningBot, count: int) -> None:
    """Graduates whose day-1 check-in is due now, at noon in New York."""
    now = bot.clock.now = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    people = [
        {"telegram_id": FIRST_ID + i, "language": "en", "timezone": "America/New_York",
         "created_at": now, "consented_at": now, "oriented_at": now,
         "graduated_on": now.date() - timedelta(days=1)}
        for i in range(count)
    ]  # fmt: skip
    with Session(bot.engine) as session:
        session.execute(sa.insert(Participant), people)
        ids = session.exec(select(Participant.id)).all()
        rows = [
            {"participant_id": pid, "day": 1, "questionnaire": "short", "status": "scheduled",
             "due_at": now - timedelta(minutes=1), "note": "", "content_version": ""}
            for pid in ids
        ]  # fmt: skip
        session.execute(sa.insert(CheckIn), rows)
        session.commit()


async def test_a_worker_killed_between_sends(start_bot: BotFactory) -> None:
    first = await start_bot()
    count = GROUP * (IN_FLIGHT + 2)
    seed(first, count)
    first.telegram.die_after = GROUP + 2  # dies on the third send after the first group
    with pytest.raises(WorkerKilled):
        await first.tick()
    statuses = Counter(r.status for r in first.rows(CheckIn))
    # The first group is stored as sent; at most IN_FLIGHT groups were on their way; the rest
    # was only claimed.
    assert statuses["sent"] >= GROUP
    assert 0 < statuses["sending"] <= GROUP * IN_FLIGHT
    assert statuses["sent"] + statuses["sending"] + statuses["claimed"] == count
    in_flight = statuses["sending"]

    second = await start_bot()  # another worker, after the dead one's claims went stale
    second.clock.advance(minutes=11)
    await second.tick()
    statuses = Counter(r.status for r in second.rows(CheckIn))
    assert statuses == {"sent": count - in_flight, "unknown": in_flight}
    assert Counter(a.kind for a in second.rows(Alert)) == {"delivery_unknown": in_flight}
    intros = Counter(s.chat_id for b in (first, second) for s in b.telegram.sent if INTRO in s.text)
    assert set(intros.values()) == {1}  # nothing twice: unknown ones are for a person to review


async def test_one_failing_job_does_not_stop_the_others(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE - timedelta(hours=1))
    await ana.tap("Remind me later")
    await ana.tap("In 1 hour")
    person = bot.participant(ana.user_id)
    with Session(bot.engine) as session:  # left behind by a kind this version no longer has
        session.add(
            ScheduledMessage(
                kind="retired_kind", participant_id=person.id or 0, due_at=bot.clock.now,
                created_at=bot.clock.now,
            )
        )  # fmt: skip
        session.commit()
    await bot.run_until(DAY_ONE)
    jobs = {job.kind: job for job in bot.rows(ScheduledMessage)}
    assert (jobs["retired_kind"].status, jobs["retired_kind"].error) == ("failed", "KeyError")
    assert jobs["remind"].status == "sent"
    assert [a.kind for a in bot.rows(Alert)] == ["job_failed"]
    assert any(s.text.startswith("Hi Ana! Whenever you're ready") for s in ana.inbox())
    assert INTRO in ana.last.text  # and the check-in went out on time
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "sent"


async def test_a_checkin_recorded_unknown_that_did_arrive(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE - timedelta(hours=1))
    bot.telegram.trouble[ana.user_id] = "timeout"  # no answer from Telegram; it may have arrived
    await bot.run_until(DAY_ONE)
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "unknown"
    assert [(a.kind, a.status) for a in bot.rows(Alert)] == [("delivery_unknown", "open")]
    got = await ana.tap_data(f"q|{day_one.id}|0|0")  # it did arrive: Ana answers it
    assert got[0].text.startswith("(2/")
    answers = [(a.question, a.value) for a in bot.rows(Answer) if a.checkin_id == day_one.id]
    assert answers == [("use", "no")]
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "sent"
    assert [(a.kind, a.status) for a in bot.rows(Alert)] == [("delivery_unknown", "resolved")]
