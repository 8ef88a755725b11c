"""one table of scheduled messages instead of a column per kind

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from bot.models import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The participant column each kind lived in before.
MOVED = {
    "remind_at": "remind",
    "daily_at": "daily",
    "goals_nudge_at": "goals",
    "session_reminder_at": "session_reminder",
    "reflection_at": "reflection",
}
INDEXED = ("remind_at", "daily_at", "goals_nudge_at", "session_reminder_at", "reflection_at")
REMIND_AFTER = timedelta(hours=24)  # followup.yaml's remind_after_hours when this was written

participant = sa.table(
    "participant",
    sa.column("id", sa.Integer()),
    sa.column("graduated_on", sa.Date()),
    sa.column("graduation_sent_at", UTCDateTime()),
    *(sa.column(name, UTCDateTime()) for name in MOVED),
)
checkin = sa.table(
    "checkin",
    sa.column("id", sa.Integer()),
    sa.column("participant_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("sent_at", UTCDateTime()),
    sa.column("reminded_at", UTCDateTime()),
)
scheduled = sa.table(
    "scheduled_message",
    sa.column("kind", sa.String()),
    sa.column("participant_id", sa.Integer()),
    sa.column("due_at", UTCDateTime()),
    sa.column("status", sa.String()),
    sa.column("attempts", sa.Integer()),
    sa.column("payload", sa.String()),
    sa.column("error", sa.String()),
    sa.column("created_at", UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "scheduled_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("payload", sa.String(length=64), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scheduled_message_status_due_at", "scheduled_message", ["status", "due_at"])
    op.create_index(
        "ix_scheduled_message_participant_kind",
        "scheduled_message",
        ["participant_id", "kind", "status"],
    )
    _move_rows()
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later): batch mode would recreate
    # participant, which other tables' foreign keys refer to.
    for column in INDEXED:
        op.drop_index(f"ix_participant_{column}", table_name="participant")
    for column in (*MOVED, "graduation_sent_at"):
        op.drop_column("participant", column)
    op.add_column("checkin", sa.Column("claimed_by", sa.String(length=64), nullable=True))
    op.drop_column("checkin", "reminded_at")


def _move_rows() -> None:
    """Every moment a column held becomes a scheduled row of its kind."""
    bind = op.get_bind()
    rows = []
    for person in bind.execute(sa.select(participant)).mappings():
        for column, kind in MOVED.items():
            if person[column] is not None:
                rows.append(_row(kind, person["id"], person[column]))
        if person["graduated_on"] is not None and person["graduation_sent_at"] is None:
            rows.append(_row("graduation", person["id"], None))
    waiting = sa.select(checkin).where(checkin.c.status == "sent", checkin.c.reminded_at.is_(None))
    for row in bind.execute(waiting).mappings():
        reminder = _row("checkin_reminder", row["participant_id"], row["sent_at"] + REMIND_AFTER)
        rows.append({**reminder, "payload": str(row["id"])})
    if rows:
        bind.execute(sa.insert(scheduled), rows)


def _row(kind: str, participant_id: int, due: datetime | None) -> dict[str, object]:
    now = datetime.now(UTC) if due is None else due
    return {
        "kind": kind, "participant_id": participant_id, "due_at": now, "status": "scheduled",
        "attempts": 0, "payload": "", "error": "", "created_at": now,
    }  # fmt: skip


def downgrade() -> None:
    op.add_column("checkin", sa.Column("reminded_at", UTCDateTime(), nullable=True))
    op.drop_column("checkin", "claimed_by")
    op.add_column("participant", sa.Column("graduation_sent_at", UTCDateTime(), nullable=True))
    for column in MOVED:
        op.add_column("participant", sa.Column(column, UTCDateTime(), nullable=True))
    for column in INDEXED:
        op.create_index(f"ix_participant_{column}", "participant", [column], unique=False)
    op.drop_index("ix_scheduled_message_participant_kind", table_name="scheduled_message")
    op.drop_index("ix_scheduled_message_status_due_at", table_name="scheduled_message")
    op.drop_table("scheduled_message")
