"""Storage for participants and what they give us: consent, invites, answers, completions,
bookmarks."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from bot.models import (
    Answer,
    Bookmark,
    Completion,
    ConsentRecord,
    Invite,
    InviteStage,
    Participant,
)


def lock_participant(*, session: Session, telegram_id: int, now: datetime) -> Participant:
    """The participant row for this Telegram id, locked for this transaction; created if new
    (asked for first, so a known person costs one statement and no sequence number)."""
    statement = select(Participant).where(Participant.telegram_id == telegram_id).with_for_update()
    found = session.exec(statement).first()
    if found is not None:
        return found
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(  # another process may be adding the same person at this moment
        insert(Participant)
        .values(telegram_id=telegram_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["telegram_id"])
    )
    return session.exec(statement).one()


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


def take_back_answer(
    *, session: Session, participant: Participant, flow: str, question: str
) -> None:
    """Forget the latest answer to a step the participant went Back to, to be given again."""
    latest = session.exec(
        select(Answer)
        .where(
            Answer.participant_id == _id(participant),
            Answer.flow == flow,
            Answer.question == question,
            col(Answer.checkin_id).is_(None),
        )
        .order_by(col(Answer.id).desc())
    ).first()
    if latest is not None:
        session.delete(latest)


def record_completion(
    *, session: Session, participant: Participant, flow: str, version: str, now: datetime
) -> Completion:
    completion = Completion(
        participant_id=_id(participant), flow=flow, content_version=version, completed_at=now
    )
    session.add(completion)
    return completion


def create_invite(
    *,
    session: Session,
    label: str,
    now: datetime,
    valid_for: timedelta,
    stage: InviteStage = InviteStage.ORIENTATION,
) -> Invite:
    """A fresh one-time code for a label no participant holds yet, good for `valid_for`;
    `stage` says where the person starts after consent."""
    taken = session.exec(select(Participant.id).where(Participant.label == label)).first()
    if taken is not None:
        raise ValueError(f"a participant already has the label {label!r}")
    invite = Invite(
        code=secrets.token_urlsafe(9), label=label, created_at=now, expires_at=now + valid_for,
        stage=stage,
    )  # fmt: skip
    session.add(invite)
    return invite


def redeem_invite(*, session: Session, code: str, participant: Participant, now: datetime) -> str:
    """Link the participant to the invite's label once; returns linked, used, expired or
    unknown."""
    invite = session.exec(select(Invite).where(Invite.code == code).with_for_update()).first()
    if invite is None:
        return "unknown"
    if invite.redeemed_at is not None or participant.label is not None:
        return "linked" if invite.participant_id == participant.id else "used"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
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


def invite_stage(*, session: Session, participant: Participant) -> InviteStage:
    """Where the invite this participant opened says to start; orientation without one."""
    stage = session.exec(
        select(Invite.stage).where(Invite.participant_id == participant.id)
    ).first()
    return InviteStage(stage) if stage in set(InviteStage) else InviteStage.ORIENTATION


def answered_questions(*, session: Session) -> list[tuple[str, str]]:
    """Every (flow, question) that stored answers refer to."""
    rows = session.exec(select(Answer.flow, Answer.question).distinct()).all()
    return [(flow, question) for flow, question in rows]


def completed_flows(*, session: Session, participant: Participant) -> set[str]:
    rows = session.exec(select(Completion.flow).where(Completion.participant_id == participant.id))
    return set(rows.all())


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


def lock_by_id(*, session: Session, participant_id: int) -> Participant:
    """The participant row, locked for this transaction (a scheduled message runs as a turn)."""
    statement = select(Participant).where(Participant.id == participant_id)
    return session.exec(statement.with_for_update()).one()
