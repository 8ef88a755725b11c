"""Storage for staff: members and roles, the audit log, alerts to follow up, lookups by label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.models import (
    Alert,
    AlertStatus,
    AuditAction,
    AuditEntry,
    DashboardLink,
    DashboardSession,
    Participant,
    StaffMember,
    StaffRole,
    utcnow,
)

MAX_DETAIL = 128
MAX_NOTE = 200
ID_PREFIX = "#"  # a participant without a label is known to staff as #<participant id>
ADMINS_ONLY = frozenset({AuditAction.VIEW_AUDIT, AuditAction.ADD_STAFF, AuditAction.REMOVE_STAFF})


def bootstrap_admins(*, session: Session, telegram_ids: Iterable[int]) -> list[StaffMember]:
    """Make each id an admin, adding missing rows; safe on every start of every worker."""
    ids = sorted(set(telegram_ids))
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    session.execute(
        insert(StaffMember)
        .values([{"telegram_id": i, "role": StaffRole.ADMIN, "added_at": now} for i in ids])
        .on_conflict_do_nothing(index_elements=["telegram_id"])
    )
    session.execute(
        sa.update(StaffMember)
        .where(col(StaffMember.telegram_id).in_(ids))
        .values(role=StaffRole.ADMIN)
        .execution_options(synchronize_session=False)
    )
    found = select(StaffMember).where(col(StaffMember.telegram_id).in_(ids))
    return list(session.exec(found.execution_options(populate_existing=True)).all())


def member(*, session: Session, telegram_id: int) -> StaffMember | None:
    """The staff row of this Telegram user, or None for everyone else."""
    return session.exec(select(StaffMember).where(StaffMember.telegram_id == telegram_id)).first()


_STAFF: sa.Table = StaffMember.__table__  # type: ignore[attr-defined]
_NOTING = sa.select(_STAFF.c.resolving_alert_id).where(
    _STAFF.c.telegram_id == sa.bindparam("telegram_id")
)


def noting(*, session: Session, telegram_id: int) -> bool:
    """Is this Telegram user a staff member whose next text is a note resolving an alert?"""
    found = session.connection().execute(_NOTING, {"telegram_id": telegram_id}).first()
    return found is not None and found[0] is not None


def role_of(*, session: Session, telegram_id: int) -> StaffRole | None:
    """The staff role of this Telegram user, or None for everyone else."""
    found = member(session=session, telegram_id=telegram_id)
    return StaffRole(found.role) if found is not None else None


def allowed(member: StaffMember, action: AuditAction) -> bool:
    """May this staff member do this, in Telegram or on the dashboard? Counsellors may do all
    but manage staff and read the audit log."""
    return member.role == StaffRole.ADMIN or action not in ADMINS_ONLY


def add_staff(
    *, session: Session, telegram_id: int, role: StaffRole, added_by: int, now: datetime
) -> StaffMember:
    """Add a staff member, or give one already there the new role."""
    found = member(session=session, telegram_id=telegram_id) or StaffMember(
        telegram_id=telegram_id, role=role, added_by=added_by, added_at=now
    )
    found.role = role
    session.add(found)
    return found


def remove_staff(*, session: Session, telegram_id: int) -> bool:
    """Delete the member's row, and their dashboard links and sessions, so they are signed out
    at once; False when there was none. The audit log keeps the record."""
    found = member(session=session, telegram_id=telegram_id)
    if found is None:
        return False
    session.delete(found)
    for table in (DashboardLink, DashboardSession):
        session.execute(
            sa.delete(table).where(col(table.staff_telegram_id) == telegram_id),
            execution_options={"synchronize_session": False},
        )
    return True


def list_staff(*, session: Session) -> list[StaffMember]:
    """Admins first, then counsellors, each by Telegram id."""
    members = session.exec(select(StaffMember).order_by(col(StaffMember.telegram_id))).all()
    return sorted(members, key=lambda m: m.role != StaffRole.ADMIN)


def audit(
    *,
    session: Session,
    staff_telegram_id: int,
    action: AuditAction,
    participant_id: int | None = None,
    detail: str = "",
    now: datetime,
) -> AuditEntry:
    """Record one thing a staff member did; detail is bookkeeping, never names or clinical words."""
    entry = AuditEntry(
        staff_telegram_id=staff_telegram_id,
        action=action,
        participant_id=participant_id,
        detail=detail[:MAX_DETAIL],
        at=now,
    )
    session.add(entry)
    return entry


def audit_log(
    *, session: Session, limit: int, offset: int = 0
) -> Sequence[tuple[AuditEntry, Participant | None]]:
    """A page of the audit log, newest first, each entry with the participant it concerns."""
    return session.exec(
        select(AuditEntry, Participant)
        .outerjoin(Participant, col(Participant.id) == AuditEntry.participant_id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()


def open_alerts(*, session: Session) -> Sequence[tuple[Alert, Participant]]:
    """Alerts nobody has resolved yet, oldest first, each with its participant."""
    return session.exec(
        select(Alert, Participant)
        .join(Participant, col(Participant.id) == Alert.participant_id)
        .where(col(Alert.status).in_([AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]))
        .order_by(col(Alert.created_at), col(Alert.id))
    ).all()


def acknowledge(*, session: Session, alert_id: int, by: int, now: datetime) -> Alert | None:
    """Take an open alert; None when it is not open (two staff tapping at once: one wins)."""
    return _move(
        session,
        alert_id,
        (AlertStatus.OPEN,),
        status=AlertStatus.ACKNOWLEDGED,
        acknowledged_at=now,
        acknowledged_by=by,
    )


def resolve(*, session: Session, alert_id: int, by: int, note: str, now: datetime) -> Alert | None:
    """Close an alert that is open or acknowledged, with a short note; None when it is not."""
    return _move(
        session,
        alert_id,
        (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
        status=AlertStatus.RESOLVED,
        resolved_at=now,
        resolved_by=by,
        resolution_note=note.strip()[:MAX_NOTE],
    )


def _move(
    session: Session, alert_id: int, allowed: Sequence[AlertStatus], **values: object
) -> Alert | None:
    # One conditional UPDATE, so an alert changes hands once even with several workers.
    moved = session.execute(
        sa.update(Alert)
        .where(col(Alert.id) == alert_id, col(Alert.status).in_(allowed))
        .values(**values)
        .returning(col(Alert.id))
        .execution_options(synchronize_session=False)
    ).first()
    if moved is None:
        return None
    return session.get(Alert, alert_id, populate_existing=True)


def participant_by_label(*, session: Session, label: str) -> Participant | None:
    """The participant staff call `label`, or #<id> for one who consented without a label."""
    label = label.strip()
    found = session.exec(select(Participant).where(Participant.label == label)).first()
    number = label.removeprefix(ID_PREFIX)
    if found is None and label.startswith(ID_PREFIX) and number.isdigit():
        found = session.get(Participant, int(number))
        # Before consent nothing about a person is kept, so there is nothing to look up.
        if found is not None and (found.label is not None or found.consented_at is None):
            return None
    return found


def label_of(participant: Participant) -> str:
    """How staff see a participant: their label, or #<id> before they have one."""
    return participant.label or f"{ID_PREFIX}{participant.id}"
