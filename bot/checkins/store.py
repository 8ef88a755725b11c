"""Check-in rows: planned at graduation, claimed atomically by the sweep, closed in time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from bot.checkins.schedule import due_at
from bot.content.checkin_schema import FollowUp
from bot.db import claim_oldest
from bot.models import Answer, CheckIn, Participant
from bot.models import CheckInStatus as S

# A claim older than this belongs to a worker that died mid-send: nobody knows if it arrived.
STALE_CLAIM = timedelta(minutes=10)


def zone_of(participant: Participant, default_timezone: str) -> ZoneInfo:
    return ZoneInfo(participant.timezone or default_timezone)


def plan(
    *, session: Session, participant: Participant, follow_up: FollowUp, default_timezone: str
) -> list[CheckIn]:
    """One row per check-in in the schedule; days already planned are left as they are."""
    assert participant.graduated_on is not None and participant.id is not None
    existing = set(
        session.exec(select(CheckIn.day).where(CheckIn.participant_id == participant.id)).all()
    )
    zone = zone_of(participant, default_timezone)
    rows = [
        CheckIn(
            participant_id=participant.id,
            day=item.day,
            questionnaire=item.questionnaire,
            due_at=due_at(
                participant.graduated_on,
                item.day,
                zone=zone,
                minute=participant.message_minute,
                follow_up=follow_up,
            ),
        )
        for item in follow_up.schedule
        if item.day not in existing
    ]
    session.add_all(rows)
    return rows


def replan(
    *, session: Session, participant: Participant, follow_up: FollowUp, default_timezone: str
) -> None:
    """A new time zone or time: re-time every check-in not sent yet."""
    if participant.graduated_on is None:
        return
    zone = zone_of(participant, default_timezone)
    waiting = session.exec(
        select(CheckIn).where(
            CheckIn.participant_id == participant.id, CheckIn.status == S.SCHEDULED
        )
    ).all()
    for row in waiting:
        row.due_at = due_at(
            participant.graduated_on,
            row.day,
            zone=zone,
            minute=participant.message_minute,
            follow_up=follow_up,
        )
        session.add(row)


def expire(*, session: Session, now: datetime, follow_up: FollowUp) -> Counter[int]:
    """Close due rows that must not be sent; returns how many new misses each participant has
    (several at once after downtime)."""
    waiting = (col(CheckIn.status) == S.SCHEDULED) & (col(CheckIn.due_at) <= now)
    person = select(Participant.id)
    stopped = col(Participant.checkins_stopped_at).is_not(None) | col(
        Participant.stopped_at
    ).is_not(None)
    reasons = [
        # (why, status, which participants)
        ("paused", S.MISSED, person.where(col(Participant.checkins_paused_until) > now)),
        ("stopped", S.MISSED, person.where(stopped)),
        ("unreachable", S.BLOCKED, person.where(col(Participant.unreachable_at).is_not(None))),
    ]
    for note, status, who in reasons:
        session.execute(
            sa.update(CheckIn)
            .where(waiting, col(CheckIn.participant_id).in_(who))
            .values(status=status, note=note)
        )
    late = now - timedelta(hours=follow_up.late_after_hours)
    unanswered = now - timedelta(hours=follow_up.answer_within_hours)
    missed = [
        *session.execute(
            sa.update(CheckIn)
            .where(col(CheckIn.status) == S.SCHEDULED, col(CheckIn.due_at) < late)
            .values(status=S.MISSED, note="too late to send")
            .returning(col(CheckIn.participant_id))
        ).all(),
        *session.execute(
            sa.update(CheckIn)
            .where(col(CheckIn.status) == S.SENT, col(CheckIn.sent_at) < unanswered)
            .values(status=S.MISSED, note="no answer")
            .returning(col(CheckIn.participant_id))
        ).all(),
    ]
    return Counter(row[0] for row in missed)


def missed_streak(*, session: Session, participant_id: int) -> int:
    """How many check-ins in a row, newest first, went without an answer."""
    closed = session.exec(
        select(CheckIn.status, CheckIn.note)
        .where(
            CheckIn.participant_id == participant_id,
            col(CheckIn.status).in_([S.ANSWERED, S.MISSED]),
            col(CheckIn.note).not_in(["paused", "stopped"]),
        )
        .order_by(col(CheckIn.day).desc())
    ).all()
    streak = 0
    for status, _ in closed:
        if status != S.MISSED:
            break
        streak += 1
    return streak


def claim_due(
    *, session: Session, now: datetime, limit: int, worker: str, telegram_id: int | None = None
) -> list[int]:
    """Take up to `limit` due check-ins for this worker alone; nothing is sent yet."""
    # A lookup of each due row's participant (EXISTS), not a join: SQLite would otherwise
    # read every participant first, and a claim would grow with their number.
    reachable = sa.exists().where(
        col(Participant.id) == CheckIn.participant_id,
        col(Participant.stopped_at).is_(None),
        col(Participant.unreachable_at).is_(None),
        col(Participant.checkins_stopped_at).is_(None),
        sa.or_(
            col(Participant.checkins_paused_until).is_(None),
            col(Participant.checkins_paused_until) <= now,
        ),
        sa.true() if telegram_id is None else col(Participant.telegram_id) == telegram_id,
    )
    due = select(CheckIn.id).where(
        col(CheckIn.status) == S.SCHEDULED, col(CheckIn.due_at) <= now, reachable
    )
    values = {"status": S.CLAIMED, "claimed_at": now, "claimed_by": worker}
    return claim_oldest(session, CheckIn, due, limit=limit, values=values)


def start_sending(
    *, session: Session, ids: Sequence[int], worker: str
) -> Sequence[tuple[CheckIn, Participant]]:
    """Mark this worker's claimed check-ins as being sent, and return them with their people.

    Only rows still claimed by this worker move: one given back meanwhile is not sent twice."""
    if not ids:
        return []
    moved = session.execute(
        sa.update(CheckIn)
        .where(
            col(CheckIn.id).in_(ids),
            col(CheckIn.status) == S.CLAIMED,
            col(CheckIn.claimed_by) == worker,
        )
        .values(status=S.SENDING)
        .returning(col(CheckIn.id)),
        execution_options={"synchronize_session": False},
    ).all()
    return with_participants(session=session, ids=[row[0] for row in moved])


def with_participants(
    *, session: Session, ids: Sequence[int], lock: bool = False
) -> Sequence[tuple[CheckIn, Participant]]:
    """Check-ins and their participants, in one query; `lock`: the participants' rows, for
    this transaction, in id order, before any check-in row, as a turn locks them (so that
    neither waits for the other in a ring)."""
    if not ids:
        return []
    both = (
        select(CheckIn, Participant)
        .join(Participant, col(Participant.id) == CheckIn.participant_id)
        .where(col(CheckIn.id).in_(ids))
        .order_by(col(Participant.id), col(CheckIn.id))
    )
    return session.exec(both.with_for_update(of=Participant) if lock else both).all()


def stale_claims(*, session: Session, now: datetime) -> list[CheckIn]:
    """Claims of workers that died: never sent goes back to waiting; mid-send becomes unknown
    (it may or may not have arrived), for a person to review. Returns the unknown ones."""
    stale = now - STALE_CLAIM
    session.execute(
        sa.update(CheckIn)
        .where(col(CheckIn.status) == S.CLAIMED, col(CheckIn.claimed_at) < stale)
        .values(status=S.SCHEDULED, claimed_at=None, claimed_by=None),
        execution_options={"synchronize_session": False},
    )
    lost = session.exec(
        select(CheckIn).where(CheckIn.status == S.SENDING, col(CheckIn.claimed_at) < stale)
    ).all()
    for row in lost:
        row.status, row.note = S.UNKNOWN, "worker stopped while sending"
        session.add(row)
    return list(lost)


def open_checkins(*, session: Session, participant_id: int) -> Sequence[CheckIn]:
    """Check-ins that were sent and still wait for answers, newest first."""
    return session.exec(
        select(CheckIn)
        .where(
            CheckIn.participant_id == participant_id,
            col(CheckIn.sent_at).is_not(None) | (col(CheckIn.status) == S.UNKNOWN),
            col(CheckIn.answered_at).is_(None),
            col(CheckIn.status).in_([S.SENT, S.MISSED, S.UNKNOWN]),
        )
        .order_by(col(CheckIn.day).desc())
    ).all()


def last_answered(*, session: Session, checkin_id: int) -> datetime | None:
    """When the check-in's latest answer was given, if any was."""
    latest = select(func.max(Answer.answered_at)).where(Answer.checkin_id == checkin_id)
    found: datetime | None = session.exec(latest).one()
    return found


def answers(*, session: Session, checkin_id: int) -> dict[str, str]:
    rows = session.exec(select(Answer).where(Answer.checkin_id == checkin_id)).all()
    return {row.question: row.value for row in rows}


def previous_risk(*, session: Session, checkin: CheckIn) -> int | None:
    """The Risk score of the last answered check-in before this one."""
    return session.exec(
        select(CheckIn.score_risk)
        .where(
            CheckIn.participant_id == checkin.participant_id,
            CheckIn.day < checkin.day,
            col(CheckIn.score_risk).is_not(None),
        )
        .order_by(col(CheckIn.day).desc())
    ).first()
