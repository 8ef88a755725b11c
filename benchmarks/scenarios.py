"""Each measurement, on one database; the slow ones run in a fresh process of their own, so
that what they measure (memory, start-up) is a bot's and not the benchmark's."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import CallbackContext

from benchmarks.conversation import Crowd, bare_application, bare_mix, participant_mix, running
from benchmarks.population import FIRST_TELEGRAM_ID, KEYS, NOON, Target, fill
from benchmarks.transport import TOKEN, SlowTelegram
from bot.checkins import store
from bot.config import Settings
from bot.db import session_factory
from bot.engine.companion import build_companion
from bot.telegram.app import SWEEP, App, build_application
from bot.telegram.handlers import SENDING
from bot.telegram.ordering import PerChatUpdates

ROOT = Path(__file__).resolve().parent.parent
RTT = 0.05  # seconds: a round trip to Telegram
LIMIT = 30  # messages a second: Telegram's bulk limit
CLAIM = 100  # rows a claim takes, as the sweep does
REPEATS = 5


@dataclass(frozen=True)
class Sizes:
    people: int  # participants in the big database
    due: int  # check-ins due among them
    small_people: int  # participants in the small database (start-up, claim growth)
    crowd: int  # participants chatting at once
    actions: int  # what each of them does
    limiter_sends: int  # messages two workers send under one limit


FULL = Sizes(people=100_000, due=10_000, small_people=1_112, crowd=200, actions=6,
             limiter_sends=300)  # fmt: skip
QUICK = Sizes(people=10_000, due=1_000, small_people=1_112, crowd=200, actions=3,
              limiter_sends=300)  # fmt: skip


def settings_for(target: Target, rate_limit: int = 0) -> Settings:
    return Settings.from_env({
        "DATABASE_URL": target.url, "ENCRYPTION_KEYS": ",".join(KEYS),
        "TELEGRAM_RATE_LIMIT": str(rate_limit),
        "SQLITE_SYNCHRONOUS": os.environ.get("SQLITE_SYNCHRONOUS", ""),  # to measure its trade-off
    })  # fmt: skip


def bot(target: Target, telegram: SlowTelegram, rate_limit: int = 0) -> App:
    settings = settings_for(target, rate_limit)
    engine = target.engine(settings.sqlite_synchronous)
    companion = build_companion(settings, session_factory(engine), clock=lambda: NOON)
    return build_application(settings, companion, request=telegram, token=TOKEN)


async def tick(app: App) -> None:
    """The scheduler's clock firing once: one sweep."""
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name(SWEEP):
        await job.callback(CallbackContext.from_job(job, app))


def concurrency(app: App) -> int:
    """How many updates the bot works on at once: the bare handler gets as many."""
    processor = app.update_processor
    return processor.running if isinstance(processor, PerChatUpdates) else 1


def populate(target: Target, people: int, due: int) -> None:
    engine = target.engine()
    companion = build_companion(settings_for(target), session_factory(engine))
    schedule = [(item.day, item.questionnaire) for item in companion.content.follow_up.schedule]
    fill(engine, participants=people, schedule=schedule, due=due)
    engine.dispose()


# ----- conversation --------------------------------------------------------------------------


def conversation(target: Target, sizes: Sizes) -> dict[str, Any]:
    """The whole bot and a bare PTB handler, the same people and transport; one in four
    people starts with a check-in to answer."""
    populate(target, sizes.crowd, due=sizes.crowd // 4)

    async def measure() -> dict[str, Any]:
        telegram = SlowTelegram(RTT)
        app = bot(target, telegram)
        await app.initialize()
        await tick(app)  # the check-ins go out before anyone starts
        await app.shutdown()
        crowd = Crowd(app, telegram)
        ours = await running(app, lambda: crowd.run(sizes.crowd, sizes.actions,
                                                    participant_mix(telegram)))  # fmt: skip
        bare = bare_application(SlowTelegram(RTT), concurrency(app))
        plain = Crowd(bare, SlowTelegram(RTT))
        baseline = await running(bare, lambda: plain.run(sizes.crowd, sizes.actions, bare_mix))
        cuts = statistics.quantiles(ours.latencies, n=100)
        return {
            "updates": ours.updates,
            "bot_updates_per_second": round(ours.per_second, 1),
            "ptb_updates_per_second": round(baseline.per_second, 1),
            "latency_ms": {f"p{p}": round(cuts[p - 1] * 1000, 1) for p in (50, 90, 99)},
        }

    return asyncio.run(measure())


# ----- the sweep, in a process of its own --------------------------------------------------------


def sweep_and_send(target: Target, due: int) -> dict[str, Any]:
    """The bot's sweep of `due` check-ins, then a bare loop sending as many messages with the
    same concurrency; and the bot's resident memory after the sweep."""

    async def measure() -> dict[str, Any]:
        telegram = SlowTelegram(RTT)
        app = bot(target, telegram)
        await app.initialize()
        start = time.perf_counter()
        while len(telegram.send_times) < due:
            sent = len(telegram.send_times)
            await tick(app)
            if len(telegram.send_times) == sent:
                break
        swept = time.perf_counter() - start
        memory = resident_mb()
        sent = len(telegram.send_times)
        gate = asyncio.Semaphore(SENDING)  # as many at once as the sweep

        async def one(i: int) -> None:
            async with gate:
                await app.bot.send_message(FIRST_TELEGRAM_ID + i, "How are you doing today?")

        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(sent)))
        loop = time.perf_counter() - start
        await app.shutdown()
        return {"sent": sent, "sweep_seconds": round(swept, 2), "send_seconds": round(loop, 2),
                "memory_mb": round(memory, 1)}  # fmt: skip

    return asyncio.run(measure())


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def in_process(work: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run the work in a fresh Python process, as quiet as this one, and return what it
    returned."""
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1, initializer=logging.disable, initargs=(logging.ERROR,)) as pool:
        result: dict[str, Any] = pool.apply(work, args)
    return result


# ----- claims, the limiter, start-up -------------------------------------------------------


def claim_seconds(target: Target) -> float:
    """The median time of one claim of due check-ins (rolled back, so each finds the same)."""
    engine = target.engine()
    sessions = session_factory(engine)
    times = []
    for _ in range(REPEATS + 1):  # the first warms the caches up and is not counted
        with sessions() as session:
            start = time.perf_counter()
            store.claim_due(session=session, now=NOON, limit=CLAIM, worker="bench")
            times.append(time.perf_counter() - start)
            session.rollback()
    engine.dispose()
    return statistics.median(times[1:])


def limiter(target: Target, sends: int) -> dict[str, Any]:
    """Two workers, each with the limit as configured, sending half the messages each at once."""

    async def measure() -> dict[str, Any]:
        telegram = SlowTelegram(RTT)
        workers = [bot(target, telegram, rate_limit=LIMIT) for _ in range(2)]
        for app in workers:
            await app.initialize()
        start = time.perf_counter()
        await asyncio.gather(*(
            app.bot.send_message(FIRST_TELEGRAM_ID + i, "Hello")
            for n, app in enumerate(workers) for i in range(n, sends, 2)
        ))  # fmt: skip
        seconds = max(telegram.send_times) - start
        for app in workers:
            await app.shutdown()
        return {"sends": sends, "seconds": round(seconds, 2),
                "per_second": round(sends / seconds, 1)}  # fmt: skip

    return asyncio.run(measure())


STARTUP = """
import asyncio, sys
from benchmarks.scenarios import bot
from benchmarks.population import Target
from benchmarks.transport import SlowTelegram
app = bot(Target(sys.argv[1], sys.argv[2]), SlowTelegram(0))
asyncio.run(app.initialize())
"""


def startup_seconds(target: Target) -> float:
    """From a new Python process to a bot ready to poll: imports, migrations, content."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", STARTUP, target.name, target.url], check=True, cwd=ROOT)
    return time.perf_counter() - start
