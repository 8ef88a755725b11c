"""Updates from different chats at once, each chat's in the order they came."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Turns running at once; the rest wait. The database, not the event loop, is what they share.
RUNNING = 32
# Updates accepted into processing at once (running or waiting their chat's turn); the
# library holds the rest in its queue.
ACCEPTED = 1024


class _Chat:
    """One chat's line: a lock taken in arrival order, and how many updates stand in it."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


class PerChatUpdates(BaseUpdateProcessor):
    """One chat's updates run one after another, in the order Telegram sent them (the turn's
    update-id guard relies on it); other chats' run meanwhile, at most `running` at once. A
    chat with nothing waiting is forgotten, so memory does not grow with the number of chats."""

    def __init__(self, running: int = RUNNING, accepted: int = ACCEPTED) -> None:
        super().__init__(max(accepted, running))
        self.running = running
        self._running = asyncio.BoundedSemaphore(running)
        self._chats: dict[int, _Chat] = {}

    @property
    def chats(self) -> int:
        """Chats with an update running or waiting now."""
        return len(self._chats)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_of(update)
        if key is None:  # nothing to keep in order with
            async with self._running:
                await coroutine
            return
        chat = self._chats.setdefault(key, _Chat())
        chat.waiting += 1
        try:
            # The chat's lock first, the shared bound second: an update waiting behind its own
            # chat's takes no place from other chats.
            async with chat.lock, self._running:
                await coroutine
        finally:
            chat.waiting -= 1
            if not chat.waiting:
                del self._chats[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _chat_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
