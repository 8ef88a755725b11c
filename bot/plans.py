"""The participant's plan: shown by section, added to from flows, edited item by item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import participants as store
from bot.content.checks import MAX_LABEL
from bot.engine import callbacks as cb
from bot.engine.steps import fill
from bot.engine.types import Button, Reply

if TYPE_CHECKING:
    from bot.engine.turn import Turn

AFTERCARE = "aftercare"  # the flow graduation opens
BUILDER = "myplan"  # the flow "Add to my plan" opens
ADD, REMOVE, DELETE = "add", "remove", "delete"


class PlanView:
    """One participant's plan within a turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    def save(self, section: str, text: str, *, version: str) -> None:
        turn = self.turn
        store.add_plan_item(
            session=turn.session, participant=turn.p, section=section, text=text,
            version=version, now=turn.now,
        )  # fmt: skip

    def show(self) -> list[Reply]:
        """The plan, section by section, with buttons to add and to take things off."""
        turn = self.turn
        if turn.p.consented_at is None:
            return [turn.say("menu_locked"), *turn.current()]
        items = store.plan_items(session=turn.session, participant=turn.p)
        texts, labels = turn.lang.messages.texts, turn.lang.messages.buttons
        blocks = []
        for section, heading in turn.lang.messages.sections:
            lines = [f"• {item.text}" for item in items if item.section == section]
            blocks.append(f"{heading}:\n" + ("\n".join(lines) or texts.plan_nothing_yet))
        body = fill(texts.plan, {**turn.values(), "plan_items": "\n\n".join(blocks)})
        rows = [(Button(labels.add_to_plan, cb.encode(cb.PLAN, ADD, "-")),)]
        if items:
            rows.append((Button(labels.remove_item, cb.encode(cb.PLAN, REMOVE, "-")),))
        rows.append((Button(labels.menu, cb.encode(cb.MENU, "menu")),))
        return [Reply(body, tuple(rows))]

    def button(self, action: str, argument: str) -> list[Reply]:
        """Add, pick an item to remove, or remove it; only the participant's own items."""
        turn = self.turn
        if turn.p.consented_at is None:
            return [turn.say("unknown_button"), *turn.current()]
        if action == ADD:
            return turn.enter(BUILDER)
        if action == REMOVE:
            items = store.plan_items(session=turn.session, participant=turn.p)
            rows = tuple(
                (Button(item.text[:MAX_LABEL], cb.encode(cb.PLAN, DELETE, item.id or 0)),)
                for item in items
            )
            return [Reply(turn.text_of("plan_remove"), rows)]
        if action == DELETE and argument.isdigit():
            item = store.remove_plan_item(
                session=turn.session, participant=turn.p, item_id=int(argument)
            )
            if item is not None:
                done = fill(turn.lang.messages.texts.plan_removed, {"value": item.text})
                return [Reply(done), *self.show()]
        return [turn.say("unknown_button"), *self.show()]
