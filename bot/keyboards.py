"""Storage: which of the bot's messages to a participant still carry live buttons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from bot.models import Participant

SEP = ","
KEPT = 20  # live keyboards remembered; more in one go (a goal question each) is unusual


@dataclass(frozen=True)
class Swap:
    """After sending to a participant: `shown` now carry the live buttons, `done` (a tapped
    message) no longer does, and `stale` (a tap on an earlier message) is done unless it is
    live. `answered`: the turn's answer went out."""

    telegram_id: int
    shown: Sequence[int] = ()
    done: Sequence[int] = ()
    stale: int | None = None
    answered: bool = False


_TABLE: sa.Table = Participant.__table__  # type: ignore[attr-defined]
# Only the columns a swap needs, locked (FOR UPDATE on PostgreSQL) in id order, as the sweep
# locks participants; and one UPDATE for all of them.
_LOCK = (
    sa.select(_TABLE.c.id, _TABLE.c.telegram_id, _TABLE.c.keyboards, _TABLE.c.unsent)
    .where(_TABLE.c.telegram_id.in_(sa.bindparam("telegram_ids", expanding=True)))
    .order_by(_TABLE.c.id)
    .with_for_update()
)
_WRITE = (
    sa.update(_TABLE)
    .where(_TABLE.c.id == sa.bindparam("row"))
    .values(keyboards=sa.bindparam("live"), unsent=sa.bindparam("behind"))
)


def swap_all(*, session: Session, swaps: Sequence[Swap]) -> list[list[int]]:
    """Record several swaps in one statement each to lock and to write (no participant object
    is loaded); for each, the messages whose buttons should come off."""
    connection = session.connection()
    wanted = sorted({swap.telegram_id for swap in swaps})
    found = connection.execute(_LOCK, {"telegram_ids": wanted}).all()
    rows = {t: {"row": row_id, "live": kept, "behind": behind} for row_id, t, kept, behind in found}
    strips: list[list[int]] = []
    for swap in swaps:
        row = rows.get(swap.telegram_id)
        if row is None:  # staff, or someone not yet known: nothing is tracked
            strips.append([])
            continue
        row["live"], strip = _swapped(row["live"], swap.shown, swap.done, swap.stale)
        row["behind"] = row["behind"] and not swap.answered
        strips.append(strip)
    if rows:
        connection.execute(_WRITE, list(rows.values()))
    return strips


def swap_on(
    person: Participant,
    *,
    shown: Sequence[int] = (),
    done: Sequence[int] = (),
    stale: int | None = None,
    answered: bool = False,
) -> list[int]:
    """A Swap on a participant row this transaction has locked already."""
    person.keyboards, strip = _swapped(person.keyboards, shown, done, stale)
    if answered:
        person.unsent = False
    return strip


def _swapped(
    kept: str | None, shown: Sequence[int], done: Sequence[int], stale: int | None
) -> tuple[str | None, list[int]]:
    """The live messages after a swap, as stored, and the messages to take the buttons off."""
    live = [int(i) for i in (kept or "").split(SEP) if i.isdigit()]
    done = [*done, *([stale] if stale is not None and stale not in live else [])]
    if shown:
        strip, keep = [i for i in (*live, *done) if i not in shown], list(shown)
    else:
        strip, keep = list(done), [i for i in live if i not in done]
    return SEP.join(map(str, keep[-KEPT:])) or None, list(dict.fromkeys(strip))
