"""Staff make an invite on the command line; the deep link ties the chat to the label, once."""

from __future__ import annotations

import re

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.models import Invite
from tests.conftest import BotFactory


def invite_by_command(
    label: str,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *options: str,
) -> str:
    """`python -m bot invite LABEL [options]`, as staff run it; the code of the link printed."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "riverside_iop_bot")
    assert main(["invite", label, *options]) == 0
    out = capsys.readouterr().out
    match = re.search(r"https://t\.me/riverside_iop_bot\?start=([\w-]+)", out)
    assert match and f"code:  {match.group(1)}" in out
    return match.group(1)


async def test_invite_links_once(
    start_bot: BotFactory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = invite_by_command("chart-1042", settings, monkeypatch, capsys)
    bot = await start_bot()
    alex = bot.person(user_id=501)
    got = await alex.send(f"/start {code}")
    assert (
        got[0].text == "Thanks! This chat is now linked to your place at Riverside Recovery Center."
    )
    assert "welcome" in got[1].text.lower()
    assert bot.participant(501).label == "chart-1042"
    [invite] = bot.rows(Invite)
    assert invite.redeemed_at is not None

    got = await alex.send(f"/start {code}")  # the same person again: still fine
    assert got[0].text.startswith("Thanks! This chat is now linked")
    someone_else = bot.person(user_id=502)
    got = await someone_else.send(f"/start {code}")
    assert got[0].text.startswith("This invite link was already used")
    assert bot.participant(502).label is None
    got = await someone_else.send("/start nonsense-code")
    assert got[0].text.startswith("I don't know that invite code")

    # The label now belongs to a participant, so it cannot be invited again.
    assert main(["invite", "chart-1042"]) == 1
    assert "already has the label" in capsys.readouterr().err
