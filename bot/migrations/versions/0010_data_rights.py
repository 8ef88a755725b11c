"""data rights: erased participants, invites that expire

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from bot.models import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Invites made before expiry existed get the default life of a new one.
OLD_INVITES_LAST = timedelta(days=14)


def upgrade() -> None:
    op.add_column("participant", sa.Column("erased_at", UTCDateTime(), nullable=True))
    op.add_column("invite", sa.Column("expires_at", UTCDateTime(), nullable=True))
    invite = sa.table(
        "invite",
        sa.column("id", sa.Integer()),
        sa.column("created_at", UTCDateTime()),
        sa.column("expires_at", UTCDateTime()),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(invite.c.id, invite.c.created_at)).all():
        connection.execute(
            sa.update(invite)
            .where(invite.c.id == row.id)
            .values(expires_at=row.created_at + OLD_INVITES_LAST)
        )


def downgrade() -> None:
    # Plain ALTER TABLE: batch mode would recreate participant under its foreign keys.
    op.drop_column("invite", "expires_at")
    op.drop_column("participant", "erased_at")
