"""Button data: short, checked on the way back in, never trusted.

The engine owns the prefixes below; features declare their own with the registry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SEP = "|"
STEP = "s"  # s|flow|step|key: a button on a step
REMIND = "r"  # r|flow|step|hours: "remind me later" choices
MENU = "m"  # m|item
CARRY_ON = "c"  # c: show the current step again

NEXT, BACK, LATER, SKIP = "n", "b", "l", "k"
# Telegram refuses callback data over 64 bytes.
MAX_BYTES = 64


@dataclass(frozen=True)
class Callback:
    prefix: str
    args: tuple[str, ...]


def encode(prefix: str, *args: str | int) -> str:
    data = SEP.join([prefix, *map(str, args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"button data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str, arity: Mapping[str, int]) -> Callback | None:
    """The parsed button, or None for anything we did not make."""
    prefix, *args = data.split(SEP)
    if arity.get(prefix) != len(args) or not all(args):
        return None
    return Callback(prefix, tuple(args))
