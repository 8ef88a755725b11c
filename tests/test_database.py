"""Times stay aware UTC through SQLite and PostgreSQL; migrations create every table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from bot.config import Settings
from bot.db import MIGRATIONS, create_engine, migrate
from bot.models import ConsentRecord, Participant, ScheduledMessage
from tests.conftest import POSTGRES_URL, TEST_KEYS

needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set IOP_TEST_POSTGRES_URL (as .ci/run does) to test on PostgreSQL"
)


def _round_trip(url: str, keys: tuple[str, ...] = ()) -> None:
    engine = create_engine(url, keys)
    migrate(engine)
    migrate(engine)  # a second start finds nothing to do
    tables = set(sa.inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    eastern = timezone(timedelta(hours=-5))
    with Session(engine) as session:
        person = Participant(
            telegram_id=2**40, created_at=datetime(2026, 3, 8, 1, 30, tzinfo=eastern)
        )
        session.add(person)
        session.commit()
    with Session(engine) as session:
        stored = session.exec(select(Participant)).one()
        assert stored.created_at == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
        assert stored.created_at.tzinfo == UTC
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            session.add(
                ConsentRecord(
                    participant_id=stored.id or 0,
                    agreed=True,
                    content_version="1",
                    recorded_at=datetime(2026, 1, 1),
                )
            )
            session.commit()
    engine.dispose()


def test_sqlite_round_trip(settings: Settings) -> None:
    _round_trip(settings.database_url)
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # full
    faster = create_engine(settings.database_url, synchronous="normal")  # SQLITE_SYNCHRONOUS
    with faster.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
    engine.dispose()
    faster.dispose()


@needs_postgres
def test_postgres_round_trip(postgres_url: str) -> None:
    _round_trip(postgres_url, TEST_KEYS)


def test_migrations_match_the_models(settings: Settings) -> None:
    """Autogenerate finds nothing to add: the migrations create exactly what models.py says."""
    engine = create_engine(settings.database_url)
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def at_revision(settings: Settings, revision: str) -> sa.Engine:
    """The test database migrated only as far as `revision`, as an older version left it."""
    engine = create_engine(settings.database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine


def test_moments_in_old_columns_become_scheduled_messages(settings: Settings) -> None:
    """Migration 0007 keeps every pending reminder of a database from before it."""
    engine = at_revision(settings, "0006")
    due = datetime(2026, 12, 2, 14, 0)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO participant (id, telegram_id, created_at, remind_at, daily_at, "
            "graduated_on) VALUES (1, 10, ?, ?, ?, '2026-11-30')",
            (due, due, due + timedelta(hours=1)),
        )
        connection.exec_driver_sql(
            "INSERT INTO checkin (id, participant_id, day, questionnaire, due_at, status, note, "
            "content_version, sent_at) VALUES (7, 1, 1, 'short', ?, 'sent', '', '', ?)",
            (due, due),
        )
    migrate(engine)
    with Session(engine) as session:
        rows = sorted(
            (job.kind, job.due_at, job.payload, job.status)
            for job in session.exec(select(ScheduledMessage)).all()
        )
    engine.dispose()
    at = due.replace(tzinfo=UTC)
    assert [(kind, when, payload) for kind, when, payload, _ in rows if kind != "graduation"] == [
        ("checkin_reminder", at + timedelta(hours=24), "7"),
        ("daily", at + timedelta(hours=1), ""),
        ("remind", at, ""),
    ]
    assert [kind for kind, *_ in rows].count("graduation") == 1  # not congratulated yet
    assert {status for *_, status in rows} == {"scheduled"}


def test_the_last_update_answered_is_remembered_as_answered(settings: Settings) -> None:
    """Migration 0016 starts each participant's remembered updates with the last one answered."""
    engine = at_revision(settings, "0015")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO participant (id, telegram_id, created_at, last_update_id) "
            "VALUES (1, 10, ?, 77), (2, 11, ?, NULL)",
            (datetime(2026, 12, 1), datetime(2026, 12, 1)),
        )
    migrate(engine)
    with Session(engine) as session:
        stored = {p.telegram_id: p.recent_updates for p in session.exec(select(Participant))}
    engine.dispose()
    assert stored == {10: "77", 11: None}
