"""Engine and sessions: keys, SQLite file safety and pragmas, migrations on start."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.sql import Select
from sqlmodel import Session, SQLModel, col

from bot import crypto
from bot.models import KEY_CHECK, KeyCheck

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITER = "holds_the_writer_lock"  # in a connection's info: this process's write turn is its
REKEY_BATCH = 500
POOL_RECYCLE_SECONDS = 300

SessionFactory = Callable[[], Session]
log = logging.getLogger(__name__)


class CannotOpen(Exception):
    """The database cannot be opened, or its keys do not fit it; the message is one plain line."""


def open_database(url: str, keys: Sequence[str] = (), synchronous: str = "full") -> sa.Engine:
    """The engine, migrated and with its keys checked; every failure is CannotOpen."""
    engine = create_engine(url, keys, synchronous)
    try:
        migrate(engine)
    except crypto.KeyProblem as problem:
        engine.dispose()
        raise CannotOpen(str(problem)) from None
    except sa.exc.DBAPIError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        password = sa.make_url(url).password
        if password:
            reason = reason.replace(str(password), "***")
        raise CannotOpen(f"DATABASE_URL: cannot open the database ({reason})") from None
    return engine


def create_engine(url: str, keys: Sequence[str] = (), synchronous: str = "full") -> sa.Engine:
    """Build the engine with its keys. Without keys, an SQLite file has a key file beside it
    (made on first start); PostgreSQL refuses. SQLite also gets WAL, a busy timeout, one
    writer at a time, and `synchronous` (SQLITE_SYNCHRONOUS)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if not keys:
            raise CannotOpen(
                f"{crypto.ENVIRONMENT} must be set to use PostgreSQL: the data is encrypted "
                f"with it (see README, 'Encryption at rest')"
            )
        # No ping before each use (a round trip per transaction): connections are renewed
        # before servers and firewalls drop idle ones, and a dropped one fails one turn.
        engine = sa.create_engine(url, pool_recycle=POOL_RECYCLE_SECONDS)
        crypto.attach(engine, crypto.Cipher(keys, source=crypto.ENVIRONMENT))
        return engine
    opened = _sqlite_file(parsed)
    if keys:
        cipher = crypto.Cipher(keys, source=crypto.ENVIRONMENT)
    elif opened is None:
        cipher = crypto.Cipher((crypto.new_key(),), source="the in-memory database's key")
    else:
        cipher = _key_file_cipher(*opened)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False})
    crypto.attach(engine, cipher)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.close()

    # One writer at a time within this process, waiting on a lock that wakes the next at once
    # (SQLite's own busy wait sleeps up to 100 ms between tries); other processes still meet
    # SQLite's lock and busy timeout.
    writer = threading.Lock()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        info = connection.info
        if not info.get(WRITER) and writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            info[WRITER] = True
        try:
            # IMMEDIATE takes the write lock up front, so two processes never interleave a
            # read-modify-write of the same participant.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _let_go(info)
            raise

    @sa.event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _let_go(record.info)  # the transaction ended (committed or rolled back) before this

    def _let_go(info: dict[Any, Any]) -> None:
        if info.pop(WRITER, False):
            writer.release()

    return engine


def _sqlite_file(url: sa.URL) -> tuple[Path, bool] | None:
    """The database file, and whether it holds encrypted data; None in memory. A new file is
    made readable by its owner only (SQLite gives its -wal and -shm files the same mode)."""
    if not url.database or url.database == ":memory:" or url.query.get("mode") == "memory":
        return None
    path = Path(url.database)
    if path.is_dir():
        raise CannotOpen(f"DATABASE_URL: {path} is a folder, not a database file")
    if not path.parent.is_dir():
        raise CannotOpen(f"DATABASE_URL: the folder {path.parent} does not exist; create it first")
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return path, _holds_encrypted_data(path)
    except OSError as error:
        raise CannotOpen(f"DATABASE_URL: cannot create {path} ({error.strerror})") from None
    return path, False


def _holds_encrypted_data(path: Path) -> bool:
    """Whether an existing file is a database this version has written to."""
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE name = ?", (KeyCheck.__tablename__,)
            )
            return found.fetchone() is not None
    except sqlite3.DatabaseError:
        raise CannotOpen(f"DATABASE_URL: {path} is not an SQLite database") from None


def _key_file_cipher(path: Path, encrypted: bool) -> crypto.Cipher:
    """The keys in the file beside the database; made, and announced once, for a database
    that holds nothing encrypted yet."""
    key_file = crypto.key_file_of(path)
    try:
        if key_file.exists():
            return crypto.Cipher(crypto.read_key_file(key_file), source=f"key file {key_file}")
        if encrypted:
            raise CannotOpen(
                f"{path} is encrypted but its key file {key_file} is missing: restore the key "
                f"file from your backup, or set {crypto.ENVIRONMENT} to its keys"
            )
        keys = crypto.create_key_file(key_file)
    except crypto.KeyProblem as problem:
        raise CannotOpen(str(problem)) from None
    except OSError as error:
        raise CannotOpen(f"key file {key_file}: {error.strerror}") from None
    log.warning(
        "made the encryption key file %s: back it up now, apart from the database backups; "
        "without it the database cannot be read",
        key_file,
    )
    return crypto.Cipher(keys, source=f"key file {key_file}")


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
    """Create or upgrade every table to the newest migration, then check that the keys open
    the stored data (crypto.KeyProblem when they do not)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        _check_keys(connection)


def _check_keys(connection: sa.Connection) -> None:
    cipher = crypto.cipher_of(connection.dialect)
    token = connection.execute(sa.select(sa.type_coerce(col(KeyCheck.value), sa.Text))).scalar()
    if token is None:
        connection.execute(sa.insert(KeyCheck).values(value=KEY_CHECK))
        return
    try:
        cipher.decrypt(token)
    except crypto.KeyProblem:
        raise crypto.KeyProblem(
            f"{cipher.source} does not open this database: it was written with another key; "
            f"restore the key it was written with (see README, 'Encryption at rest')"
        ) from None


def rekey(engine: sa.Engine, *, batch: int = REKEY_BATCH) -> dict[str, int]:
    """Encrypt every stored value again with the first key, `batch` rows a transaction;
    how many values each column held. Old keys can be dropped afterwards."""
    counts: dict[str, int] = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, crypto.EncryptedText):
                counts[f"{table.name}.{column.name}"] = _rekey_column(engine, column, batch)
    return counts


def _rekey_column(engine: sa.Engine, column: sa.Column[Any], batch: int) -> int:
    cipher = crypto.cipher_of(engine.dialect)
    table, raw = column.table, sa.type_coerce(column, sa.Text)
    # A value someone changed meanwhile is already under the first key: the WHERE skips it.
    update = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row"), raw == sa.bindparam("old", type_=sa.Text))
        .values({column.name: sa.bindparam("new", type_=sa.Text)})
    )
    done, last = 0, 0
    while True:
        with engine.begin() as connection:
            rows = connection.execute(
                sa.select(table.c.id, raw)
                .where(table.c.id > last, column.is_not(None))
                .order_by(table.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            changes = []
            for row_id, token in rows:
                try:
                    changes.append({"row": row_id, "old": token, "new": cipher.rotate(token)})
                except crypto.KeyProblem:
                    raise CannotOpen(
                        f"{cipher.source}: no key opens {table.name}.{column.name} of row "
                        f"{row_id}; add the key it was written with, then run rekey again"
                    ) from None
            connection.execute(update, changes)
        done, last = done + len(rows), rows[-1][0]


def session_factory(engine: sa.Engine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return lambda: Session(engine, expire_on_commit=False)
