"""Signing staff in to the web dashboard: one-time links sent in Telegram, then a server-side
session. Only hashes of the link token and of the session id are stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, func, select

from bot.models import AuditAction, DashboardLink, DashboardSession, StaffMember
from bot.staff import store

LINK_VALID = timedelta(minutes=10)
IDLE = timedelta(minutes=15)  # a session nobody used for this long has ended
SIGN_IN_PATH = "/signin/"  # the link is <WEB_BASE_URL>/signin/<token>


def digest(secret: str) -> str:
    """What is stored in place of a token or session id: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(session_id: str) -> str:
    """The token every form of a session carries: derived from the session id, which a page
    from another site cannot read."""
    return digest(f"csrf:{session_id}")


def make_link(*, session: Session, member: StaffMember, base_url: str, now: datetime) -> str:
    """A new one-time sign-in link for this staff member."""
    token = secrets.token_urlsafe(32)
    session.add(
        DashboardLink(
            token_hash=digest(token),
            staff_telegram_id=member.telegram_id,
            expires_at=now + LINK_VALID,
        )
    )
    return f"{base_url}{SIGN_IN_PATH}{token}"


def redeem(*, session: Session, token: str, now: datetime) -> str | None:
    """Use a link once: a new session id for its staff member, or None when the link is
    unknown, used or expired, or its owner is no longer on staff. Each sign-in also tidies
    away the links and sessions that are spent."""
    tidy(session=session, now=now)
    used = session.execute(
        sa.update(DashboardLink)
        .where(
            col(DashboardLink.token_hash) == digest(token),
            col(DashboardLink.used_at).is_(None),
            col(DashboardLink.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(DashboardLink.staff_telegram_id))
        .execution_options(synchronize_session=False)
    ).first()  # one conditional UPDATE: two clicks at once, one session
    if used is None or store.member(session=session, telegram_id=used[0]) is None:
        return None
    session_id = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            session_hash=digest(session_id),
            staff_telegram_id=used[0],
            started_at=now,
            last_seen_at=now,
        )
    )
    store.audit(session=session, staff_telegram_id=used[0], action=AuditAction.SIGN_IN, now=now)
    return session_id


def signed_in(
    *, session: Session, session_id: str, now: datetime, touch: bool = True
) -> StaffMember | None:
    """The staff member of a live session, which this use keeps alive unless `touch` is False
    (a page polling on its own); None when it has ended, timed out, or its owner was removed
    from staff."""
    found = session.exec(
        select(DashboardSession).where(
            DashboardSession.session_hash == digest(session_id),
            col(DashboardSession.ended_at).is_(None),
        )
    ).first()
    if found is None:
        return None
    if now - found.last_seen_at > IDLE:
        found.ended_at = now
        session.add(found)
        return None
    if touch:
        found.last_seen_at = now
        session.add(found)
    return store.member(session=session, telegram_id=found.staff_telegram_id)


def sign_out(*, session: Session, session_id: str, now: datetime) -> None:
    """End a session at once."""
    session.execute(
        sa.update(DashboardSession)
        .where(
            col(DashboardSession.session_hash) == digest(session_id),
            col(DashboardSession.ended_at).is_(None),
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )


def _spent(now: datetime) -> list[tuple[type[SQLModel], ColumnElement[bool]]]:
    """Links used or expired, and sessions ended or idle too long: nothing can use them."""
    return [
        (DashboardLink,
         col(DashboardLink.used_at).is_not(None) | (col(DashboardLink.expires_at) <= now)),
        (DashboardSession,
         col(DashboardSession.ended_at).is_not(None)
         | (col(DashboardSession.last_seen_at) < now - IDLE)),
    ]  # fmt: skip


def tidy(*, session: Session, now: datetime, dry_run: bool = False) -> int:
    """Delete the spent links and sessions (a dry run only counts them); how many."""
    total = 0
    for table, spent in _spent(now):
        if dry_run:
            total += session.exec(select(func.count()).select_from(table).where(spent)).one()
        else:
            deleted = session.execute(
                sa.delete(table).where(spent), execution_options={"synchronize_session": False}
            )
            total += cast("CursorResult[Any]", deleted).rowcount
    return total
