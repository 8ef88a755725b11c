"""A small self-hosted Bot API over HTTP, for tests that run the bot as a real process."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.fake_telegram import BOT_ID


class BotApi(ThreadingHTTPServer):
    """A tiny self-hosted Bot API: serves queued updates, keeps sent messages."""

    # Workers send several messages at once; the default backlog of 5 would refuse some.
    request_queue_size = 128

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []  # every method, with its parameters


class _Handler(BaseHTTPRequestHandler):
    server: BotApi
    # Headers and body go out in separate writes; without this, delayed ACKs cost ~40 ms each.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(body or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body).items()}
        self.server.paths.append(self.path)
        method = self.path.rsplit("/", 1)[-1]
        self.server.calls.append((method, params))
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
