"""free text encrypted at rest: wider columns, old plaintext encrypted, a key check

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot import crypto
from bot.models import KEY_CHECK

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each column, its old limit, and whether it may be empty. Fernet tokens are longer than the
# text they hold, so each becomes TEXT; the limit is now checked on the plaintext.
ENCRYPTED = (
    ("participant", "preferred_name", 64, True),
    ("answer", "value", 256, False),
    ("planitem", "text", 256, False),
    ("alert", "resolution_note", 200, True),
)


def upgrade() -> None:
    bind = op.get_bind()
    cipher = crypto.cipher_of(bind.dialect)
    for table, column, length, nullable in ENCRYPTED:
        if bind.dialect.name == "sqlite" and table == "participant":
            _widen_in_place(table, column)
        else:
            with op.batch_alter_table(table) as batch_op:
                batch_op.alter_column(
                    column, type_=sa.Text(), existing_type=sa.String(length),
                    existing_nullable=nullable,
                )  # fmt: skip
        _encrypt_rows(cipher, table, column)
    op.create_table(
        "keycheck",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    bind.execute(
        sa.table("keycheck", sa.column("value", sa.Text())).insert(),
        {"value": cipher.encrypt(KEY_CHECK)},
    )


def _widen_in_place(table: str, column: str) -> None:
    """SQLite: a new TEXT column in place of the old one. Batch mode would recreate the
    table, which other tables' foreign keys refer to."""
    op.add_column(table, sa.Column(f"{column}_text", sa.Text(), nullable=True))
    op.execute(f"UPDATE {table} SET {column}_text = {column}")
    op.drop_column(table, column)
    op.alter_column(table, f"{column}_text", new_column_name=column)


def _encrypt_rows(cipher: crypto.Cipher, table: str, column: str) -> None:
    """Every plaintext value an older version stored, encrypted with the first key."""
    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Integer()), sa.column(column, sa.Text()))
    stored = bind.execute(sa.select(rows.c.id, rows.c[column]).where(rows.c[column].is_not(None)))
    changes = [{"row": row_id, "new": cipher.encrypt(text)} for row_id, text in stored]
    if changes:
        bind.execute(
            rows.update()
            .where(rows.c.id == sa.bindparam("row"))
            .values({column: sa.bindparam("new")}),
            changes,
        )


def downgrade() -> None:
    bind = op.get_bind()
    cipher = crypto.cipher_of(bind.dialect)
    op.drop_table("keycheck")
    for table, column, length, nullable in ENCRYPTED:
        rows = sa.table(table, sa.column("id", sa.Integer()), sa.column(column, sa.Text()))
        stored = bind.execute(
            sa.select(rows.c.id, rows.c[column]).where(rows.c[column].is_not(None))
        ).all()
        for row_id, token in stored:
            bind.execute(
                rows.update().where(rows.c.id == row_id).values({column: cipher.decrypt(token)})
            )
        if bind.dialect.name != "sqlite" or table != "participant":
            with op.batch_alter_table(table) as batch_op:
                batch_op.alter_column(
                    column, type_=sa.String(length), existing_type=sa.Text(),
                    existing_nullable=nullable,
                )  # fmt: skip
