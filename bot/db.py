"""Engine and sessions: SQLite pragmas, migrations on start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.sql import Select
from sqlmodel import Session

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000

SessionFactory = Callable[[], Session]


def create_engine(url: str) -> sa.Engine:
    """Build the engine; SQLite gets WAL, a busy timeout and one writer at a time."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front, so two processes never interleave a
        # read-modify-write of the same participant.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def claim_oldest(
    session: Session,
    table: type[Any],
    due: Select[Any],
    *,
    limit: int,
    values: dict[str, Any],
) -> list[int]:
    """Give this worker alone up to `limit` due rows of `table`, oldest first; `due` selects
    their ids joined with whatever decides they are due.

    PostgreSQL skips rows another worker has locked (FOR UPDATE SKIP LOCKED); SQLite runs the
    single UPDATE ... RETURNING under its write lock. Either way each row is claimed once.
    """
    locked = due.order_by(table.due_at).limit(limit).with_for_update(skip_locked=True, of=table)
    claimed = session.execute(
        sa.update(table)
        .where(table.id.in_(locked.scalar_subquery()))
        .values(values)
        .returning(table.id),
        execution_options={"synchronize_session": False},
    ).all()
    return sorted(row[0] for row in claimed)


def migrate(engine: sa.Engine) -> None:
    """Create or upgrade every table to the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: sa.Engine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return lambda: Session(engine, expire_on_commit=False)
