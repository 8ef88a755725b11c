"""Many people at once: the whole bot against a bare PTB handler that only replies, both fed
through the update queue as polling feeds them, over the same slow transport."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from benchmarks.population import FIRST_TELEGRAM_ID
from benchmarks.transport import TOKEN, SlowTelegram
from bot.telegram.app import App

Action = Callable[[int, int], dict[str, Any]]  # (person, step) -> the update they send
DONE_GROUP = 99  # after every handler of the bot: the update is answered
TEXTS = ("I feel ok today", "not sure", "I had a hard day at work", "thanks")
MENU_EVERY = 5  # one person in five opens the menu now and then


@dataclass(frozen=True)
class Run:
    """Updates answered, seconds taken, and each update's time from arrival to answer."""

    updates: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds


class Crowd:
    """People who each wait for the answer before doing the next thing, all at once."""

    def __init__(self, app: App, telegram: SlowTelegram) -> None:
        self.app, self.telegram = app, telegram
        self._done: dict[int, asyncio.Event] = {}
        self._update_id = 0
        app.add_handler(TypeHandler(Update, self._answered), group=DONE_GROUP)

    async def _answered(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        event = self._done.pop(update.update_id, None)
        if event is not None:
            event.set()

    async def put(self, payload: dict[str, Any]) -> float:
        """Hand one update to the application as polling would; seconds until answered."""
        self._update_id += 1
        payload["update_id"] = self._update_id
        done = self._done[self._update_id] = asyncio.Event()
        start = time.perf_counter()
        await self.app.update_queue.put(Update.de_json(payload, self.app.bot))
        await done.wait()
        return time.perf_counter() - start

    async def run(self, people: int, actions: int, act: Action) -> Run:
        latencies: list[float] = []

        async def person(index: int) -> None:
            for step in range(actions):
                latencies.append(await self.put(act(index, step)))

        start = time.perf_counter()
        await asyncio.gather(*(person(i) for i in range(people)))
        return Run(len(latencies), time.perf_counter() - start, latencies)


def message(user: int, text: str) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text[0] == "/" else []
    chat = {"id": user, "type": "private", "first_name": "P"}
    sender = {"id": user, "is_bot": False, "first_name": "P", "language_code": "en"}
    return {"message": {"message_id": 1, "date": 0, "chat": chat, "from": sender, "text": text,
                        "entities": entities}}  # fmt: skip


def tap(user: int, data: str, message_id: int) -> dict[str, Any]:
    chat = {"id": user, "type": "private", "first_name": "P"}
    sender = {"id": user, "is_bot": False, "first_name": "P", "language_code": "en"}
    shown = {"message_id": message_id, "date": 0, "chat": chat, "text": "",
             "from": {"id": 1, "is_bot": True, "first_name": "B"}}  # fmt: skip
    query = {"id": str(random.random()), "from": sender, "chat_instance": "1", "message": shown,
             "data": data}  # fmt: skip
    return {"callback_query": query}


def participant_mix(telegram: SlowTelegram, seed: int = 7) -> Action:
    """What a participant does next: tap one of the newest buttons (lesson cards, menu items,
    check-in answers), now and then type something or open the menu."""
    chance = random.Random(seed)

    def act(index: int, step: int) -> dict[str, Any]:
        user = FIRST_TELEGRAM_ID + index
        buttons = [d for d in telegram.buttons.get(user, []) if "crisis" not in d]
        if (step == 0 and index % MENU_EVERY == 0) or not buttons:
            return message(user, "/menu")
        if chance.random() < 0.2:
            return message(user, chance.choice(TEXTS))
        return tap(user, chance.choice(buttons[:3]), telegram.last_id[user])

    return act


def bare_application(telegram: SlowTelegram, concurrency: int) -> App:
    """python-telegram-bot alone: one handler that replies to whatever came."""

    async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, "ok")

    app: App = (
        Application.builder().token(TOKEN).request(telegram).concurrent_updates(concurrency).build()
    )
    app.add_handler(TypeHandler(Update, reply))
    return app


def bare_mix(index: int, step: int) -> dict[str, Any]:
    return message(FIRST_TELEGRAM_ID + index, TEXTS[step % len(TEXTS)])


async def running(app: App, work: Callable[[], Awaitable[Run]]) -> Run:
    """Run the work while the application processes its update queue."""
    await app.initialize()
    await app.start()
    try:
        return await work()
    finally:
        await app.stop()
        await app.shutdown()
