"""a tidy chat: messages with live buttons, answers not yet confirmed sent

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("participant", sa.Column("keyboards", sa.String(length=256), nullable=True))
    op.add_column(
        "participant",
        sa.Column("unsent", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # Plain ALTER TABLE: batch mode would recreate participant under its foreign keys.
    op.drop_column("participant", "unsent")
    op.drop_column("participant", "keyboards")
