"""Deleting a participant's data, on request (/delete) or after a time without contact (purge).

What stays either way: the participant row, emptied, so the audit log still says whose record
staff looked at without saying who that was. Under `anonymise`, check-ins that have an outcome
keep their scores, moved to a row of their own that nothing else points to, dates cut to the
month: program statistics no one can trace back to a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from bot.models import (
    Alert,
    AlertStatus,
    Answer,
    Bookmark,
    CheckIn,
    CheckInStatus,
    Completion,
    ConsentRecord,
    Invite,
    Participant,
    PlanItem,
    ScheduledMessage,
    Tick,
)

# Check-ins still ahead of a participant, or waiting for their answers: the purge leaves them be.
AHEAD = (CheckInStatus.SCHEDULED, CheckInStatus.CLAIMED, CheckInStatus.SENDING, CheckInStatus.SENT)
OPEN_FLAGS = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
# What belongs to a participant and goes with their data.
# Answers go before the check-ins they belong to.
OWNED = (
    Answer, CheckIn, ConsentRecord, PlanItem, Bookmark, Completion, Alert, ScheduledMessage, Invite,
    Tick,
)  # fmt: skip
SET_APART = frozenset({"id", "telegram_id", "created_at", "erased_at"})  # set by hand below


class Mode(StrEnum):
    """DELETE_MODE: what deleting does with the data."""

    ERASE = "erase"  # nothing of the person's is kept
    ANONYMISE = "anonymise"  # check-in scores are kept with no way back to the person


@dataclass(frozen=True)
class Purged:
    """What a purge found (and, unless it was a dry run, deleted): counts only."""

    participants: int
    invites: int


def keeps(*, session: Session, participant: Participant, mode: Mode) -> bool:
    """Whether deleting keeps anything of this participant's besides the audit log."""
    return mode is Mode.ANONYMISE and bool(_closed(session, participant))


def erase(*, session: Session, participant: Participant, mode: Mode, now: datetime) -> int:
    """Delete everything stored about the participant, per `mode`; the caller holds the row lock
    and commits. Scheduled messages and check-ins stop with it. Returns how many check-ins were
    kept, anonymised."""
    kept = _anonymise(session, participant, now) if mode is Mode.ANONYMISE else 0
    person = participant.id
    for model in OWNED:
        session.execute(
            sa.delete(model).where(col(model.participant_id) == person),
            execution_options={"synchronize_session": False},
        )
    _empty(participant, now)
    session.add(participant)
    return kept


def stale(*, session: Session, now: datetime, days: int, lock: bool = False) -> list[Participant]:
    """Participants with no contact for `days` days, no check-in ahead or awaiting an answer, and
    no flag staff have not resolved; oldest contact first. `lock` locks them as a turn would,
    skipping anyone in a turn right now (they are in contact)."""
    cutoff = now - timedelta(days=days)
    last_contact = func.coalesce(col(Participant.last_seen_at), col(Participant.created_at))
    ahead = select(CheckIn.participant_id).where(col(CheckIn.status).in_(AHEAD))
    flagged = select(Alert.participant_id).where(col(Alert.status).in_(OPEN_FLAGS))
    query = (
        select(Participant)
        .where(
            col(Participant.erased_at).is_(None),
            last_contact < cutoff,
            col(Participant.id).not_in(ahead),
            col(Participant.id).not_in(flagged),
        )
        .order_by(last_contact, col(Participant.id))
    )
    if lock:
        query = query.with_for_update(of=Participant, skip_locked=True)
    return list(session.exec(query).all())


def purge(*, session: Session, now: datetime, days: int, mode: Mode, dry_run: bool) -> Purged:
    """The retention rule: delete the data of everyone `stale` finds, per `mode`, and invites
    nobody used that are older than `days`. A dry run only counts. The caller commits."""
    people = stale(session=session, now=now, days=days, lock=not dry_run)
    old = now - timedelta(days=days)
    unused = col(Invite.redeemed_at).is_(None) & (col(Invite.created_at) < old)
    invites = session.exec(select(func.count()).select_from(Invite).where(unused)).one()
    if dry_run:
        return Purged(len(people), invites)
    for person in people:
        erase(session=session, participant=person, mode=mode, now=now)
    session.execute(
        sa.delete(Invite).where(unused), execution_options={"synchronize_session": False}
    )
    return Purged(len(people), invites)


def _closed(session: Session, participant: Participant) -> list[CheckIn]:
    """The participant's check-ins that were answered, missed or otherwise closed."""
    mine = col(CheckIn.participant_id) == participant.id
    return list(session.exec(select(CheckIn).where(mine, col(CheckIn.status).not_in(AHEAD))))


def _anonymise(session: Session, participant: Participant, now: datetime) -> int:
    """Move the closed check-ins to a new, empty row that nothing else points to."""
    closed = _closed(session, participant)
    if not closed:
        return 0
    holder = Participant(telegram_id=0, created_at=now, erased_at=now)
    session.add(holder)
    session.flush()  # telegram_id 0 only until the row has its id, inside this transaction
    assert holder.id is not None
    holder.telegram_id = -holder.id
    session.add(holder)
    for row in closed:
        month = row.due_at.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        row.participant_id, row.due_at, row.note = holder.id, month, ""
        row.claimed_at = row.claimed_by = row.sent_at = row.answered_at = None
        session.add(row)
    session.flush()
    return len(closed)


def _empty(participant: Participant, now: datetime) -> None:
    """Every column back to empty; the Telegram id freed, so a new /start is a new person."""
    for name, field in Participant.model_fields.items():
        if name not in SET_APART:
            setattr(participant, name, field.get_default(call_default_factory=True))
    assert participant.id is not None
    participant.telegram_id, participant.created_at = -participant.id, now
    participant.erased_at = now
