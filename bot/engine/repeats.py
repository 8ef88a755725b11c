"""Telegram's update ids per participant: each update answered once, whatever order they come in.

Telegram sends an update again when the bot stopped before confirming it; and with several web
processes, or several webhook connections, one person's updates can arrive out of order. So the
ids a participant's turns answered are remembered, and only those are repeats: an earlier update
arriving late is answered, not mistaken for one that was."""

from __future__ import annotations

from collections.abc import Sequence

RECENT = 20  # ids remembered per participant; a repeat comes within a few updates
# Ids restart at random after a week without updates: one this far below the last is new.
WINDOW = 100_000
SEP = ","


def remembered(stored: str | None) -> list[int]:
    """The ids remembered, oldest first."""
    return [int(i) for i in (stored or "").split(SEP) if i.isdigit()]


def is_repeat(update: int, last: int | None, seen: Sequence[int]) -> bool:
    """Was this update answered already? Yes if its id is remembered, or if it is older than
    every id remembered (when the memory is full) yet within the window below the last."""
    if update in seen:
        return True
    full = len(seen) >= RECENT
    return full and last is not None and last - WINDOW < update < min(seen)


def after(update: int, last: int | None, seen: Sequence[int]) -> tuple[int, str]:
    """The last id and the stored ids once this update is answered."""
    restarted = last is not None and update <= last - WINDOW
    newest = update if last is None or restarted else max(last, update)
    kept = [*([] if restarted else seen), update][-RECENT:]
    return newest, SEP.join(map(str, kept))
