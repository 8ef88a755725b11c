"""Two workers (`run` and `sweep`) on one PostgreSQL database: 10,000 check-ins, each sent once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from bot.db import create_engine, migrate
from bot.models import CheckIn, Participant
from tests.conftest import POSTGRES_URL, TEST_KEYS
from tests.fake_bot_api import BotApi
from tests.fake_telegram import TOKEN

ROOT = Path(__file__).resolve().parent.parent
COUNT = 10_000
FIRST_ID = 10_000_000

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="set IOP_TEST_POSTGRES_URL (as .ci/run does) to test on PostgreSQL"
)


def _seed(url: str) -> None:
    """10,000 graduates whose day-1 check-in is due now, at noon where they live."""
    engine = create_engine(url, TEST_KEYS)
    migrate(engine)
    now = datetime.now(UTC)
    shift = 12 - now.hour  # hours east of UTC where it is about noon now
    zone = f"Etc/GMT{-shift:+d}" if shift else "Etc/GMT"
    people = [
        {"telegram_id": FIRST_ID + i, "language": "en", "timezone": zone, "created_at": now,
         "consented_at": now, "oriented_at": now, "graduated_on": now.date()}
        for i in range(COUNT)
    ]  # fmt: skip
    with Session(engine) as session:
        session.execute(sa.insert(Participant), people)
        ids = session.exec(select(Participant.id)).all()
        rows = [
            {"participant_id": pid, "day": 1, "questionnaire": "short", "status": "scheduled",
             "due_at": now - timedelta(minutes=1), "note": "", "content_version": ""}
            for pid in ids
        ]  # fmt: skip
        session.execute(sa.insert(CheckIn), rows)
        session.commit()
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")  # as autovacuum would after a bulk load
    engine.dispose()


def _waiting(url: str) -> int:
    engine = create_engine(url, TEST_KEYS)
    with Session(engine) as session:
        waiting = col(CheckIn.status).in_(["scheduled", "claimed", "sending"])
        count = session.exec(select(func.count()).select_from(CheckIn).where(waiting)).one()
    engine.dispose()
    return count


def test_two_workers_send_each_checkin_exactly_once(postgres_url: str, bot_api: BotApi) -> None:
    _seed(postgres_url)
    host, port = bot_api.server_address[:2]
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://{host!s}:{port}",
        "DATABASE_URL": postgres_url,
        "ENCRYPTION_KEYS": ",".join(TEST_KEYS),
        "TELEGRAM_RATE_LIMIT": "0",  # a local Bot API server has no flood limits
    }
    # The recommended deployment: one worker polls and sweeps, the others only sweep.
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", command],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in ("run", "sweep")
    ]
    try:
        deadline = time.monotonic() + 300
        while _waiting(postgres_url) and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), "a worker stopped early"
            time.sleep(1)
    finally:
        logs = []
        for worker in workers:
            worker.send_signal(signal.SIGINT)
            logs.append(worker.communicate(timeout=60)[1])
    assert all(w.returncode == 0 for w in workers), logs
    assert _waiting(postgres_url) == 0

    per_chat = Counter(int(m["chat_id"]) for m in bot_api.sent)
    intros = Counter(int(m["chat_id"]) for m in bot_api.sent if "check-in. " in m["text"])
    assert set(intros) == {FIRST_ID + i for i in range(COUNT)}
    assert set(intros.values()) == {1}  # each check-in exactly once
    assert set(per_chat.values()) == {1}  # one message: its hello and first question
    engine = create_engine(postgres_url, TEST_KEYS)
    with Session(engine) as session:
        statuses = session.exec(select(CheckIn.status, func.count()).group_by(CheckIn.status)).all()
    engine.dispose()
    assert dict(statuses) == {"sent": COUNT}
