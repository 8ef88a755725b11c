"""Flags for staff: one row per thing a person at the clinic must look at, never message text."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.models import Alert, AlertKind, AlertStatus


def raise_alert(
    *, session: Session, participant_id: int, kind: AlertKind, context: str, now: datetime
) -> Alert:
    alert = Alert(participant_id=participant_id, kind=kind, context=context[:128], created_at=now)
    session.add(alert)
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
