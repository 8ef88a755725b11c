"""Databases full of graduates: rows written in bulk (executemany on SQLite, COPY on
PostgreSQL), so that setting up 100,000 participants does not take longer than the benchmark."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.config import database_url
from bot.db import open_database

# A weekday at noon in New York: nobody's quiet hours.
NOON = datetime(2026, 6, 17, 16, 0, tzinfo=UTC)
FIRST_TELEGRAM_ID = 50_000_000
PARTICIPANT_COLUMNS = (
    "id", "telegram_id", "language", "created_at", "consented_at", "oriented_at",
    "graduated_on", "unsent", "last_update_id",
)  # fmt: skip
CHECKIN_COLUMNS = ("participant_id", "day", "questionnaire", "due_at", "status", "note",
                   "content_version", "sent_at")  # fmt: skip
# One key for every process of a run; the data are made up.
KEYS = (base64.urlsafe_b64encode(b"benchmark data, made up, no secret").decode()[:43] + "=",)


@dataclass(frozen=True)
class Target:
    """Where a benchmark's database lives: an SQLite file, or a PostgreSQL database."""

    name: str  # sqlite or postgresql
    url: str

    def engine(self, synchronous: str = "full") -> sa.Engine:
        return open_database(self.url, KEYS, synchronous)


@contextmanager
def database(kind: str, folder: Path, server: str | None) -> Iterator[Target]:
    """A new, empty database of this kind, removed afterwards. On PostgreSQL it is a
    database of its own (iop_bench_...), so nothing of anyone else's is touched."""
    if kind == "sqlite":
        path = folder / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
        yield Target(kind, f"sqlite:///{path}")
        for leftover in folder.glob(f"{path.name}*"):
            leftover.unlink()
        return
    assert server is not None, "PostgreSQL needs IOP_TEST_POSTGRES_URL"
    admin = sa.create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    name = f"iop_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(database_url(server)).set(database=name)
    try:
        yield Target(kind, url.render_as_string(hide_password=False))
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def fill(
    engine: sa.Engine,
    *,
    participants: int,
    schedule: Sequence[tuple[int, str]],
    due: int,
    graduated_at: datetime = NOON,
) -> None:
    """`participants` graduates with a check-in row per (day, questionnaire) of `schedule`
    (a year of them); the first check-in of the first `due` participants is due now, and
    everything else lies ahead."""
    day_one = graduated_at - timedelta(days=1)
    people = (
        (i + 1, FIRST_TELEGRAM_ID + i, "en", day_one, day_one, day_one, day_one.date(), False, 0)
        for i in range(participants)
    )
    rows = (
        (i + 1, day, questionnaire,
         graduated_at - timedelta(minutes=1) if i < due and n == 0 else
         day_one + timedelta(days=day + (0 if i < due else 1)),
         "scheduled", "", "", None)
        for i in range(participants)
        for n, (day, questionnaire) in enumerate(schedule)
    )  # fmt: skip
    _write(engine, "participant", PARTICIPANT_COLUMNS, people)
    _write(engine, "checkin", CHECKIN_COLUMNS, rows)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval('participant_id_seq', (SELECT max(id) FROM participant))"
            )
        connection.commit()


def _write(engine: sa.Engine, table: str, columns: Sequence[str], rows: Any) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        names = ", ".join(columns)
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.execute("BEGIN")
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            cursor.executemany(insert, (_sqlite(r) for r in rows))  # type: ignore[arg-type]
        raw.commit()
    finally:
        raw.close()


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Times as SQLAlchemy stores them on SQLite: UTC, without the zone."""
    return tuple(
        v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v
        for v in row
    )
