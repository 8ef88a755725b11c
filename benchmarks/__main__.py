"""python -m benchmarks [--quick] [--json PATH]: every measurement on SQLite, and on PostgreSQL
when IOP_TEST_POSTGRES_URL is set; a table, and the numbers as JSON."""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import scenarios as s
from benchmarks.population import database

GOALS = {
    "conversation_vs_ptb": ">= 0.5",
    "sweep_vs_send": ">= 0.8",
    "sweep_query_growth": "<= 1.5",
    "limiter_fraction": "0.95 to 1.05",
    "memory_mb": "< 150",
}


def measure(kind: str, sizes: s.Sizes, folder: Path, server: str | None) -> dict[str, Any]:
    """Every measurement on one kind of database."""
    found: dict[str, Any] = {}
    with database(kind, folder, server) as target:
        s.populate(target, sizes.small_people, due=s.CLAIM * 2)
        found["claim_small_seconds"] = s.claim_seconds(target)
        found["startup_small_seconds"] = s.startup_seconds(target)
        found["limiter"] = s.limiter(target, sizes.limiter_sends)
    with database(kind, folder, server) as target:
        start = time.perf_counter()
        s.populate(target, sizes.people, due=sizes.due)
        found["load_seconds"] = round(time.perf_counter() - start, 1)
        found["claim_big_seconds"] = s.claim_seconds(target)
        found["startup_big_seconds"] = s.startup_seconds(target)
        found["sweep"] = s.in_process(s.sweep_and_send, target, sizes.due)
    with database(kind, folder, server) as target:
        found["conversation"] = s.in_process(s.conversation, target, sizes)
    sweep, chat = found["sweep"], found["conversation"]
    found["ratios"] = {
        "conversation_vs_ptb": chat["bot_updates_per_second"] / chat["ptb_updates_per_second"],
        "sweep_vs_send": sweep["send_seconds"] / sweep["sweep_seconds"],
        "sweep_query_growth": found["claim_big_seconds"] / found["claim_small_seconds"],
        "limiter_fraction": found["limiter"]["per_second"] / s.LIMIT,
        "memory_mb": sweep["memory_mb"],
    }
    found["ratios"] = {key: round(value, 3) for key, value in found["ratios"].items()}
    return found


def worst(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Each ratio from the database where it came out worse."""
    every = [found["ratios"] for found in results.values()]
    return {
        "conversation_vs_ptb": min(r["conversation_vs_ptb"] for r in every),
        "sweep_vs_send": min(r["sweep_vs_send"] for r in every),
        "sweep_query_growth": max(r["sweep_query_growth"] for r in every),
        "limiter_fraction": max((r["limiter_fraction"] for r in every), key=lambda f: abs(f - 1)),
        "memory_mb": max(r["memory_mb"] for r in every),
    }


def table(results: dict[str, dict[str, Any]], ratios: dict[str, float]) -> str:
    kinds = list(results)
    rows: list[tuple[str, ...]] = [("measure", *kinds)]

    def row(name: str, pick: Any) -> None:
        rows.append((name, *(str(pick(results[kind])) for kind in kinds)))

    row("updates/s, bot", lambda f: f["conversation"]["bot_updates_per_second"])
    row("updates/s, bare PTB", lambda f: f["conversation"]["ptb_updates_per_second"])
    for p in ("p50", "p90", "p99"):
        row(f"turn latency {p} (ms)", lambda f, p=p: f["conversation"]["latency_ms"][p])
    row("check-ins swept", lambda f: f["sweep"]["sent"])
    row("sweep (s)", lambda f: f["sweep"]["sweep_seconds"])
    row("send loop (s)", lambda f: f["sweep"]["send_seconds"])
    row("claim, small (ms)", lambda f: round(f["claim_small_seconds"] * 1000, 2))
    row("claim, big (ms)", lambda f: round(f["claim_big_seconds"] * 1000, 2))
    row("two workers, msg/s", lambda f: f["limiter"]["per_second"])
    row("start-up, small (s)", lambda f: round(f["startup_small_seconds"], 2))
    row("start-up, big (s)", lambda f: round(f["startup_big_seconds"], 2))
    row("bulk load, big (s)", lambda f: f["load_seconds"])
    for key in GOALS:
        row(key, lambda f, key=key: f["ratios"][key])
    rows.append(("", *("" for _ in kinds)))
    rows += [(f"{key} (worst)", str(value), f"goal {GOALS[key]}") for key, value in ratios.items()]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{r[0]:<{width}}  " + "  ".join(f"{c:>12}" for c in r[1:]) for r in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # alerts to nobody are expected here
    sizes = s.QUICK if args.quick else s.FULL
    server = os.environ.get("IOP_TEST_POSTGRES_URL")
    kinds = ["sqlite", *(["postgresql"] if server else [])]
    with tempfile.TemporaryDirectory() as folder:
        results = {kind: measure(kind, sizes, Path(folder), server) for kind in kinds}
    ratios = worst(results)
    print(table(results, ratios))
    if args.json:
        report = {"ratios": ratios, "sizes": vars(sizes), "databases": results}
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
