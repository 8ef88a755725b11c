"""Staff members, the audit log, taking and resolving alerts, finding a participant by label."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.models import Alert, AlertStatus, AuditAction, AuditEntry, StaffMember, StaffRole
from bot.staff import store
from tests.staff_history import START, engine, person

__all__ = ["engine"]  # the fixture

ADMIN, COUNSELLOR, NEWCOMER = 111, 222, 333


def test_bootstrap_admins_is_idempotent_and_promotes(engine: sa.Engine) -> None:
    with Session(engine) as session:
        store.add_staff(
            session=session, telegram_id=COUNSELLOR, role=StaffRole.COUNSELLOR,
            added_by=ADMIN, now=START,
        )  # fmt: skip
        session.commit()
    for _ in range(2):  # every start of every worker does this
        with Session(engine) as session:
            made = store.bootstrap_admins(session=session, telegram_ids=[ADMIN, COUNSELLOR])
            session.commit()
            assert {(m.telegram_id, m.role) for m in made} == {
                (ADMIN, "admin"),
                (COUNSELLOR, "admin"),
            }
    with Session(engine) as session:
        rows = {m.telegram_id: m for m in session.exec(select(StaffMember)).all()}
        assert set(rows) == {ADMIN, COUNSELLOR}
        assert rows[ADMIN].added_by is None
        assert rows[COUNSELLOR].added_by == ADMIN  # promoted, still the same row
        assert store.role_of(session=session, telegram_id=ADMIN) is StaffRole.ADMIN
        assert store.role_of(session=session, telegram_id=NEWCOMER) is None
        assert store.bootstrap_admins(session=session, telegram_ids=[]) == []


def test_add_change_remove_and_list_staff(engine: sa.Engine) -> None:
    with Session(engine) as session:
        store.bootstrap_admins(session=session, telegram_ids=[ADMIN])
        for telegram_id in (NEWCOMER, COUNSELLOR):
            store.add_staff(
                session=session, telegram_id=telegram_id, role=StaffRole.COUNSELLOR,
                added_by=ADMIN, now=START,
            )  # fmt: skip
        session.commit()
        listed = store.list_staff(session=session)
        assert [(m.telegram_id, m.role) for m in listed] == [
            (ADMIN, "admin"), (COUNSELLOR, "counsellor"), (NEWCOMER, "counsellor"),
        ]  # fmt: skip
        again = store.add_staff(
            session=session, telegram_id=NEWCOMER, role=StaffRole.ADMIN,
            added_by=COUNSELLOR, now=START + timedelta(days=1),
        )  # fmt: skip
        session.commit()
        assert (again.role, again.added_by, again.added_at) == ("admin", ADMIN, START)
        assert store.remove_staff(session=session, telegram_id=COUNSELLOR) is True
        assert store.remove_staff(session=session, telegram_id=COUNSELLOR) is False
        session.commit()
    with Session(engine) as session:
        kept = session.exec(select(StaffMember.telegram_id, StaffMember.role)).all()
        assert sorted(kept) == [(ADMIN, "admin"), (NEWCOMER, "admin")]


def test_audit_log_is_newest_first_with_its_participant(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ana = person(session, "chart-1")
        store.audit(
            session=session, staff_telegram_id=ADMIN, action=AuditAction.LIST_PARTICIPANTS,
            detail="page 1", now=START,
        )  # fmt: skip
        store.audit(
            session=session, staff_telegram_id=COUNSELLOR, action=AuditAction.VIEW_PARTICIPANT,
            participant_id=ana.id, now=START + timedelta(minutes=1),
        )  # fmt: skip
        store.audit(
            session=session, staff_telegram_id=ADMIN, action=AuditAction.EXPORT,
            detail="since 2026-01-01 " + "x" * 200, now=START + timedelta(minutes=2),
        )  # fmt: skip
        session.commit()
    with Session(engine) as session:
        newest = store.audit_log(session=session, limit=2)
        assert [(e.action, p.label if p else None) for e, p in newest] == [
            ("export", None), ("view_participant", "chart-1"),
        ]  # fmt: skip
        assert len(newest[0][0].detail) == 128
        [(oldest, nobody)] = store.audit_log(session=session, limit=2, offset=2)
        assert (oldest.staff_telegram_id, oldest.detail, nobody) == (ADMIN, "page 1", None)
        assert len(session.exec(select(AuditEntry)).all()) == 3


def test_alerts_are_taken_once_and_resolved_with_a_note(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ana, ben = person(session, "chart-1"), person(session, "chart-2")
        late = Alert(
            participant_id=ben.id or 0, kind="help_request", created_at=START + timedelta(1)
        )
        early = Alert(participant_id=ana.id or 0, kind="crisis_language", created_at=START)
        done = Alert(
            participant_id=ana.id or 0, kind="use_reported", created_at=START,
            status=AlertStatus.RESOLVED,
        )  # fmt: skip
        session.add_all([late, early, done])
        session.commit()
        early_id, late_id, done_id = early.id or 0, late.id or 0, done.id or 0
    with Session(engine) as session:
        waiting = store.open_alerts(session=session)
        assert [(a.kind, p.label) for a, p in waiting] == [
            ("crisis_language", "chart-1"), ("help_request", "chart-2"),
        ]  # fmt: skip
    taken_at = START + timedelta(hours=2)
    with Session(engine) as first, Session(engine) as second:
        took = store.acknowledge(session=first, alert_id=early_id, by=ADMIN, now=taken_at)
        assert took is not None and took.status == "acknowledged"
        first.commit()
        # A second member tapping the same button gets nothing: the alert is already taken.
        assert (
            store.acknowledge(session=second, alert_id=early_id, by=COUNSELLOR, now=taken_at)
            is None
        )
        assert (
            store.acknowledge(session=second, alert_id=done_id, by=COUNSELLOR, now=taken_at) is None
        )
        assert store.acknowledge(session=second, alert_id=999, by=COUNSELLOR, now=taken_at) is None
    note = "  Called back; booked an extra session. " + "z" * 300
    with Session(engine) as session:
        closed = store.resolve(
            session=session, alert_id=early_id, by=COUNSELLOR, note=note, now=taken_at
        )
        assert closed is not None
        straight = store.resolve(
            session=session, alert_id=late_id, by=ADMIN, note="ok", now=taken_at
        )
        assert straight is not None and straight.acknowledged_at is None
        assert (
            store.resolve(session=session, alert_id=done_id, by=ADMIN, note="x", now=taken_at)
            is None
        )
        session.commit()
    with Session(engine) as session:
        stored = session.get(Alert, early_id)
        assert stored is not None
        assert (stored.status, stored.acknowledged_by, stored.resolved_by) == (
            "resolved", ADMIN, COUNSELLOR,
        )  # fmt: skip
        assert stored.acknowledged_at == taken_at and stored.resolved_at == taken_at
        assert stored.resolution_note is not None and len(stored.resolution_note) == 200
        assert stored.resolution_note.startswith("Called back; booked")
        assert store.open_alerts(session=session) == []


def test_participant_by_label_or_number(engine: sa.Engine) -> None:
    with Session(engine) as session:
        ana = person(session, "chart-1")
        unlabelled = person(session, None)
        undecided = person(session, None, consented_at=None, oriented_at=None)
        session.commit()
        find = store.participant_by_label
        assert find(session=session, label=" chart-1 ") == ana
        assert find(session=session, label=f"#{unlabelled.id}") == unlabelled
        assert store.label_of(unlabelled) == f"#{unlabelled.id}"
        # Nothing may be kept or shown about someone who has not agreed yet, and a labelled
        # participant is found by the label only.
        assert find(session=session, label=f"#{undecided.id}") is None
        assert find(session=session, label=f"#{ana.id}") is None
        assert find(session=session, label="chart-404") is None
