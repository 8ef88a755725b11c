"""Storage for plan items: one line of a participant's plan each."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.models import PlanItem


def add_plan_item(
    *, session: Session, participant_id: int, section: str, text: str, version: str, now: datetime
) -> PlanItem:
    item = PlanItem(
        participant_id=participant_id,
        section=section,
        text=text[:256],
        content_version=version,
        created_at=now,
    )
    session.add(item)
    return item


def plan_items(*, session: Session, participant_id: int) -> list[PlanItem]:
    statement = select(PlanItem).where(PlanItem.participant_id == participant_id)
    return list(session.exec(statement.order_by(col(PlanItem.id))).all())


def plan_item(*, session: Session, participant_id: int, item_id: str) -> PlanItem | None:
    """One of the participant's own plan items, or None."""
    item = session.get(PlanItem, int(item_id)) if item_id.isdigit() else None
    return item if item is not None and item.participant_id == participant_id else None


def remove_plan_item(*, session: Session, participant_id: int, item_id: int) -> PlanItem | None:
    """Delete one of the participant's own items; None when it is not theirs or gone."""
    item = session.get(PlanItem, item_id)
    if item is None or item.participant_id != participant_id:
        return None
    session.delete(item)
    return item
