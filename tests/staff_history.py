"""A participant's stored history, row by row, as the engine leaves it; for the staff tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from bot.content.files import Problem
from bot.db import create_engine, migrate
from bot.models import (
    Alert,
    AlertStatus,
    Answer,
    CheckIn,
    CheckInStatus,
    Completion,
    Participant,
    PlanItem,
)
from bot.staff.texts import StaffTexts, load_staff_texts

CONTENT = Path(__file__).resolve().parent.parent / "content"
START = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)  # 10:00 in New York
GRADUATED = date(2026, 2, 27)
# 01:30 UTC on March 31 is still March 30 in New York: dates must follow the program's zone.
LATE_EVENING = datetime(2026, 3, 31, 1, 30, tzinfo=UTC)
_telegram_ids = itertools.count(9001)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    made = create_engine(f"sqlite:///{tmp_path / 'staff.sqlite3'}")
    migrate(made)
    yield made
    made.dispose()


def staff_texts(language: str = "en") -> StaffTexts:
    problems: list[Problem] = []
    texts = load_staff_texts(CONTENT, problems)
    assert problems == []
    return texts[language]


def person(session: Session, label: str | None, **fields: object) -> Participant:
    """A participant who consented and finished orientation, unless told otherwise."""
    made = Participant(
        telegram_id=next(_telegram_ids), label=label,
        consented_at=START, oriented_at=START + timedelta(hours=1),
    )  # fmt: skip
    for field, value in fields.items():
        setattr(made, field, value)
    session.add(made)
    session.flush()
    return made


def answer(
    session: Session,
    who: Participant,
    flow: str,
    question: str,
    value: str,
    at: datetime,
    checkin: CheckIn | None = None,
) -> Answer:
    row = Answer(
        participant_id=who.id or 0, flow=flow, question=question, value=value,
        checkin_id=checkin.id if checkin else None, content_version="1+abc", answered_at=at,
    )  # fmt: skip
    session.add(row)
    return row


def checkin(
    session: Session, who: Participant, day: int, questionnaire: str, **fields: object
) -> CheckIn:
    """A check-in due at 23:00 UTC (18:00 in New York) that many days after graduation,
    answered an hour later unless told otherwise."""
    due = datetime.combine(GRADUATED + timedelta(days=day), time(23), tzinfo=UTC)
    row = CheckIn(
        participant_id=who.id or 0, day=day, questionnaire=questionnaire, due_at=due,
        status=CheckInStatus.ANSWERED, answered_at=due + timedelta(hours=1),
    )  # fmt: skip
    for field, value in fields.items():
        setattr(row, field, value)
    session.add(row)
    session.flush()
    return row


def _done(who: Participant, flow: str, at: datetime) -> Completion:
    return Completion(participant_id=who.id or 0, flow=flow, content_version="1", completed_at=at)


def _item(who: Participant, section: str, text: str) -> PlanItem:
    return PlanItem(
        participant_id=who.id or 0,
        section=section,
        text=text,
        content_version="1",
        created_at=START,
    )


def full_history(session: Session) -> Participant:
    """chart-7: orientation and a lesson, cravings, practice, goals, a plan, a reflection,
    three answered check-ins (one short, two monthly), one planned, and two alerts."""
    ana = person(session, "chart-7", graduated_on=GRADUATED, last_seen_at=LATE_EVENING)
    day = timedelta(days=1)
    session.add_all(
        [
            _done(ana, "orientation", START + timedelta(hours=1)),
            _done(ana, "lesson_halt", START + 2 * day),
            _done(ana, "practice_sober", START + 3 * day),
        ]
    )
    answer(session, ana, "practice_sober", "rate_before", "6", START + 3 * day)
    answer(
        session, ana, "practice_sober", "rate_after", "2", START + 3 * day + timedelta(minutes=5)
    )
    answer(session, ana, "craving", "rate", "8", START + 4 * day)
    answer(session, ana, "craving", "checkback", "3", START + 4 * day + timedelta(minutes=15))
    answer(session, ana, "craving", "rate", "5", START + 9 * day)
    goal, gone = _item(ana, "goals", "Walk every morning"), _item(ana, "goals", "Old goal")
    session.add_all([goal, gone, _item(ana, "triggers", "Payday")])
    session.flush()
    answer(session, ana, "goals", f"goal:{goal.id}", "4", START + 7 * day)
    answer(session, ana, "goals", f"goal:{gone.id}", "2", START + 7 * day)
    session.delete(gone)
    answer(session, ana, "reflection", "take_away", "Breathing helps", START + 8 * day)

    short = checkin(session, ana, 7, "short")
    answer(session, ana, "checkin:short", "use", "no", short.due_at, short)
    answer(session, ana, "checkin:short", "note", "=1+1 call me", short.due_at, short)
    first = checkin(session, ana, 30, "bam", score_use=0, score_risk=10, score_protective=15)
    answer(session, ana, "checkin:bam", "health", "good", first.due_at, first)
    second = checkin(session, ana, 31, "bam", score_use=3, score_risk=10, score_protective=12)
    answer(session, ana, "checkin:bam", "health", "poor", second.due_at, second)
    checkin(session, ana, 90, "bam", status=CheckInStatus.SCHEDULED, answered_at=None)
    session.add_all(
        [
            Alert(
                participant_id=ana.id or 0, kind="use_reported", context="check-in day 31",
                created_at=second.due_at, status=AlertStatus.RESOLVED,
                resolution_note="Called, booked a session",
            ),
            Alert(
                participant_id=ana.id or 0, kind="risk_rise", context="check-in day 31",
                created_at=LATE_EVENING,
            ),
        ]
    )  # fmt: skip
    session.commit()
    return ana
