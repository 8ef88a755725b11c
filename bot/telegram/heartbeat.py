"""When the sweep last finished, in this process: what the web server's health check reads."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

C = TypeVar("C")
Sweep = Callable[[C], Coroutine[Any, Any, None]]


@dataclass
class Heartbeat:
    """The monotonic time of the last finished sweep; None before the first one."""

    last: float | None = None

    def around(self, sweep: Sweep[C]) -> Sweep[C]:
        """The sweep, noting each time it finishes."""

        async def beat(context: C) -> None:
            await sweep(context)
            self.last = time.monotonic()

        return beat

    def age(self) -> float | None:
        """Seconds since the last finished sweep."""
        return None if self.last is None else time.monotonic() - self.last
