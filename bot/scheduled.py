"""Scheduled messages: planned by features, claimed atomically by the sweep, closed per result."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.db import claim_oldest
from bot.models import JobStatus, Participant, ScheduledMessage

# A claim older than this belongs to a worker that died.
STALE_CLAIM = timedelta(minutes=10)


def schedule(
    *,
    session: Session,
    participant_id: int,
    kind: str,
    at: datetime,
    now: datetime,
    payload: str = "",
    replace: bool = False,
) -> ScheduledMessage:
    """Plan one message; `replace` first cancels this participant's waiting ones of the kind."""
    if replace:
        cancel(session=session, participant_id=participant_id, kinds=[kind], now=now)
    job = ScheduledMessage(
        kind=kind, participant_id=participant_id, due_at=at, payload=payload, created_at=now
    )
    session.add(job)
    return job


_TABLE: sa.Table = ScheduledMessage.__table__  # type: ignore[attr-defined]
_CANCEL = (  # built once: every turn runs it
    sa.update(_TABLE)
    .where(
        _TABLE.c.participant_id == sa.bindparam("participant"),
        _TABLE.c.kind.in_(sa.bindparam("kinds", expanding=True)),
        _TABLE.c.status == JobStatus.SCHEDULED,
    )
    .values(
        status=JobStatus.CANCELLED, finished_at=sa.bindparam("now", type_=_TABLE.c.finished_at.type)
    )
)


def cancel(*, session: Session, participant_id: int, kinds: Collection[str], now: datetime) -> None:
    """Cancel this participant's waiting messages of these kinds."""
    if kinds:
        session.connection().execute(
            _CANCEL, {"participant": participant_id, "kinds": list(kinds), "now": now}
        )


def waiting(*, session: Session, participant_id: int, kind: str) -> ScheduledMessage | None:
    """The next waiting message of this kind for the participant, if any."""
    return session.exec(
        select(ScheduledMessage)
        .where(
            ScheduledMessage.participant_id == participant_id,
            ScheduledMessage.kind == kind,
            ScheduledMessage.status == JobStatus.SCHEDULED,
        )
        .order_by(col(ScheduledMessage.due_at))
    ).first()


def claim(
    *,
    session: Session,
    now: datetime,
    limit: int,
    worker: str,
    telegram_id: int | None = None,
    unfiltered: Collection[str] = (),
) -> list[int]:
    """Take up to `limit` due messages for this worker alone, oldest first.

    Messages to participants who stopped or blocked the bot wait, except the kinds in
    `unfiltered` (they go to staff).
    """
    # A lookup of each due row's participant (EXISTS), not a join: SQLite would otherwise
    # read every participant first, and a claim would grow with their number.
    person = col(Participant.id) == ScheduledMessage.participant_id
    mine = sa.true() if telegram_id is None else col(Participant.telegram_id) == telegram_id
    reachable: sa.ColumnElement[bool] = sa.exists().where(
        person, mine,
        col(Participant.stopped_at).is_(None), col(Participant.unreachable_at).is_(None),
    )  # fmt: skip
    if unfiltered:
        reachable = reachable | (
            col(ScheduledMessage.kind).in_(unfiltered) & sa.exists().where(person, mine)
        )
    due = select(ScheduledMessage.id).where(
        col(ScheduledMessage.status) == JobStatus.SCHEDULED,
        col(ScheduledMessage.due_at) <= now,
        reachable,
    )
    values = {"status": JobStatus.CLAIMED, "claimed_at": now, "claimed_by": worker}
    return claim_oldest(session, ScheduledMessage, due, limit=limit, values=values)


def take(*, session: Session, job_id: int, worker: str) -> ScheduledMessage | None:
    """The message this worker claimed, locked, if nobody took it back meanwhile."""
    job = session.exec(
        select(ScheduledMessage).where(ScheduledMessage.id == job_id).with_for_update()
    ).first()
    if job is None or job.status != JobStatus.CLAIMED or job.claimed_by != worker:
        return None
    return job


def recover(*, session: Session, now: datetime) -> list[ScheduledMessage]:
    """Claims of dead workers: never run goes back to waiting; mid-send becomes unknown.

    Returns the unknown ones."""
    stale = now - STALE_CLAIM
    session.execute(
        sa.update(ScheduledMessage)
        .where(
            col(ScheduledMessage.status) == JobStatus.CLAIMED,
            col(ScheduledMessage.claimed_at) < stale,
        )
        .values(status=JobStatus.SCHEDULED, claimed_at=None, claimed_by=None),
        execution_options={"synchronize_session": False},
    )
    lost = session.exec(
        select(ScheduledMessage).where(
            ScheduledMessage.status == JobStatus.SENDING,
            col(ScheduledMessage.claimed_at) < stale,
        )
    ).all()
    for job in lost:
        job.status, job.error, job.finished_at = JobStatus.UNKNOWN, "WorkerStopped", now
        session.add(job)
    return list(lost)


def by_ids(*, session: Session, ids: Sequence[int]) -> Sequence[ScheduledMessage]:
    if not ids:
        return []
    return session.exec(select(ScheduledMessage).where(col(ScheduledMessage.id).in_(ids))).all()
