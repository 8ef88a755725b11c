"""check-ins and plans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("reminded_at", UTCDateTime(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("content_version", sa.String(length=64), nullable=False),
        sa.Column("score_use", sa.Integer(), nullable=True),
        sa.Column("score_risk", sa.Integer(), nullable=True),
        sa.Column("score_protective", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id", "day"),
    )
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.create_index("ix_checkin_status_due_at", ["status", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_checkin_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "planitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=256), nullable=False),
        sa.Column("content_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("planitem", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_planitem_participant_id"), ["participant_id"], unique=False
        )

    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_answer_checkin_id"), ["checkin_id"], unique=False)
        batch_op.create_foreign_key("fk_answer_checkin_id", "checkin", ["checkin_id"], ["id"])

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("graduated_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("graduation_sent_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("checkins_paused_until", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("checkins_stopped_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("checkins_stopped_at")
        batch_op.drop_column("checkins_paused_until")
        batch_op.drop_column("graduation_sent_at")
        batch_op.drop_column("graduated_on")

    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_constraint("fk_answer_checkin_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_answer_checkin_id"))
        batch_op.drop_column("checkin_id")

    with op.batch_alter_table("planitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planitem_participant_id"))

    op.drop_table("planitem")
    with op.batch_alter_table("checkin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkin_participant_id"))
        batch_op.drop_index("ix_checkin_status_due_at")

    op.drop_table("checkin")
