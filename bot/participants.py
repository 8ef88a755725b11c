"""Storage for participants and what they give us: consent, answers, completions, alerts."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from bot.models import (
    Alert,
    Answer,
    Bookmark,
    Completion,
    ConsentRecord,
    Invite,
    Participant,
    PlanItem,
)


def lock_participant(*, session: Session, telegram_id: int, now: datetime) -> Participant:
    """The participant row for this Telegram id, created if new, locked for this transaction."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(Participant)
        .values(telegram_id=telegram_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["telegram_id"])
    )
    statement = select(Participant).where(Participant.telegram_id == telegram_id)
    return session.exec(statement.with_for_update()).one()


def record_consent(
    *, session: Session, participant: Participant, agreed: bool, version: str, now: datetime
) -> ConsentRecord:
    record = ConsentRecord(
        participant_id=_id(participant), agreed=agreed, content_version=version, recorded_at=now
    )
    session.add(record)
    return record


def record_answer(
    *,
    session: Session,
    participant: Participant,
    flow: str,
    question: str,
    value: str,
    version: str,
    now: datetime,
    checkin_id: int | None = None,
) -> Answer:
    answer = Answer(
        participant_id=_id(participant),
        flow=flow,
        question=question,
        value=value[:256],
        content_version=version,
        answered_at=now,
        checkin_id=checkin_id,
    )
    session.add(answer)
    return answer


def record_completion(
    *, session: Session, participant: Participant, flow: str, version: str, now: datetime
) -> Completion:
    completion = Completion(
        participant_id=_id(participant), flow=flow, content_version=version, completed_at=now
    )
    session.add(completion)
    return completion


def raise_alert(
    *, session: Session, participant: Participant, kind: str, context: str, now: datetime
) -> Alert:
    alert = Alert(participant_id=_id(participant), kind=kind, context=context[:128], created_at=now)
    session.add(alert)
    return alert


def create_invite(*, session: Session, label: str, now: datetime) -> Invite:
    """A fresh one-time code for a label no participant holds yet."""
    taken = session.exec(select(Participant.id).where(Participant.label == label)).first()
    if taken is not None:
        raise ValueError(f"a participant already has the label {label!r}")
    invite = Invite(code=secrets.token_urlsafe(9), label=label, created_at=now)
    session.add(invite)
    return invite


def redeem_invite(*, session: Session, code: str, participant: Participant, now: datetime) -> str:
    """Link the participant to the invite's label once; returns linked, used or unknown."""
    invite = session.exec(select(Invite).where(Invite.code == code).with_for_update()).first()
    if invite is None:
        return "unknown"
    if invite.redeemed_at is not None or participant.label is not None:
        return "linked" if invite.participant_id == participant.id else "used"
    label_taken = session.exec(
        select(Participant.id).where(Participant.label == invite.label)
    ).first()
    if label_taken is not None:
        return "used"
    invite.redeemed_at = now
    invite.participant_id = participant.id
    participant.label = invite.label
    session.add(invite)
    return "linked"


def answered_questions(*, session: Session) -> list[tuple[str, str]]:
    """Every (flow, question) that stored answers refer to."""
    rows = session.exec(select(Answer.flow, Answer.question).distinct()).all()
    return [(flow, question) for flow, question in rows]


# Moments the sweep sends something at, one column each on the participant.
DUE_COLUMNS = ("remind_at", "daily_at", "goals_nudge_at", "session_reminder_at", "reflection_at")


def claim_due(
    *, session: Session, column: str, now: datetime, telegram_id: int | None = None
) -> list[Participant]:
    """Atomically take every participant (or one) whose moment in `column` has come.

    The moment is cleared in the same UPDATE, so a second worker gets none of them; the
    caller sets the next one if there is one.
    """
    assert column in DUE_COLUMNS
    moment = getattr(Participant, column)
    due = sa.update(Participant).where(
        col(moment) <= now,
        col(Participant.stopped_at).is_(None),
        col(Participant.unreachable_at).is_(None),
    )
    if telegram_id is not None:
        due = due.where(col(Participant.telegram_id) == telegram_id)
    claimed = session.execute(due.values({column: None}).returning(col(Participant.id))).all()
    ids = [row[0] for row in claimed]
    if not ids:
        return []
    return list(session.exec(select(Participant).where(col(Participant.id).in_(ids))).all())


def add_plan_item(
    *,
    session: Session,
    participant: Participant,
    section: str,
    text: str,
    version: str,
    now: datetime,
) -> PlanItem:
    item = PlanItem(
        participant_id=_id(participant),
        section=section,
        text=text[:256],
        content_version=version,
        created_at=now,
    )
    session.add(item)
    return item


def plan_items(*, session: Session, participant: Participant) -> list[PlanItem]:
    statement = select(PlanItem).where(PlanItem.participant_id == participant.id)
    return list(session.exec(statement.order_by(col(PlanItem.id))).all())


def plan_item(*, session: Session, participant: Participant, item_id: str) -> PlanItem | None:
    """One of the participant's own plan items, or None."""
    item = session.get(PlanItem, int(item_id)) if item_id.isdigit() else None
    return item if item is not None and item.participant_id == participant.id else None


def remove_plan_item(
    *, session: Session, participant: Participant, item_id: int
) -> PlanItem | None:
    """Delete one of the participant's own items; None when it is not theirs or gone."""
    item = session.get(PlanItem, item_id)
    if item is None or item.participant_id != participant.id:
        return None
    session.delete(item)
    return item


def claim_graduations(
    *, session: Session, now: datetime, telegram_id: int | None = None
) -> list[Participant]:
    """Take every graduate (or one) whose congratulations have not gone out yet; each once."""
    due = sa.update(Participant).where(
        col(Participant.graduated_on).is_not(None),
        col(Participant.graduation_sent_at).is_(None),
        col(Participant.stopped_at).is_(None),
        col(Participant.unreachable_at).is_(None),
    )
    if telegram_id is not None:
        due = due.where(col(Participant.telegram_id) == telegram_id)
    claimed = session.execute(
        due.values(graduation_sent_at=now).returning(col(Participant.id))
    ).all()
    ids = [row[0] for row in claimed]
    if not ids:
        return []
    return list(session.exec(select(Participant).where(col(Participant.id).in_(ids))).all())


def completed_flows(*, session: Session, participant: Participant) -> set[str]:
    rows = session.exec(select(Completion.flow).where(Completion.participant_id == participant.id))
    return set(rows.all())


def progress_counts(*, session: Session, participant: Participant) -> tuple[int, int, int, int]:
    """Lessons done (each once), practice sessions and their minutes, and cravings rated again
    after the wait."""
    done = session.exec(select(Completion.flow).where(Completion.participant_id == participant.id))
    flows = list(done.all())
    lessons = len({f for f in flows if f.startswith("lesson_")})
    practices = sum(1 for f in flows if f == "mindfulness" or f.startswith("practice_"))
    cravings = session.exec(
        select(func.count())
        .select_from(Answer)
        .where(
            Answer.participant_id == participant.id,
            Answer.flow == "craving",
            Answer.question == "checkback",
        )
    ).one()
    return lessons, practices, practice_minutes(session=session, participant=participant), cravings


def practice_minutes(*, session: Session, participant: Participant) -> int:
    """Minutes from each practice's first rating to its last, an hour at most each."""
    ratings = session.exec(
        select(Answer)
        .where(
            Answer.participant_id == participant.id,
            col(Answer.question).in_(["rate_before", "rate_after"]),
        )
        .order_by(col(Answer.answered_at))
    ).all()
    started: dict[str, datetime] = {}
    total = 0.0
    for rating in ratings:
        if rating.question == "rate_before":
            started[rating.flow] = rating.answered_at
        elif (begin := started.pop(rating.flow, None)) is not None:
            total += min((rating.answered_at - begin).total_seconds() / 60, 60)
    return round(total)


def answers_since(
    *, session: Session, participant: Participant, flow: str, question: str, since: datetime
) -> int:
    """How many times the participant answered this question since then."""
    return session.exec(
        select(func.count())
        .select_from(Answer)
        .where(
            Answer.participant_id == participant.id,
            Answer.flow == flow,
            Answer.question == question,
            col(Answer.answered_at) >= since,
        )
    ).one()


def ratings_since(
    *, session: Session, participant: Participant, questions: Sequence[str], since: datetime
) -> list[Answer]:
    """The participant's answers to these questions (0 to 10 ratings) since then."""
    return list(
        session.exec(
            select(Answer).where(
                Answer.participant_id == participant.id,
                col(Answer.question).in_(questions),
                col(Answer.answered_at) >= since,
                col(Answer.checkin_id).is_(None),
            )
        ).all()
    )


def set_bookmark(
    *, session: Session, participant: Participant, flow: str, step: str, trail: str, now: datetime
) -> None:
    """Remember where the participant left this flow (one bookmark per flow)."""
    mark = session.exec(
        select(Bookmark).where(Bookmark.participant_id == participant.id, Bookmark.flow == flow)
    ).first() or Bookmark(participant_id=_id(participant), flow=flow, step=step)
    mark.step, mark.trail, mark.updated_at = step, trail, now
    session.add(mark)


def take_bookmark(*, session: Session, participant: Participant, flow: str) -> Bookmark | None:
    """The bookmark for this flow, removed: it is used once."""
    mark = session.exec(
        select(Bookmark).where(Bookmark.participant_id == participant.id, Bookmark.flow == flow)
    ).first()
    if mark is not None:
        session.delete(mark)
    return mark


def _id(participant: Participant) -> int:
    assert participant.id is not None, "participant must be flushed first"
    return participant.id
