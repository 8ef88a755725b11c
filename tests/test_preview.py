"""The terminal preview runs the same engine, content and database, offline."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot.config import Settings
from bot.console import run_preview
from bot.db import create_engine, migrate, session_factory
from bot.engine.companion import build_companion
from bot.models import InviteStage, Participant, utcnow
from bot.participants import create_invite

ROOT = Path(__file__).resolve().parent.parent
# Consent (Next, Next, Next, agree), a name, eight cards, the quiz, time zone and time.
# At the paperwork step, its six boxes come first: Next is button 8.
WALK = ["1", "2", "2", "1", "Sam", *["2"] * 5, "8", "2", "2", "2", "2", "2", "Denver", "1", "2",
        "/menu", ""]  # fmt: skip


def test_preview_walks_to_the_menu_and_remembers(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    migrate(engine)
    companion = build_companion(settings, session_factory(engine))
    out = io.StringIO()
    run_preview(companion, io.StringIO("\n".join(WALK)), out)
    screen = out.getvalue()
    assert "[1] Yes, I agree" in screen
    assert "Nice to meet you, Sam!" in screen
    assert "Got it: Mountain (Denver)." in screen
    assert "You did it, Sam!" in screen
    assert screen.rstrip().endswith("Bye for now.")
    assert "What would you like to do, Sam?\n  [1] 📚 Lessons" in screen

    again = io.StringIO()
    run_preview(companion, io.StringIO("/quit\n"), again)
    assert "What would you like to do, Sam?" in again.getvalue()


def test_first_readme_command_without_token_opens_the_preview(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'preview.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="1\n/crisis\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("No TELEGRAM_BOT_TOKEN set, so here is the terminal preview.")
    assert "not a crisis service" in result.stdout and "988" in result.stdout
    [made_key] = result.stderr.splitlines()  # the one thing said on a first start
    assert f"made the encryption key file {tmp_path / 'preview.sqlite3.key'}" in made_key


def test_preview_any_part_in_spanish(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'preview.sqlite3'}"}
    command = [sys.executable, "-m", "bot", "preview", "--lang", "es", "--start", "lesson:halt"]
    result = subprocess.run(
        command, input="1\n", env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    screen = result.stdout
    assert "HALT" in screen and "[1] Siguiente ▶" in screen
    assert "[1] ◀ Atrás" in screen  # the second card offers Back

    step = [*command[:-1], "orientation:rules"]
    result = subprocess.run(
        step, input="", env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert "Unas pocas reglas mantienen a todos a salvo:" in result.stdout
    assert "• Ven a todos los grupos y sesiones." in result.stdout

    wrong = [*command[:-1], "lesson:nope"]
    result = subprocess.run(wrong, input="", env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: --start 'lesson:nope': no such flow or step; flows are:"
    )


def test_preview_opens_an_intake_invite_typed_at_consent(settings: Settings) -> None:
    """`/start CODE` in the preview links the invite as on Telegram, so its intake stage can be
    walked; an alert for staff shows as such and does not take the person's button numbers."""
    engine = create_engine(settings.database_url)
    migrate(engine)
    companion = build_companion(settings, session_factory(engine))
    with Session(engine) as session:
        invite = create_invite(
            session=session, label="chart-1", now=utcnow(), valid_for=timedelta(days=1),
            stage=InviteStage.INTAKE,
        )  # fmt: skip
        session.commit()
        code = invite.code
    intake = companion.content.language("en").flows["intake"].steps
    # The invite typed at consent, consent, intake's first card, "here in this chat", two
    # Skips, "today", and a yes to benzodiazepines most days, which flags staff; then Back.
    walk = [f"/start {code}", "1", "2", "2", "1", "1", "3", "1", "1", "1", "1", "4", ""]
    out = io.StringIO()
    run_preview(companion, io.StringIO("\n".join(walk)), out, user_id=77)
    screen = out.getvalue()
    assert "already used" not in screen
    assert intake[0].text in screen and intake[1].text in screen
    assert f"(to staff, chat {settings.staff_chat_id}) chart-1: " in screen
    assert screen.count(intake[5].text) == 3  # asked, answered, and asked again after Back
    with Session(engine) as session:
        [linked] = session.exec(select(Participant).where(Participant.telegram_id == 77)).all()
        assert linked.label == "chart-1" and linked.step == "benzos"
