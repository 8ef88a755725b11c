"""Checklists a person ticks (paperwork ready, barriers that apply): storage, and the ✓ buttons
that show them on a step."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.content.loader import DEFAULT_LANGUAGE
from bot.content.schema import Localized
from bot.engine import callbacks as cb
from bot.engine.navigator import DONE_MARK, Navigator
from bot.engine.types import Button, Reply
from bot.models import Tick

PAPERWORK, BARRIERS = "paperwork", "barriers"  # the checklists, as stored


def ticked(*, session: Session, participant_id: int, checklist: str) -> dict[str, datetime]:
    """The items of one checklist this participant ticked, and when."""
    rows = session.exec(
        select(Tick.item, Tick.ticked_at).where(
            Tick.participant_id == participant_id, Tick.checklist == checklist
        )
    )
    return dict(rows.all())


def toggle(
    *, session: Session, participant_id: int, checklist: str, item: str, now: datetime
) -> bool:
    """Tick the item, or take the tick off; whether it is ticked now."""
    row = session.exec(
        select(Tick).where(
            Tick.participant_id == participant_id, Tick.checklist == checklist, Tick.item == item
        )
    ).first()
    if row is not None:
        session.delete(row)
        return False
    session.add(Tick(participant_id=participant_id, checklist=checklist, item=item, ticked_at=now))
    return True


def all_ticks(*, session: Session, participant_id: int) -> Sequence[Tick]:
    """Every tick of the participant, oldest first (for /mydata)."""
    statement = select(Tick).where(Tick.participant_id == participant_id)
    return session.exec(statement.order_by(col(Tick.ticked_at), col(Tick.id))).all()


def local(text: Localized, code: str) -> str:
    """A clinic text in this language, or in the default one."""
    return text.get(code) or text[DEFAULT_LANGUAGE]


def with_ticks(
    nav: Navigator, reply: Reply, prefix: str, checklist: str, items: Sequence[tuple[str, str]]
) -> Reply:
    """The reply with one button per (id, label) item above its own, ✓ on the ticked ones."""
    done = ticked(
        session=nav.ctx.session, participant_id=nav.ctx.participant_id, checklist=checklist
    )
    rows = tuple(
        (Button((DONE_MARK if item in done else "") + label, cb.encode(prefix, item)),)
        for item, label in items
    )
    return dataclasses.replace(reply, buttons=rows + reply.buttons)


def on_step(nav: Navigator, where: str) -> bool:
    """Whether the participant is on this step ("flow:step") now."""
    p = nav.ctx.participant
    return f"{p.flow}:{p.step}" == where


def shown_again(nav: Navigator) -> list[Reply]:
    """The current step, in place of the tapped message."""
    first, *rest = nav.current()
    return [dataclasses.replace(first, replace=True), *rest]
