"""Many coroutines' requests to the database done together: one call in a thread (one
transaction, one commit) for all that came meanwhile, each given its own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from bot.telegram.threads import DatabaseThreads

In = TypeVar("In")
Out = TypeVar("Out")


class Batches(Generic[In, Out]):
    """`run` takes the requests waiting (at most `most`) and returns one answer for each, in
    order; if it raises, every request of that batch raises with it."""

    def __init__(
        self, run: Callable[[Sequence[In]], Sequence[Out]], most: int, threads: DatabaseThreads
    ) -> None:
        self._run = run
        self._most = most
        self._threads = threads
        self._waiting: list[tuple[In, asyncio.Future[Out]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def ask(self, request: In) -> Out:
        answer: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._waiting.append((request, answer))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.ensure_future(self._drain())
        return await answer

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                answers = await self._threads.run(self._run, [request for request, _ in batch])
            except Exception as error:
                for _, answer in batch:
                    answer.set_exception(error)
                continue
            for (_, answer), result in zip(batch, answers, strict=True):
                answer.set_result(result)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
