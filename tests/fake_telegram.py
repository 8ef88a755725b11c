"""A fake Bot API at the HTTP edge, and a chat client that acts like a person using the bot."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram.afterwards import Afterwards
from bot.telegram.app import App

BOT_ID = 777000
TEXT_LIMIT = 4096
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
TOKEN = f"{BOT_ID}:TESTTOKEN-abcdefghijklmnopqrstuvwxyz"


@dataclass
class Sent:
    """A message the bot sent, as the person sees it."""

    chat_id: int
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    photo: bytes | None = None  # a picture's bytes; its caption is the text
    document: tuple[str, bytes] | None = None  # a file's name and bytes; its caption is the text
    message_id: int = 0

    @property
    def labels(self) -> list[str]:
        return [label for row in self.buttons for label, _ in row]

    def data_for(self, label: str) -> str:
        for row in self.buttons:
            for text, data in row:
                if text == label:
                    return data
        raise AssertionError(f"no button {label!r} in {self.labels}")


class WorkerKilled(BaseException):
    """The worker process dies here: nothing catches it, nothing after it runs."""


class FakeTelegram(BaseRequest):
    """Answers Bot API calls the way Telegram does, and keeps what the bot sent."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []  # every message as the person sees it now (edits applied)
        # Each message as it was when sent, and again as each edit showed it.
        self.shown: list[Sent] = []
        self.edits: list[dict[str, Any]] = []  # every accepted edit's parameters
        self.notices: list[str] = []  # brief notices shown on taps
        self.commands: list[dict[str, Any]] = []  # every setMyCommands call's parameters
        self.calls: list[str] = []  # every URL the bot called
        self.blocked: set[int] = set()
        # chat id -> what goes wrong with the next message to it: flood, timeout or bad request
        self.trouble: dict[int, str] = {}
        # The worker dies when it tries to send this many messages more (None: it lives).
        self.die_after: int | None = None
        self.stale_queries = False  # taps are too old to acknowledge (after downtime)
        self._message_id = 1000

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        self.calls.append(url)
        params = request_data.parameters if request_data else {}
        if api_method == "getMe":
            return self._ok(
                {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "IOP Companion",
                    "username": "iop_test_bot",
                }
            )
        if api_method == "sendPhoto":
            assert request_data is not None
            photo = next(iter(request_data.multipart_data.values()))
            content = photo[1] if isinstance(photo, tuple) else photo
            assert isinstance(content, bytes) and content.startswith(b"\x89PNG")
            caption = str(params.get("caption", ""))
            assert len(caption) <= 1024, "Telegram refuses captions over 1024 characters"
            return self._record(int(str(params["chat_id"])), caption, params, photo=content)
        if api_method == "sendDocument":
            assert request_data is not None
            name, content, *_ = next(iter(request_data.multipart_data.values()))
            assert isinstance(content, bytes)
            caption = str(params.get("caption", ""))
            chat_id = int(str(params["chat_id"]))
            self._message_id += 1
            document = Sent(chat_id, caption, document=(str(name), bytes(content)))
            document.message_id = self._message_id
            self.sent.append(document)
            self.shown.append(dataclasses.replace(document))
            return self._ok(
                {"message_id": self._message_id, "date": 0,
                 "chat": {"id": chat_id, "type": "private"}}
            )  # fmt: skip
        if api_method == "setMyCommands":
            self.commands.append(params)
            return self._ok(True)
        if api_method == "sendMessage":
            if self.die_after is not None:
                if self.die_after <= 0:
                    raise WorkerKilled
                self.die_after -= 1
            chat_id = int(str(params["chat_id"]))
            if chat_id in self.blocked:
                return _error(403, "Forbidden: bot was blocked by the user")
            trouble = self.trouble.pop(chat_id, None)
            if trouble == "flood":
                return _error(429, "Too Many Requests: retry after 30", retry_after=30)
            if trouble == "timeout":
                raise TimedOut("the request was sent, no answer came back")
            if trouble == "bad":
                return _error(400, "Bad Request: chat not found")
            text = str(params["text"])
            if len(text) > TEXT_LIMIT:
                return _error(400, "Bad Request: message is too long")
            return self._record(chat_id, text, params)
        if api_method in {"editMessageText", "editMessageReplyMarkup"}:
            return self._edit(api_method, params)
        if api_method == "answerCallbackQuery" and self.stale_queries:
            return _error(400, "Bad Request: query is too old and response timeout expired")
        if api_method == "answerCallbackQuery" and params.get("text"):
            self.notices.append(str(params["text"]))
        if api_method in {"answerCallbackQuery", "deleteWebhook"}:
            return self._ok(True)
        raise AssertionError(f"the fake Bot API does not know {api_method}")

    def _record(
        self, chat_id: int, text: str, params: dict[str, Any], photo: bytes | None = None
    ) -> tuple[int, bytes]:
        markup = params.get("reply_markup") or {}
        if isinstance(markup, str):  # sent as a form field with a file upload
            markup = json.loads(markup)
        buttons = _buttons(markup)
        self._message_id += 1
        message = Sent(chat_id, text, buttons, photo, message_id=self._message_id)
        self.sent.append(message)
        self.shown.append(dataclasses.replace(message))
        return self._ok(self._message(message))

    def _edit(self, api_method: str, params: dict[str, Any]) -> tuple[int, bytes]:
        """Change a message the bot sent, refusing what Telegram refuses."""
        chat_id, message_id = int(str(params["chat_id"])), int(str(params["message_id"]))
        message = next(
            (s for s in self.sent if s.chat_id == chat_id and s.message_id == message_id), None
        )
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        text = str(params["text"]) if api_method == "editMessageText" else message.text
        if len(text) > TEXT_LIMIT:
            return _error(400, "Bad Request: message is too long")
        buttons = _buttons(params.get("reply_markup") or {})
        if (text, buttons) == (message.text, message.buttons):
            return _error(400, NOT_MODIFIED)
        self.edits.append(params)
        message.text, message.buttons = text, buttons
        if api_method == "editMessageText":  # taking buttons off alone shows nothing new
            self.shown.append(dataclasses.replace(message))
        return self._ok(self._message(message))

    @staticmethod
    def _message(message: Sent) -> dict[str, Any]:
        return {
            "message_id": message.message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": message.chat_id, "type": "private"},
            "text": message.text,
        }

    def live_keyboards(self, chat_id: int) -> int:
        """How many messages in the chat still carry buttons one can tap."""
        return sum(1 for s in self.sent if s.chat_id == chat_id and s.buttons)

    @staticmethod
    def _ok(result: Any) -> tuple[int, bytes]:
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def texts_to(self, chat_id: int) -> list[str]:
        return [s.text for s in self.sent if s.chat_id == chat_id]


def _buttons(markup: Any) -> list[list[tuple[str, str]]]:
    """An inline keyboard as (label, data) rows, refusing data Telegram refuses."""
    if isinstance(markup, str):  # sent as a form field with a file upload
        markup = json.loads(markup)
    assert isinstance(markup, dict)
    buttons = [
        [(b["text"], b["callback_data"]) for b in row] for row in markup.get("inline_keyboard", [])
    ]
    for row in buttons:
        for _, data in row:
            assert len(data.encode()) <= 64, "Telegram refuses callback data over 64 bytes"
    return buttons


def _error(code: int, description: str, **parameters: Any) -> tuple[int, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return code, json.dumps(body).encode()


class Clock:
    """A controllable clock for the engine."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Person:
    """Someone chatting with the bot on Telegram: sends, taps, and reads what comes back."""

    _update_id = 1

    def __init__(
        self,
        app: App,
        telegram: FakeTelegram,
        user_id: int = 4242,
        language_code: str = "en",
        first_name: str = "Alex",
        chat_id: int | None = None,
        afterwards: Afterwards | None = None,
    ) -> None:
        self.app = app
        self.afterwards = afterwards  # awaited after each update, as a person looks a moment later
        self.telegram = telegram
        self.user_id = user_id
        # A group chat (the staff group) when set; the person's private chat otherwise.
        self.chat_id = chat_id if chat_id is not None else user_id
        self.language_code = language_code
        self.first_name = first_name
        self._message_id = 1
        self.last_update: dict[str, Any] = {}  # what Telegram would send again

    def inbox(self) -> list[Sent]:
        return [s for s in self.telegram.sent if s.chat_id == self.chat_id]

    def seen(self) -> list[Sent]:
        """Everything shown in this chat over time, a card edited in place once per text."""
        return [s for s in self.telegram.shown if s.chat_id == self.chat_id]

    @property
    def last(self) -> Sent:
        return self.inbox()[-1]

    def last_with_buttons(self) -> Sent:
        return next(s for s in reversed(self.inbox()) if s.buttons)

    async def _deliver(self, payload: dict[str, Any]) -> list[Sent]:
        Person._update_id += 1
        payload["update_id"] = Person._update_id
        self.last_update = payload
        return await self.redeliver_last_update(payload)

    async def redeliver_last_update(self, payload: dict[str, Any]) -> list[Sent]:
        """Telegram sending the same update again, as after a crash before the offset moved.

        Returns what the person saw change: new messages, and ones edited to show more than
        fewer buttons."""
        before = len(self.telegram.shown)
        await self.app.process_update(Update.de_json(payload, self.app.bot))
        if self.afterwards is not None:
            await self.afterwards.settled()
        changed = [s for s in self.telegram.shown[before:] if s.chat_id == self.chat_id]
        latest = {s.message_id: s for s in changed}  # a message edited twice: as it ended
        return [latest[i] for i in dict.fromkeys(s.message_id for s in changed)]

    def _user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def _chat(self) -> dict[str, Any]:
        if self.chat_id != self.user_id:
            return {"id": self.chat_id, "type": "supergroup", "title": "Clinic staff"}
        return {"id": self.user_id, "type": "private", "first_name": self.first_name}

    def _message(self, **content: Any) -> dict[str, Any]:
        self._message_id += 1
        return {
            "message_id": self._message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": self._chat(),
            "from": self._user(),
            **content,
        }

    async def reply(self, text: str, to: Sent) -> list[Sent]:
        """Type a reply to one of the bot's messages (how notes reach the bot in a group)."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "IOP Companion"}
        replied = {"message_id": 1, "date": 0, "chat": self._chat(), "text": to.text, "from": bot}
        message = self._message(text=text, reply_to_message=replied)
        return await self._deliver({"message": message})

    def _typed(self, text: str) -> dict[str, Any]:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self._message(text=text, entities=entities)

    async def send(self, text: str) -> list[Sent]:
        return await self._deliver({"message": self._typed(text)})

    async def queue(self, text: str) -> None:
        """Send a message the way polling or a webhook hands it over: into the application's
        update queue, answered whenever the application gets to it."""
        Person._update_id += 1
        payload = {"update_id": Person._update_id, "message": self._typed(text)}
        await self.app.update_queue.put(Update.de_json(payload, self.app.bot))

    async def send_media(self, **content: Any) -> list[Sent]:
        """A sticker, photo, voice note...: pass the Bot API field, e.g. sticker={...}."""
        return await self._deliver({"message": self._message(**content)})

    async def edit(self, text: str) -> list[Sent]:
        message = self._message(text=text, edit_date=int(datetime.now(UTC).timestamp()))
        return await self._deliver({"edited_message": message})

    async def tap_data(self, data: str, on: Sent | None = None) -> list[Sent]:
        """Tap a button whose data is given (a forged one, if we like)."""
        message = {
            "message_id": on.message_id if on else 1,
            "date": 0,
            "text": on.text if on else "",
            "chat": self._chat(),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "IOP Companion"},
        }
        Person._update_id += 1
        query = {
            "id": str(Person._update_id),
            "from": self._user(),
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        return await self._deliver({"callback_query": query})

    async def tap(self, label: str, on: Sent | None = None) -> list[Sent]:
        """Tap the button with this label on the newest message with buttons (or on `on`)."""
        message = on or self.last_with_buttons()
        return await self.tap_data(message.data_for(label), on=message)
