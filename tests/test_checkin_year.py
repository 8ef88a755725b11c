"""A year of check-ins for people in four time zones, across DST changes, with a restart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.models import Alert, Answer, CheckIn, Participant, ScheduledMessage
from tests.conftest import BotFactory, RunningBot
from tests.journeys import answer_checkin, enrol

GRADUATION = date(2026, 11, 30)
DAYS = [1, 3, 7, 14, 30, 60, 90, 180, 365]
# label -> (what they type for their time zone, their message time, the zone, local send time)
PEOPLE = {
    "ana": ("New York", "6pm", "America/New_York", "18:00"),
    "ben": ("London", "09:00", "Europe/London", "09:00"),
    "cho": ("Sydney", "20:00", "Australia/Sydney", "20:00"),
    "dev": ("Kolkata", "7am", "Asia/Kolkata", "08:00"),  # 7:00 is in quiet hours: 8:00
}


def intros(bots: list[RunningBot], user_id: int) -> list[str]:
    return [t for bot in bots for t in bot.telegram.texts_to(user_id) if "check-in. " in t]


async def test_a_year_of_checkins(start_bot: BotFactory) -> None:
    first = await start_bot()
    ids = {label: 100 + i for i, label in enumerate(PEOPLE)}
    for label, (zone, time, _, _) in PEOPLE.items():
        await enrol(first, first.person(ids[label]), label, zone=zone, time=time)
        first.companion.graduate(label, GRADUATION)
    await first.tick()
    # 15:00 UTC is 2 am in Sydney: Cho is congratulated after the quiet hours.
    congratulated = {
        label for label in PEOPLE
        if any(t.startswith("Congratulations") for t in first.telegram.texts_to(ids[label]))
    }  # fmt: skip
    assert congratulated == {"ana", "ben", "dev"}

    async def live_until(bot: RunningBot, end: datetime) -> None:
        """Ana answers everything; Ben never does; Cho and Dev answer only the first two."""
        while (moment := bot.next_event()) is not None and moment <= end:
            bot.clock.now = max(moment, bot.clock.now)
            await bot.tick()
            for label in ("ana", "cho", "dev"):
                person = bot.person(ids[label])
                last = person.inbox()[-1] if person.inbox() else None
                waiting = (
                    last is not None and last.buttons and last.buttons[0][0][1].startswith("q|")
                )
                answered = sum(1 for a in bot.rows(CheckIn) if a.answered_at is not None
                               and a.participant_id == bot.participant(ids[label]).id)  # fmt: skip
                if waiting and (label == "ana" or answered < 2):
                    await answer_checkin(person)

    await live_until(first, datetime(2027, 2, 1, tzinfo=UTC))  # past day 60
    await first.app.shutdown()
    second = await start_bot()  # a restart: the new process carries on from the database
    await live_until(second, datetime(2028, 1, 1, tzinfo=UTC))
    bots = [first, second]

    rows = second.rows(CheckIn)
    people = {p.id: p for p in second.rows(Participant)}
    for label, (_, _, zone, local) in PEOPLE.items():
        person = next(p for p in people.values() if p.telegram_id == ids[label])
        mine = sorted((r for r in rows if r.participant_id == person.id), key=lambda r: r.day)
        assert [r.day for r in mine] == DAYS
        # Every check-in went out once, at the person's own local time, DST or not.
        assert len(intros(bots, ids[label])) == len(DAYS), label
        for row in mine:
            assert row.sent_at == row.due_at, (label, row.day)
            sent = row.sent_at.astimezone(ZoneInfo(zone))
            assert sent.strftime("%H:%M") == local, (label, row.day, sent)
            assert sent.date() == GRADUATION + timedelta(days=row.day)
        statuses = [r.status for r in mine]
        if label == "ana":
            assert statuses == ["answered"] * len(DAYS)
            bam = [r for r in mine if r.questionnaire == "bam"]
            assert all(r.score_use == 0 and r.score_risk is not None for r in bam)
        elif label == "ben":
            assert statuses == ["missed"] * len(DAYS)
            reminders = [
                job.payload
                for job in second.rows(ScheduledMessage)
                if job.kind == "checkin_reminder" and job.status == "sent"
            ]
            assert {str(r.id) for r in mine} <= set(reminders)  # each reminded once
        else:
            assert statuses == ["answered"] * 2 + ["missed"] * (len(DAYS) - 2)

    for label in PEOPLE:
        texts = [t for bot in bots for t in bot.telegram.texts_to(ids[label])]
        assert sum(t.startswith("Congratulations") for t in texts) == 1
    flags: list[tuple[int | None, str]] = [(a.participant_id, a.kind) for a in second.rows(Alert)]
    ben = next(p.id for p in people.values() if p.telegram_id == ids["ben"])
    # Two missed in a row raise one flag per streak, not one per miss.
    assert flags.count((ben, "missed_checkins")) == 1
    ana = next(p.id for p in people.values() if p.telegram_id == ids["ana"])
    assert (ana, "missed_checkins") not in flags
    notes = [a.value for a in second.rows(Answer) if a.question == "note"]
    assert notes and set(notes) == {"All good"}
