"""One rate limit for every worker together: each request waits for a moment handed out by
the database, and Telegram's "retry after" holds back every worker."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.engine.companion import Companion
from bot.telegram.batches import Batches

log = logging.getLogger(__name__)
MAX_RETRIES = 3  # a request Telegram holds back is tried this many times more
JSONDict = dict[str, Any]


class SharedRateLimiter(BaseRateLimiter[None]):
    """Requests waiting in this worker take their moments from the shared bucket together, in
    one statement a batch (at most a second's worth), then go out each at its moment."""

    def __init__(self, companion: Companion, per_second: int) -> None:
        self._companion = companion
        self._moments = Batches[None, float](self._reserve, most=per_second)
        self._rate = per_second

    def _reserve(self, batch: Sequence[None]) -> list[float]:
        first = self._companion.pace(len(batch), self._rate)
        return [first + index / self._rate for index in range(len(batch))]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self._moments.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        for attempt in range(MAX_RETRIES + 1):
            await asyncio.sleep(await self._moments.ask(None))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == MAX_RETRIES:
                    raise
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.warning("Telegram asked every worker to wait %.0f seconds", seconds)
                await asyncio.to_thread(self._companion.hold_sends, seconds)
        raise AssertionError("the loop returns or raises")
