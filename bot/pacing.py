"""Storage: moments to send at, handed out from one row that every worker shares."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.models import RateBucket

TELEGRAM = "telegram"  # the bucket of messages to Telegram (the migration makes its row)
UNIX_EPOCH_JULIAN_DAY = 2440587.5


def _database_now(dialect: str) -> sa.ColumnElement[float]:
    """Now, in seconds since 1970, by the database's clock: the one clock all workers share."""
    if dialect == "postgresql":
        return sa.cast(sa.extract("epoch", sa.func.clock_timestamp()), sa.Float)
    return (sa.func.julianday("now") - UNIX_EPOCH_JULIAN_DAY) * 86400.0


def take(*, session: Session, count: int, per_second: float, name: str = TELEGRAM) -> float:
    """Reserve the next `count` moments, 1/per_second apart, in one statement; returns the
    seconds until the first of them (0 when the bucket was idle)."""
    now = _database_now(session.get_bind().dialect.name)
    span = count / per_second
    bucket = RateBucket.__table__  # type: ignore[attr-defined]
    start = sa.case((bucket.c.next_at > now, bucket.c.next_at), else_=now)
    found = session.execute(
        sa.update(bucket)
        .where(bucket.c.name == name)
        .values(next_at=start + span)
        .returning(bucket.c.next_at - span - now)
    ).first()
    return max(found[0], 0.0) if found is not None else 0.0


def hold(*, session: Session, seconds: float, name: str = TELEGRAM) -> None:
    """Telegram asked to wait: no worker sends before then."""
    now = _database_now(session.get_bind().dialect.name)
    session.execute(
        sa.update(RateBucket)
        .where(col(RateBucket.name) == name, col(RateBucket.next_at) < now + seconds)
        .values(next_at=now + seconds)
    )
