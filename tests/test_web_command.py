"""`python -m bot web` and `python -m bot webhook`: what they need, said in one line, and the
webhook set and deleted at the Bot API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from bot.__main__ import main
from bot.web.webhook import SECRET_HEADER
from tests.fake_bot_api import BotApi
from tests.fake_telegram import TOKEN
from tests.test_polling import ROOT, message

SECRET = "a-long_random-secret"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, bot_api: BotApi) -> BotApi:
    host, port = bot_api.server_address[:2]
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://{host!s}:{port}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'web.sqlite3'}")
    return bot_api


def test_the_web_server_needs_the_webhook_secret(
    env: BotApi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["web"]) == 2
    assert capsys.readouterr().err == (
        "error: TELEGRAM_WEBHOOK_SECRET is needed for the webhook: set it to a long random "
        "string of letters, digits, _ and -\n"
    )
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "not secret!")
    assert main(["web"]) == 2
    assert capsys.readouterr().err == (
        "error: TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, _ and -, at most 256\n"
    )
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("WEB_BASE_URL", "companion.example.org")
    assert main(["web"]) == 2
    assert capsys.readouterr().err.startswith("error: WEB_BASE_URL must be the web server's")
    assert env.calls == []


def test_webhook_set_and_delete(
    env: BotApi, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    assert main(["webhook", "set", "http://companion.example.org"]) == 2
    assert "needs the web server's https address" in capsys.readouterr().err
    assert env.calls == []

    assert main(["webhook", "set", "https://companion.example.org/"]) == 0
    assert capsys.readouterr().out == (
        "webhook set: Telegram posts updates to https://companion.example.org/telegram\n"
    )
    [(method, params)] = [call for call in env.calls if call[0] != "getMe"]
    assert method == "setWebhook"
    assert params["url"] == "https://companion.example.org/telegram"
    assert params["secret_token"] == SECRET
    assert "message" in json.loads(params["allowed_updates"])

    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET")  # not needed to go back to polling
    assert main(["webhook", "delete"]) == 0
    assert capsys.readouterr().out.startswith("webhook deleted")
    assert env.calls[-1][0] == "deleteWebhook"


def test_web_answers_telegram_on_the_webhook_and_reports_health(
    env: BotApi, tmp_path: Path
) -> None:
    """The real process: the webhook feeds the bot, which answers at the Bot API; /healthz
    turns 200 once the sweep has run; Ctrl-C stops it cleanly, and the log holds no token."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    listening.close()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"], cwd=ROOT,
        env={**os.environ, "TELEGRAM_WEBHOOK_SECRET": SECRET, "PORT": str(port)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        health = until(lambda: httpx.get(f"{base}/healthz"), lambda got: got is not None)
        assert health is not None and health.status_code in (200, 503)
        hook = httpx.post(
            f"{base}/telegram", json=message(1, 55, "/start"), headers={SECRET_HEADER: SECRET}
        )
        assert hook.status_code == 200
        assert until(lambda: env.sent, bool), "no reply reached the Bot API"
        health = until(
            lambda: httpx.get(f"{base}/healthz"),
            lambda got: got is not None and got.status_code == 200,
        )
        assert health is not None and health.text == "ok\n"
    finally:
        server.send_signal(signal.SIGINT)
        _, log = server.communicate(timeout=30)
    assert server.returncode == 0, log
    assert env.sent[0]["chat_id"] == "55" and "Hi, and welcome!" in env.sent[0]["text"]
    assert TOKEN not in log and SECRET not in log and "/start" not in log


T = TypeVar("T")


def until(get: Callable[[], T], done: Callable[[T | None], bool], seconds: float = 30) -> T | None:
    """Ask again until `done` says so or the time is up; what was got last (None on errors)."""
    deadline = time.monotonic() + seconds
    got: T | None = None
    while time.monotonic() < deadline:
        try:
            got = get()
        except httpx.TransportError:
            got = None
        if done(got):
            break
        time.sleep(0.1)
    return got
