"""Check-in answers go out as CSV under the 42 CFR Part 2 notice, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import itertools
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.__main__ import main
from bot.config import Settings
from bot.content.loader import load_content
from bot.db import create_engine, migrate
from bot.features import build_registry
from bot.models import CheckIn, Participant
from bot.staff.export import HEADER, write_checkin_csv
from tests.conftest import TEST_KEYS
from tests.staff_history import CONTENT, answer, checkin, full_history, person

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("America/New_York")
QUESTIONNAIRES = load_content(CONTENT, build_registry().needs()).language("en").questionnaires


def question_text(questionnaire: str, question: str) -> str:
    return next(q.text for q in QUESTIONNAIRES[questionnaire].questions if q.id == question)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'export.sqlite3'}"
    postgres: str = request.getfixturevalue("postgres_url")  # skips when there is no server
    return postgres


@pytest.fixture
def history(url: str) -> Iterator[sa.Engine]:
    """chart-7's history, and one check-in answer of a participant who has no label."""
    engine = create_engine(url, TEST_KEYS)
    migrate(engine)
    with Session(engine) as session:
        full_history(session)
        nameless = person(session, None)
        row = checkin(session, nameless, 1, "short")
        answer(session, nameless, "checkin:short", "use", "yes", row.due_at, row)
        session.commit()
    yield engine
    engine.dispose()


def read(text: str) -> tuple[list[str], list[list[str]]]:
    """The notice lines, and the CSV after them parsed back."""
    lines = text.splitlines(keepends=True)
    notice = [line.rstrip("\n") for line in itertools.takewhile(lambda x: x[0] == "#", lines)]
    return notice, list(csv.reader(lines[len(notice) :]))


def test_every_checkin_answer_under_the_notice(history: sa.Engine) -> None:
    out = io.StringIO()
    with Session(history) as session:
        written = write_checkin_csv(
            session=session, out=out, since=None, questionnaires=QUESTIONNAIRES, zone=ZONE
        )
    notice, rows = read(out.getvalue())
    words = " ".join(notice)
    assert notice[0] == "# NOTICE: 42 CFR Part 2 confidentiality."
    for part in [
        "records protected by federal confidentiality rules (42 CFR Part 2)",
        "may not further disclose",
        "expressly permitted by the written consent of the person it concerns",
        "otherwise permitted by 42 CFR Part 2",
        "general authorization for the release of medical or other information is not sufficient",
    ]:
        assert part in words
    assert tuple(rows[0]) == HEADER
    assert written == len(rows) - 1 == 5
    day_7 = "2026-03-06T23:00:00+00:00"
    assert rows[1:] == [
        ["chart-7", "7", "2026-03-06", "short", "use", question_text("short", "use"), "no", "",
         day_7, "1+abc"],
        # What a participant typed never becomes a spreadsheet formula.
        ["chart-7", "7", "2026-03-06", "short", "note", question_text("short", "note"),
         "'=1+1 call me", "", day_7, "1+abc"],
        ["chart-7", "30", "2026-03-29", "bam", "health", question_text("bam", "health"), "good",
         "2", "2026-03-29T23:00:00+00:00", "1+abc"],
        ["chart-7", "31", "2026-03-30", "bam", "health", question_text("bam", "health"), "poor",
         "4", "2026-03-30T23:00:00+00:00", "1+abc"],
        [rows[5][0], "1", "2026-02-28", "short", "use", question_text("short", "use"), "yes", "",
         "2026-02-28T23:00:00+00:00", "1+abc"],
    ]  # fmt: skip
    assert rows[5][0].startswith("#")  # no label: known to staff by number
    assert all(line.startswith('"') for line in out.getvalue().splitlines()[len(notice) :])


def test_since_a_day_in_the_program_time_zone(history: sa.Engine) -> None:
    with Session(history) as session:
        row = session.exec(select(CheckIn).where(CheckIn.day == 31)).one()
        ana = session.get_one(Participant, row.participant_id)
        # 23:30 on March 29 in New York, though March 30 in UTC: before the day asked for.
        answer(
            session, ana, "checkin:bam", "sleep", "0", datetime(2026, 3, 30, 3, 30, tzinfo=UTC), row
        )
        session.commit()
        out = io.StringIO()
        written = write_checkin_csv(
            session=session, out=out, since=date(2026, 3, 30), questionnaires=QUESTIONNAIRES,
            zone=ZONE,
        )  # fmt: skip
    _, rows = read(out.getvalue())
    assert written == 1
    assert [(r[0], r[1], r[4], r[6]) for r in rows[1:]] == [("chart-7", "31", "health", "poor")]


def test_export_command(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = create_engine(settings.database_url)
    migrate(engine)
    with Session(engine) as session:
        full_history(session)
    engine.dispose()
    out = settings.database_url.removeprefix("sqlite:///") + ".csv"
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--since", "2026-03-29", "--out", out],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"wrote 2 check-in answer(s) to {out}\n"
    assert os.stat(out).st_mode & 0o777 == 0o600  # only its owner can read it
    notice, rows = read(Path(out).read_text())
    assert notice and [r[1] for r in rows[1:]] == ["30", "31"]

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["export", "--out", out]) == 1  # never over an existing file
    assert capsys.readouterr().err == (
        f"error: --out {out}: the file already exists; choose a new name\n"
    )
    assert main(["export"]) == 0  # to the terminal
    notice, rows = read(capsys.readouterr().out)
    assert len(rows) == 5 and notice[0].startswith("# NOTICE")
    with pytest.raises(SystemExit) as bad:
        main(["export", "--since", "March 3"])
    assert bad.value.code == 2
    err = capsys.readouterr().err
    assert "--since: invalid fromisoformat value: 'March 3'" in err and "Traceback" not in err
