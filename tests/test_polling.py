"""`python -m bot run` on a token talks to the Bot API at TELEGRAM_API_BASE_URL, end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.fake_telegram import BOT_ID, TOKEN

ROOT = Path(__file__).resolve().parent.parent


class BotApi(ThreadingHTTPServer):
    """A tiny self-hosted Bot API: serves queued updates, keeps sent messages."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.paths: list[str] = []


class _Handler(BaseHTTPRequestHandler):
    server: BotApi

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(body or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body).items()}
        self.server.paths.append(self.path)
        method = self.path.rsplit("/", 1)[-1]
        result: Any = True
        if method == "getMe":
            result = {"id": BOT_ID, "is_bot": True, "first_name": "IOP", "username": "iop_test_bot"}
        elif method == "getUpdates":
            offset = int(params.get("offset", 0))
            result = [u for u in self.server.updates if u["update_id"] >= offset]
            if not result:
                time.sleep(0.2)
        elif method == "sendMessage":
            self.server.sent.append(params)
            result = {"message_id": len(self.server.sent), "date": 0, "text": params["text"],
                      "chat": {"id": int(params["chat_id"]), "type": "private"}}  # fmt: skip
        payload = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def bot_api() -> Iterator[BotApi]:
    server = BotApi()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


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
    # The log never carries the token or what people wrote.
    assert TOKEN not in log and "/start" not in log
