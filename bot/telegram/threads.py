"""The threads the event loop hands its database calls to."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

import sqlalchemy as sa

SERVER = 2  # threads for a database server
P = ParamSpec("P")
T = TypeVar("T")


class DatabaseThreads:
    """`workers` threads of their own. Few: every statement needs the interpreter's lock, so
    more threads only take it from each other and from the event loop. SQLite writes one
    transaction at a time whatever the number, so one thread serves it best."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None  # made at first use, again after close

    async def run(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """The call's result, computed in one of the threads."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="database")
        context = contextvars.copy_context()  # as asyncio.to_thread does
        job = functools.partial(context.run, call, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._pool, job)

    def close(self) -> None:
        """Let the threads go (the application stopped); a later call makes new ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def for_database(url: str) -> DatabaseThreads:
    """One thread for SQLite; two for a server, so that one turn's statements run while
    another's wait on the network (with `python -m benchmarks`, the loop's pool of six
    answered about 10% fewer updates a second)."""
    return DatabaseThreads(1 if sa.make_url(url).get_backend_name() == "sqlite" else SERVER)
