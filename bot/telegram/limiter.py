"""One rate limit for every worker together: each request waits for a moment handed out by
the database, and Telegram's "retry after" holds back every worker."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.engine.companion import Companion
from bot.telegram.batches import Batches
from bot.telegram.threads import DatabaseThreads

log = logging.getLogger(__name__)
MAX_RETRIES = 3  # a request Telegram holds back is tried this many times more
URGENT = "urgent"  # the rate_limit_args of what must not wait for the database
JSONDict = dict[str, Any]


class SharedRateLimiter(BaseRateLimiter[str]):
    """Requests waiting in this worker take their moments from the shared bucket together, in
    one statement a batch (at most a second's worth), then go out each at its moment. What is
    URGENT, and everything while the database cannot be reached, is paced by this worker
    alone: the crisis lines never wait for the database."""

    def __init__(self, companion: Companion, per_second: int, threads: DatabaseThreads) -> None:
        self._companion = companion
        self._threads = threads
        self._moments = Batches[None, float](self._reserve, most=per_second, threads=threads)
        self._rate = per_second
        self._own_next = 0.0  # this worker's own next moment (monotonic clock)

    def _reserve(self, batch: Sequence[None]) -> list[float]:
        first = self._companion.pace(len(batch), self._rate)
        return [first + index / self._rate for index in range(len(batch))]

    def _own_moment(self) -> float:
        now = time.monotonic()
        start = max(self._own_next, now)
        self._own_next = start + 1 / self._rate
        return start - now

    async def _moment(self, urgent: bool) -> float:
        if urgent:
            return self._own_moment()
        try:
            return await self._moments.ask(None)
        except Exception as error:  # the database: send anyway, at this worker's own pace
            log.warning("the shared rate limit is out of reach (%s): pacing alone",
                        type(error).__name__)  # fmt: skip
            return self._own_moment()

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
        rate_limit_args: str | None,
    ) -> bool | JSONDict | list[JSONDict]:
        for attempt in range(MAX_RETRIES + 1):
            await asyncio.sleep(await self._moment(rate_limit_args == URGENT))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == MAX_RETRIES:
                    raise
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                log.warning("Telegram asked every worker to wait %.0f seconds", seconds)
                self._own_next = time.monotonic() + seconds
                await self._threads.run(self._companion.hold_sends, seconds)
        raise AssertionError("the loop returns or raises")
