"""each update answered once in any order: the update ids a participant's turns answered

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("participant", sa.Column("recent_updates", sa.String(length=256), nullable=True))
    # The last id answered is the first remembered.
    op.execute(
        "UPDATE participant SET recent_updates = CAST(last_update_id AS VARCHAR(20)) "
        "WHERE last_update_id IS NOT NULL"
    )


def downgrade() -> None:
    # Plain ALTER TABLE: batch mode would recreate participant under its foreign keys.
    op.drop_column("participant", "recent_updates")
