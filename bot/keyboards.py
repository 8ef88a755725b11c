"""Storage: which of the bot's messages to a participant still carry live buttons."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from bot.models import Participant

SEP = ","
KEPT = 20  # live keyboards remembered; more in one go (a goal question each) is unusual


def swap(
    *,
    session: Session,
    telegram_id: int,
    shown: Sequence[int] = (),
    done: Sequence[int] = (),
    stale: int | None = None,
    answered: bool = False,
) -> list[int]:
    """After sending: `shown` now carry the live buttons, `done` (a tapped message) no longer
    does, and `stale` (a tap on an earlier message) is done unless it is live. Returns the
    messages whose buttons should come off. `answered`: the turn's answer went out."""
    mine = select(Participant).where(Participant.telegram_id == telegram_id)
    person = session.exec(mine.with_for_update()).first()
    if person is None:  # staff, or someone not yet known: nothing is tracked
        return []
    strip = swap_on(person, shown=shown, done=done, stale=stale, answered=answered)
    session.add(person)
    return strip


def swap_on(
    person: Participant,
    *,
    shown: Sequence[int] = (),
    done: Sequence[int] = (),
    stale: int | None = None,
    answered: bool = False,
) -> list[int]:
    """swap() on a participant row this transaction has locked already."""
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
