"""The real application on a real SQLite file, with a fake Telegram at the HTTP edge."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select
from telegram.ext import CallbackContext

from bot.config import Settings, database_url
from bot.content.loader import Content, load_content
from bot.content.schema import Texts
from bot.crypto import new_key
from bot.db import create_engine, migrate, session_factory
from bot.engine.companion import Companion, build_companion
from bot.features import build_registry
from bot.models import CheckIn, Participant, ScheduledMessage
from bot.telegram.afterwards import Afterwards
from bot.telegram.app import App, build_application
from bot.telegram.heartbeat import Heartbeat
from tests.fake_telegram import TOKEN, Clock, FakeTelegram, Person

M = TypeVar("M", bound=SQLModel)


@dataclass
class RunningBot:
    """One process of the bot: its application, the fake Telegram it talks to, its database."""

    app: App
    telegram: FakeTelegram
    engine: sa.Engine
    clock: Clock
    companion: Companion
    heartbeat: Heartbeat  # when this process's sweep last finished
    afterwards: Afterwards  # what follows each turn's answer: awaited after every update

    def person(self, user_id: int = 4242, language_code: str = "en") -> Person:
        return Person(self.app, self.telegram, user_id, language_code, afterwards=self.afterwards)

    def texts(self, language: str = "en") -> Texts:
        """The participant texts of a language, as the content files say them."""
        return self.companion.content.language(language).messages.texts

    def in_staff_group(self, user_id: int) -> Person:
        """Someone writing in the clinic's staff group."""
        return Person(
            self.app, self.telegram, user_id, chat_id=STAFF_CHAT, afterwards=self.afterwards
        )

    def participant(self, user_id: int = 4242) -> Participant:
        with Session(self.engine) as session:
            return session.exec(select(Participant).where(Participant.telegram_id == user_id)).one()

    def due(self, kind: str, user_id: int = 4242) -> datetime | None:
        """When the participant's next scheduled message of this kind is due, if one waits."""
        person = self.participant(user_id)
        waiting = [
            job.due_at
            for job in self.rows(ScheduledMessage)
            if job.participant_id == person.id and job.kind == kind and job.status == "scheduled"
        ]
        return min(waiting) if waiting else None

    def rows(self, model: type[M]) -> list[M]:
        with Session(self.engine) as session:
            return list(session.exec(select(model)).all())

    async def tick(self) -> None:
        """Let the scheduler's clock fire once: run every repeating job now, errors raised."""
        assert self.app.job_queue is not None
        for job in self.app.job_queue.jobs():
            await job.callback(CallbackContext.from_job(job, self.app))

    async def run_until(self, end: datetime) -> None:
        """Move the clock from event to event up to `end`, ticking at each, as the 60-second
        clock would; the database says when the next thing is due."""
        while (moment := self.next_event()) is not None and moment <= end:
            self.clock.now = max(moment, self.clock.now)
            await self.tick()
        self.clock.now = max(end, self.clock.now)
        await self.tick()

    def next_event(self) -> datetime | None:
        follow_up = self.companion.content.follow_up
        window = timedelta(hours=follow_up.answer_within_hours)
        moments: list[datetime] = []
        for row in self.rows(CheckIn):
            if row.status == "scheduled":
                moments.append(row.due_at)
            elif row.status == "sent" and row.sent_at is not None:
                moments.append(row.sent_at + window + timedelta(seconds=1))
        moments += [job.due_at for job in self.rows(ScheduledMessage) if job.status == "scheduled"]
        later = [m for m in moments if m > self.clock.now]
        return min(later) if later else None


pytest_plugins = ["tests.fake_bot_api"]  # the bot_api fixture

POSTGRES_URL = os.environ.get("IOP_TEST_POSTGRES_URL")
# PostgreSQL needs ENCRYPTION_KEYS; SQLite tests let the database make its own key file.
TEST_KEYS = (new_key(),)
STAFF_CHAT = -100500  # the clinic's staff group in every test
ADMIN = 900  # a bootstrap admin (STAFF_TELEGRAM_IDS)

BotFactory = Callable[[], Awaitable[RunningBot]]
# Content, by its folder and the size and time of each of its files: loaded once per session.
_CONTENT: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Content] = {}


def content_of(folder: Path) -> Content:
    """The content of this folder, loaded once for every test that starts a bot on it; a test
    that edits a copy on disk gets its edit (the files' sizes and times are in the key)."""
    files = tuple(
        (str(path), found.st_mtime_ns, found.st_size)
        for path in sorted(folder.rglob("*.yaml"))
        for found in [path.stat()]
    )
    key = (folder, files)
    if key not in _CONTENT:
        _CONTENT[key] = load_content(folder, build_registry().needs())
    return _CONTENT[key]


@contextmanager
def write_locked(settings: Settings) -> Iterator[sqlite3.Connection]:
    """Another process holds the SQLite database's write lock until the block ends; the
    connection can still read."""
    lock = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        yield lock
    finally:
        lock.execute("COMMIT")
        lock.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "TELEGRAM_RATE_LIMIT": "0",
            "STAFF_CHAT_ID": str(STAFF_CHAT),
            "STAFF_TELEGRAM_IDS": str(ADMIN),
        }
    )


@pytest.fixture
async def start_bot(settings: Settings) -> AsyncIterator[BotFactory]:
    """Start a bot process on the test database; call again to simulate a restart."""
    running: list[RunningBot] = []
    clock = Clock()

    async def start() -> RunningBot:
        engine = create_engine(settings.database_url, settings.encryption_keys)
        migrate(engine)
        companion = build_companion(
            settings, session_factory(engine), clock=clock, content=content_of(settings.content_dir)
        )
        telegram = FakeTelegram()
        heartbeat, afterwards = Heartbeat(), Afterwards()
        app = build_application(
            settings, companion, request=telegram, token=TOKEN, heartbeat=heartbeat,
            afterwards=afterwards,
        )  # fmt: skip
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)  # as run_polling does once it has initialised
        bot = RunningBot(app, telegram, engine, clock, companion, heartbeat, afterwards)
        running.append(bot)
        return bot

    yield start
    for bot in running:
        await bot.app.shutdown()
        bot.engine.dispose()


@pytest.fixture
async def bot(start_bot: BotFactory) -> RunningBot:
    return await start_bot()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the test server, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("set IOP_TEST_POSTGRES_URL (as .ci/run does) to test on PostgreSQL")
    admin = sa.create_engine(database_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = f"iop_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(database_url(POSTGRES_URL)).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.dispose()
