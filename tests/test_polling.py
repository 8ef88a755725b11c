"""`python -m bot run` on a token talks to the Bot API at TELEGRAM_API_BASE_URL, end to end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.fake_bot_api import BotApi
from tests.fake_telegram import TOKEN

ROOT = Path(__file__).resolve().parent.parent


def test_run_polls_the_configured_bot_api(bot_api: BotApi, tmp_path: Path) -> None:
    bot_api.updates.append({
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 0, "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "chat": {"id": 55, "type": "private"},
            "from": {"id": 55, "is_bot": False, "first_name": "Rio", "language_code": "en"},
        },
    })  # fmt: skip
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
        while not bot_api.sent and time.monotonic() < deadline and bot.poll() is None:
            time.sleep(0.1)
    finally:
        bot.send_signal(signal.SIGINT)
        _, log = bot.communicate(timeout=30)
    assert bot.returncode == 0, log
    assert bot_api.sent, log
    assert bot_api.sent[0]["chat_id"] == "55"
    assert "Hi, and welcome!" in bot_api.sent[0]["text"]
    assert f"/bot{TOKEN}/getUpdates" in bot_api.paths
    assert f"/bot{TOKEN}/setMyCommands" in bot_api.paths  # the command menus, at start
    # The log never carries the token or what people wrote.
    assert TOKEN not in log and "/start" not in log
