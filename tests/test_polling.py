"""`python -m bot run` on a token talks to the Bot API at TELEGRAM_API_BASE_URL, end to end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.fake_bot_api import BotApi
from tests.fake_telegram import TOKEN

ROOT = Path(__file__).resolve().parent.parent


def message(update_id: int, user: int, text: str) -> dict[str, Any]:
    """An update as the Bot API sends it: a private message, a command if it starts with /."""
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 0, "text": text,
            "entities": entities if text.startswith("/") else [],
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Rio", "language_code": "en"},
        },
    }  # fmt: skip


def run_bot(bot_api: BotApi, tmp_path: Path, chats: int) -> tuple[int, str]:
    """`python -m bot run` until it has written to this many chats; its exit code and log."""
    host, port = bot_api.server_address[:2]
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://{host!s}:{port}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
    }
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and bot.poll() is None:
            if len({m["chat_id"] for m in bot_api.sent}) >= chats:
                break
            time.sleep(0.1)
        time.sleep(1)  # a few more polls: nothing may come back twice
    finally:
        bot.send_signal(signal.SIGINT)
        _, log = bot.communicate(timeout=30)
    return bot.returncode, log


def test_run_polls_the_configured_bot_api(bot_api: BotApi, tmp_path: Path) -> None:
    bot_api.updates.append(message(1, 55, "/start"))
    code, log = run_bot(bot_api, tmp_path, chats=1)
    assert code == 0, log
    assert bot_api.sent, log
    assert bot_api.sent[0]["chat_id"] == "55"
    assert "Hi, and welcome!" in bot_api.sent[0]["text"]
    assert f"/bot{TOKEN}/getUpdates" in bot_api.paths
    assert f"/bot{TOKEN}/setMyCommands" in bot_api.paths  # the command menus, at start
    # The log never carries the token or what people wrote.
    assert TOKEN not in log and "/start" not in log


def test_an_unreadable_update_is_skipped_and_polling_goes_on(
    bot_api: BotApi, tmp_path: Path
) -> None:
    broken = message(1, 55, "Zorblax, a secret")
    broken["message"]["date"] = "yesterday"  # the library cannot read it
    bot_api.updates += [broken, message(2, 56, "Zorblax too"), message(3, 57, "/start")]
    code, log = run_bot(bot_api, tmp_path, chats=2)
    assert code == 0, log
    assert {m["chat_id"] for m in bot_api.sent} == {"56", "57"}, log
    assert log.count("update 1 could not be read and was skipped") == 1, log
    assert "Zorblax" not in log
