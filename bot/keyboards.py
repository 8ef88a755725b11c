"""Storage: which of the bot's messages to a participant still carry live buttons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

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


def swap_all(*, session: Session, swaps: Sequence[Swap]) -> list[list[int]]:
    """Record several swaps, the participants locked in one statement (in id order, as the
    sweep locks them); for each, the messages whose buttons should come off."""
    wanted = {swap.telegram_id for swap in swaps}
    found = session.exec(
        select(Participant)
        .where(col(Participant.telegram_id).in_(wanted))
        .order_by(col(Participant.id))
        .with_for_update()
    ).all()
    people = {person.telegram_id: person for person in found}
    strips: list[list[int]] = []
    for swap in swaps:
        person = people.get(swap.telegram_id)
        if person is None:  # staff, or someone not yet known: nothing is tracked
            strips.append([])
            continue
        strips.append(
            swap_on(person, shown=swap.shown, done=swap.done, stale=swap.stale,
                    answered=swap.answered)
        )  # fmt: skip
        session.add(person)
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
    live = [int(i) for i in (person.keyboards or "").split(SEP) if i.isdigit()]
    done = [*done, *([stale] if stale is not None and stale not in live else [])]
    if shown:
        strip, keep = [i for i in (*live, *done) if i not in shown], list(shown)
    else:
        strip, keep = list(done), [i for i in live if i not in done]
    person.keyboards = SEP.join(map(str, keep[-KEPT:])) or None
    if answered:
        person.unsent = False
    return list(dict.fromkeys(strip))
