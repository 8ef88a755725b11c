"""Free text is ciphertext in the database and plaintext in the bot; keys rotate with `rekey`;
a wrong or missing key stops the start with one line; SQLite files are the owner's alone."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from cryptography.fernet import Fernet, MultiFernet
from sqlmodel import Session, select

from bot.__main__ import main
from bot.config import Settings
from bot.crypto import key_file_of, new_key
from bot.db import MIGRATIONS, create_engine, migrate, rekey
from bot.models import Alert, AlertKind, Participant
from bot.staff.store import resolve
from tests.conftest import POSTGRES_URL, TEST_KEYS, BotFactory, RunningBot
from tests.journeys import orient

ROOT = Path(__file__).resolve().parent.parent
# Every column the bot encrypts, as plain SQL names it.
ENCRYPTED = {
    "participant": "preferred_name",
    "answer": "value",
    "planitem": "text",
    "alert": "resolution_note",
    "keycheck": "value",
}
PLAN_ITEM = "Call Maria at 555-0100"
NOTE = "Called back, booked a session"


def database_file(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def read_keys(settings: Settings) -> str:
    return key_file_of(database_file(settings)).read_text().strip()


def write_keys(settings: Settings, *keys: str) -> None:
    key_file_of(database_file(settings)).write_text(",".join(keys) + "\n")


def raw_values(engine: sa.Engine) -> dict[str, list[str]]:
    """What each encrypted column holds, read with plain SQL, past the application."""
    with engine.connect() as connection:
        return {
            table: [v for (v,) in connection.exec_driver_sql(f"SELECT {column} FROM {table}") if v]
            for table, column in ENCRYPTED.items()
        }


def opened(values: list[str], *keys: str) -> list[str]:
    fernet = MultiFernet([Fernet(key) for key in keys])
    return [fernet.decrypt(value.encode()).decode() for value in values]


async def add_to_plan(bot: RunningBot, text: str) -> None:
    """/myplan, Add to my plan, a warning sign in the participant's words, done."""
    buttons = bot.companion.content.language("en").messages.buttons
    sam = bot.person()
    await sam.send("/myplan")
    pick = await sam.tap(buttons.add_to_plan)
    await sam.tap(pick[0].labels[2])  # a warning sign
    await sam.send(text)


async def test_free_text_is_ciphertext_at_rest_and_plain_in_the_bot(
    start_bot: BotFactory, settings: Settings
) -> None:
    bot = await start_bot()
    await orient(bot.person(), "Rosa")
    await add_to_plan(bot, PLAN_ITEM)
    with Session(bot.engine) as session:
        alert = Alert(participant_id=bot.participant().id or 0, kind=AlertKind.HELP_REQUEST)
        session.add(alert)
        session.flush()
        resolve(session=session, alert_id=alert.id or 0, by=900, note=NOTE, now=bot.clock.now)
        session.commit()

    key = read_keys(settings)
    stored = raw_values(bot.engine)
    every = [value for values in stored.values() for value in values]
    assert not any(word in value for value in every for word in ("Rosa", "Maria", "Called"))
    assert opened(stored["participant"], key) == ["Rosa"]
    assert opened(stored["planitem"], key) == [PLAN_ITEM]
    assert opened(stored["alert"], key) == [NOTE]
    assert len(opened(stored["answer"], key)) == len(stored["answer"]) >= 3  # the quiz answers

    again = await start_bot()  # a restart reads it all back
    got = await again.person().send("/myplan")
    assert "Rosa" in got[0].text and f"• {PLAN_ITEM}" in got[0].text
    [note] = [row.resolution_note for row in again.rows(Alert)]
    assert note == NOTE


async def test_plaintext_limits_still_hold(bot: RunningBot) -> None:
    await bot.person().send("/start")
    with Session(bot.engine) as session:
        person = session.exec(select(Participant)).one()
        person.preferred_name = "R" * 65
        session.add(person)
        with pytest.raises(sa.exc.StatementError, match="65 characters given to a column of 64"):
            session.commit()


async def test_rekey_moves_everything_to_the_first_key(
    start_bot: BotFactory, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bot = await start_bot()
    await orient(bot.person(), "Rosa")
    await add_to_plan(bot, PLAN_ITEM)
    old, new = read_keys(settings), new_key()
    answers = len(raw_values(bot.engine)["answer"])

    write_keys(settings, new, old)  # the new key first
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    assert main(["rekey"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "participant.preferred_name: 1" in lines and "planitem.text: 1" in lines
    assert f"answer.value: {answers}" in lines and "keycheck.value: 1" in lines
    assert lines[-1].startswith(f"re-encrypted {answers + 3} value(s) with the first key")
    stored = raw_values(bot.engine)
    assert opened(stored["planitem"], new) == [PLAN_ITEM]  # the new key alone opens it all
    assert len(opened([v for values in stored.values() for v in values], new)) == answers + 3

    write_keys(settings, new)  # the old key removed
    again = await start_bot()
    got = await again.person().send("/myplan")
    assert "Rosa" in got[0].text and f"• {PLAN_ITEM}" in got[0].text

    newest = new_key()  # with ENCRYPTION_KEYS, in batches of two
    engine = create_engine(settings.database_url, (newest, new))
    counts = rekey(engine, batch=2)
    engine.dispose()
    assert counts["answer.value"] == answers
    assert len(opened(raw_values(bot.engine)["answer"], newest)) == answers


def run_bot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot` as a clinic would run it, with only these database settings."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "ENCRYPTION_KEYS"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**clean, **env}, capture_output=True,
        text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip


def test_a_new_sqlite_database_makes_private_files_and_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    first = run_bot({"DATABASE_URL": url}, "invite", "chart-1")
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "clinic.sqlite3.key"
    [line] = first.stderr.strip().splitlines()
    assert f"made the encryption key file {key_file}: back it up" in line
    again = run_bot({"DATABASE_URL": url}, "invite", "chart-2")
    assert again.returncode == 0 and again.stderr == ""  # said once
    engine = create_engine(url)
    migrate(engine)
    with engine.connect():  # while it is open, SQLite keeps its -wal and -shm files
        files = sorted(tmp_path.glob("clinic.sqlite3*"))
        assert [f.name for f in files] == [
            "clinic.sqlite3", "clinic.sqlite3-shm", "clinic.sqlite3-wal", "clinic.sqlite3.key",
        ]  # fmt: skip
        assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    engine.dispose()


def test_a_wrong_or_missing_key_is_one_line_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    key_a, key_b = new_key(), new_key()
    assert run_bot({"DATABASE_URL": url, "ENCRYPTION_KEYS": key_a}, "invite", "x").returncode == 0

    wrong = run_bot({"DATABASE_URL": url, "ENCRYPTION_KEYS": key_b}, "invite", "y")
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines() == [
        "error: ENCRYPTION_KEYS does not open this database: it was written with another key; "
        "restore the key it was written with (see README, 'Encryption at rest')"
    ]
    assert key_a not in wrong.stderr and key_b not in wrong.stderr

    missing = run_bot({"DATABASE_URL": url}, "invite", "y")  # no key at all, and no key file
    key_file = tmp_path / "clinic.sqlite3.key"
    assert missing.returncode == 2 and not key_file.exists()
    assert missing.stderr.splitlines() == [
        f"error: {tmp_path / 'clinic.sqlite3'} is encrypted but its key file {key_file} is "
        f"missing: restore the key file from your backup, or set ENCRYPTION_KEYS to its keys"
    ]

    key_file.write_text(key_b)
    other = run_bot({"DATABASE_URL": url}, "invite", "y")
    assert other.returncode == 2
    assert other.stderr.startswith(f"error: key file {key_file} does not open this database")
    key_file.write_text(f"{key_a}\n")  # the right key file, restored from a backup
    assert run_bot({"DATABASE_URL": url}, "invite", "y").returncode == 0


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        ("not-a-key", "key 1 of 1 is not a Fernet key"),
        (f"{'A' * 43}=,oops", "key 2 of 2 is not a Fernet key"),
    ],
)
def test_a_malformed_key_is_named_by_place_never_shown(
    keys: str, words: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    result = run_bot({"DATABASE_URL": url, "ENCRYPTION_KEYS": keys}, "invite", "x")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: ENCRYPTION_KEYS: {words}")
    assert "not-a-key" not in line and "oops" not in line and "AAAA" not in line


def test_postgres_refuses_to_start_without_a_key() -> None:
    result = run_bot({"DATABASE_URL": "postgres://clinic:s3cret@127.0.0.1:1/iop"}, "invite", "x")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: ENCRYPTION_KEYS must be set to use PostgreSQL: the data is encrypted with it "
        "(see README, 'Encryption at rest')"
    ]


def test_the_migration_encrypts_what_older_versions_stored(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    migrate_old_plaintext(engine, read_keys(settings))


@pytest.mark.skipif(not POSTGRES_URL, reason="set IOP_TEST_POSTGRES_URL to test on PostgreSQL")
def test_the_migration_encrypts_what_older_versions_stored_on_postgres(postgres_url: str) -> None:
    migrate_old_plaintext(create_engine(postgres_url, TEST_KEYS), *TEST_KEYS)


def migrate_old_plaintext(engine: sa.Engine, *keys: str) -> None:
    """Plaintext stored by the version before encryption is encrypted by the upgrade, and
    decrypted again by a downgrade."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.exec_driver_sql(
            "INSERT INTO participant (id, telegram_id, created_at, preferred_name) "
            "VALUES (1, 10, '2026-11-30 10:00:00', 'Rosa')"
        )
        connection.exec_driver_sql(
            "INSERT INTO answer (participant_id, flow, question, value, content_version, "
            "answered_at) VALUES (1, 'checkin', 'note', 'A hard week', '1', '2026-11-30')"
        )
        connection.exec_driver_sql(
            "INSERT INTO planitem (participant_id, section, text, content_version, created_at) "
            f"VALUES (1, 'people', '{PLAN_ITEM}', '1', '2026-11-30')"
        )
        connection.exec_driver_sql(
            "INSERT INTO alert (participant_id, kind, context, status, created_at, "
            f"resolution_note) VALUES (1, 'help_request', '', 'resolved', '2026-11-30', '{NOTE}')"
        )
    migrate(engine)

    stored = raw_values(engine)
    assert {table: opened(values, *keys) for table, values in stored.items()} == {
        "participant": ["Rosa"], "answer": ["A hard week"], "planitem": [PLAN_ITEM],
        "alert": [NOTE], "keycheck": ["IOP Companion"],
    }  # fmt: skip
    with Session(engine) as session:
        assert session.exec(select(Participant.preferred_name)).one() == "Rosa"

    with engine.begin() as connection:  # and back, for a clinic that must downgrade
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT text FROM planitem").scalar() == PLAN_ITEM
    engine.dispose()
