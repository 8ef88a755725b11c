"""Button data: short, checked on the way back in, never trusted."""

from __future__ import annotations

from dataclasses import dataclass

SEP = "|"
STEP = "s"  # s|flow|step|key: a button on a step
REMIND = "r"  # r|flow|step|hours: "remind me later" choices
MENU = "m"  # m|item
LANGUAGE = "g"  # g|code
CARRY_ON = "c"  # c: show the current step again
CHECKIN = "q"  # q|checkin id|question index|key: a check-in answer
CONTACT = "k"  # k|checkin id: "please contact me" after reported use
PLAN = "p"  # p|add|-, p|remove|-, p|delete|item id: editing one's plan
GOAL = "w"  # w|plan item id|1-5: weekly progress on a goal

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


ARITY = {
    STEP: 3,
    REMIND: 3,
    MENU: 1,
    LANGUAGE: 1,
    CARRY_ON: 0,
    CHECKIN: 3,
    CONTACT: 1,
    PLAN: 2,
    GOAL: 2,
}


def decode(data: str) -> Callback | None:
    """The parsed button, or None for anything we did not make."""
    prefix, *args = data.split(SEP)
    if ARITY.get(prefix) != len(args) or not all(args):
        return None
    return Callback(prefix, tuple(args))
