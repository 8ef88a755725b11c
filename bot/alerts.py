"""Flags for staff: one row per thing a person at the clinic must look at, never message text."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot import scheduled
from bot.models import Alert, AlertKind, AlertStatus

ROUTE = "alert"  # the scheduled kind that takes a new flag to staff


def raise_alert(
    *, session: Session, participant_id: int, kind: AlertKind, context: str, now: datetime
) -> Alert:
    """Store the flag and plan its delivery to staff, at once, in the same transaction."""
    alert = Alert(participant_id=participant_id, kind=kind, context=context[:128], created_at=now)
    session.add(alert)
    session.flush()
    scheduled.schedule(
        session=session, participant_id=participant_id, kind=ROUTE, at=now,
        payload=f"{alert.id}:0", now=now,
    )  # fmt: skip
    return alert


def close(
    *, session: Session, participant_id: int, kind: AlertKind, context: str, now: datetime
) -> None:
    """Open flags of this kind and place that turned out to need nobody: resolved by the bot."""
    session.execute(
        sa.update(Alert)
        .where(
            col(Alert.participant_id) == participant_id,
            col(Alert.kind) == kind,
            col(Alert.context) == context[:128],
            col(Alert.status) == AlertStatus.OPEN,
        )
        .values(status=AlertStatus.RESOLVED, resolved_at=now),
        execution_options={"synchronize_session": False},
    )


def is_open(*, session: Session, participant_id: int, kind: AlertKind, context: str) -> bool:
    """Whether a flag of this kind and place is still waiting for staff (open or taken)."""
    found = session.exec(
        select(Alert.id).where(
            Alert.participant_id == participant_id,
            Alert.kind == kind,
            Alert.context == context[:128],
            Alert.status != AlertStatus.RESOLVED,
        )
    )
    return found.first() is not None
