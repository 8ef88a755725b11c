"""A missing or invalid setting: one plain line naming the variable, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, database_url
from bot.db import create_engine, session_factory
from bot.engine.companion import build_companion
from bot.telegram.app import build_application
from tests.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


def _run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "TELEGRAM_BOT_TOKEN",
            "DATABASE_URL",
            "TELEGRAM_API_BASE_URL",
            "CONTENT_DIR",
            "STAFF_TELEGRAM_IDS",
            "PROGRAM_TIMEZONE",
            "ENCRYPTION_KEYS",
            "TELEGRAM_BOT_USERNAME",
        }
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "does not look like a bot token"),
        ("DATABASE_URL", "mysql://db/x", "use sqlite:///file.sqlite3 or postgres://"),
        ("DATABASE_URL", "just words", "is not a database URL"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "must be an http(s) address"),
        ("CONTENT_DIR", "/no/such/folder", "is not a folder"),
        ("STAFF_TELEGRAM_IDS", "12,abc", "'abc' is not one"),
        ("PROGRAM_TIMEZONE", "Mars/Olympus", "is not a time zone name"),
        ("SQLITE_SYNCHRONOUS", "off", "must be full or normal, not 'off'"),
    ],
)
def test_bad_setting_is_one_line_and_exit_2(
    variable: str, value: str, words: str, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", variable: value}
    result = _run(env, "preview")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {variable}") and words in lines[0]


def test_broken_content_names_file_and_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    subprocess.run(["cp", "-r", str(ROOT / "content"), str(content)], check=True)
    clinic = content / "clinic.yaml"
    clinic.write_text(clinic.read_text().replace("program_weeks: 12", "program_weeks: twelve"))
    line = clinic.read_text().splitlines().index("program_weeks: twelve") + 1
    result = _run(
        {"CONTENT_DIR": str(content), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"},
        "content",
        "check",
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"content/clinic.yaml:{line}: 'program_weeks' should be a whole number"
    )


def test_defaults_and_hosting_style_urls() -> None:
    settings = Settings.from_env({})
    assert settings.telegram_token is None
    assert settings.database_url == "sqlite:///iop_companion.sqlite3"
    assert settings.api_base_url == "https://api.telegram.org"
    assert settings.default_timezone == "America/New_York"
    assert database_url("postgres://u:p@host:5432/db") == "postgresql+psycopg://u:p@host:5432/db"
    assert database_url("postgresql://u@host/db") == "postgresql+psycopg://u@host/db"
    parsed = Settings.from_env(
        {"STAFF_TELEGRAM_IDS": "11, 22,", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/"}
    )
    assert parsed.staff_ids == {11, 22}
    with pytest.raises(SettingsError):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "123:short"})


async def test_self_hosted_bot_api_base_url(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        }
    )
    engine = create_engine(settings.database_url)
    companion = build_companion(settings, session_factory(engine))
    telegram = FakeTelegram()
    app = build_application(settings, companion, request=telegram, token=TOKEN)
    await app.initialize()
    await app.shutdown()
    assert telegram.calls == [f"http://127.0.0.1:8081/bot{TOKEN}/getMe"]
