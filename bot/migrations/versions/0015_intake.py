"""intake before the first day: the invite's stage, checklist ticks

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.models import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "invite",
        sa.Column("stage", sa.String(length=16), nullable=False, server_default="orientation"),
    )
    op.create_table(
        "tick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("checklist", sa.String(length=16), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("ticked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id", "checklist", "item"),
    )
    op.create_index("ix_tick_participant_id", "tick", ["participant_id"])


def downgrade() -> None:
    op.drop_index("ix_tick_participant_id", table_name="tick")
    op.drop_table("tick")
    # Plain ALTER TABLE: batch mode would recreate invite under its foreign keys.
    op.drop_column("invite", "stage")
