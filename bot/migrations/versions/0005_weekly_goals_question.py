"""weekly goals question

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("goals_nudge_at", UTCDateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_participant_goals_nudge_at"), ["goals_nudge_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_goals_nudge_at"))
        batch_op.drop_column("goals_nudge_at")
