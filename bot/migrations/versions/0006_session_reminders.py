"""session reminders

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_lead_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("session_reminder_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reflection_at", UTCDateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_participant_reflection_at"), ["reflection_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_participant_session_reminder_at"), ["session_reminder_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_session_reminder_at"))
        batch_op.drop_index(batch_op.f("ix_participant_reflection_at"))
        batch_op.drop_column("reflection_at")
        batch_op.drop_column("session_reminder_at")
        batch_op.drop_column("session_lead_minutes")
