"""Every bad DATABASE_URL stops the bot with one plain line, never a traceback or a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.crypto import new_key
from tests.test_encryption import run_bot

PASSWORD = "s3cr3t-pw"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (f"postgres://clinic:{PASSWORD}@db.example:port/iop", "DATABASE_URL cannot be read"),
        (f"postgres://clinic:{PASSWORD}@[::1/iop", "DATABASE_URL cannot be read"),
        (f"clinic:{PASSWORD}@db.example/iop", "DATABASE_URL is not a database URL"),
        (f"mysql://clinic:{PASSWORD}@db.example/iop", "DATABASE_URL uses 'mysql'"),
        (f"{PASSWORD}@x://iop", "DATABASE_URL uses an unknown scheme"),
        ("sqlite://", "DATABASE_URL names no database file"),
        ("sqlite:///{tmp}/notes.txt", "DATABASE_URL: {tmp}/notes.txt is not an SQLite database"),
        ("sqlite:///{tmp}/no/such/x.sqlite3", "DATABASE_URL: the folder {tmp}/no/such does not"),
        ("sqlite:///{tmp}", "DATABASE_URL: {tmp} is a folder, not a database file"),
        (
            f"postgres://clinic:{PASSWORD}@127.0.0.1:1/iop",
            "DATABASE_URL: cannot open the database (connection failed",
        ),
    ],
)
def test_a_bad_database_url_is_one_line_without_the_password(
    url: str, words: str, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("Group on Tuesday\n" * 200)
    env = {"DATABASE_URL": url.format(tmp=tmp_path), "ENCRYPTION_KEYS": new_key()}
    result = run_bot(env, "preview")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {words.format(tmp=tmp_path)}")
    assert PASSWORD not in result.stdout + result.stderr
    assert not (tmp_path / "notes.txt.key").exists()  # nothing made beside a file that is not ours
