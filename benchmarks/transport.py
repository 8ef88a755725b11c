"""A Bot API that answers after a fixed round trip, as Telegram does over the network."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {"id": 777001, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
TOKEN = "777001:BENCHTOKEN-abcdefghijklmnopqrstuvwxyz"
SENDS = ("sendMessage", "sendPhoto", "sendDocument")


class SlowTelegram(BaseRequest):
    """Every call waits `rtt` seconds and succeeds; sent messages' buttons are kept per chat,
    so a simulated person can tap them."""

    def __init__(self, rtt: float) -> None:
        self.rtt = rtt
        self.calls = 0
        self.send_times: list[float] = []  # when each message was accepted
        self.buttons: dict[int, list[str]] = {}  # chat -> the newest message's callback data
        self.last_id: dict[int, int] = {}  # chat -> the newest message with buttons
        self._message_id = 0

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *_: Any, **__: Any
    ) -> tuple[int, bytes]:
        self.calls += 1
        await asyncio.sleep(self.rtt)
        api = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if api == "getMe":
            return _ok(BOT)
        if api in SENDS or api == "editMessageText":
            chat = int(str(params["chat_id"]))
            if api in SENDS:
                self.send_times.append(time.perf_counter())
                self._message_id += 1
                message_id = self._message_id
            else:
                message_id = int(str(params["message_id"]))
            raw = params.get("reply_markup") or {}
            markup: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw  # type: ignore[assignment]
            data = [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]
            if data:
                self.buttons[chat], self.last_id[chat] = data, message_id
            message = {"message_id": message_id, "date": 0, "text": str(params.get("text", "")),
                       "chat": {"id": chat, "type": "private"}}  # fmt: skip
            return _ok(message)
        return _ok(True)


def _ok(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()
