"""Work that follows a turn's answer without holding it up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Afterwards:
    """Taking the buttons off older messages once the new ones are out: the person has their
    answer by then, so neither they nor the next person in line waits for it. What is still
    under way is awaited when the application stops; lost in a crash, an old button stays,
    and a tap on it shows where the person is."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            log.error("work after a turn failed with %s", type(error).__name__)

    async def settled(self) -> None:
        """Once everything started so far, and whatever it started, has finished."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
