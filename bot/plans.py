"""The participant's plan: shown by section, added to from flows, edited item by item."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot import participants as store
from bot.content.checks import MAX_LABEL
from bot.engine import callbacks as cb
from bot.engine.steps import fill
from bot.engine.types import Button, Reply

if TYPE_CHECKING:
    from bot.engine.turn import Turn

GOALS = "goals"
LIMITS = {GOALS: 3}  # up to three goals from the treatment plan
RATING = range(1, 6)  # weekly progress on a goal, 1 to 5
AFTERCARE = "aftercare"  # the flow graduation opens
BUILDER = "myplan"  # the flow "Add to my plan" opens
ADD, REMOVE, DELETE = "add", "remove", "delete"


class PlanView:
    """One participant's plan within a turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    def has_room(self, section: str) -> bool:
        """Goals are kept to a few, as in a treatment plan; other sections have no limit."""
        limit = LIMITS.get(section)
        items = store.plan_items(session=self.turn.session, participant=self.turn.p)
        return limit is None or sum(1 for i in items if i.section == section) < limit

    def save(self, section: str, text: str, *, version: str) -> None:
        turn = self.turn
        store.add_plan_item(
            session=turn.session, participant=turn.p, section=section, text=text,
            version=version, now=turn.now,
        )  # fmt: skip
        if section == GOALS and turn.p.goals_nudge_at is None:
            turn.p.goals_nudge_at = turn.next_daily() + timedelta(days=6)  # a week from now

    def goal_nudges(self) -> list[Reply]:
        """The weekly question: how much progress on each goal, 1 to 5."""
        turn = self.turn
        goals = [i for i in store.plan_items(session=turn.session, participant=turn.p)
                 if i.section == GOALS]  # fmt: skip
        return [
            Reply(
                fill(turn.lang.messages.texts.goal_nudge, {**turn.values(), "value": goal.text}),
                (tuple(Button(str(n), cb.encode(cb.GOAL, goal.id or 0, n)) for n in RATING),),
            )
            for goal in goals
        ]

    def rate_goal(self, item_id: str, rating: str) -> list[Reply]:
        turn = self.turn
        goal = store.plan_item(session=turn.session, participant=turn.p, item_id=item_id)
        if (
            goal is None
            or goal.section != GOALS
            or not rating.isdigit()
            or int(rating) not in RATING
        ):
            return [turn.say("unknown_button")]
        store.record_answer(
            session=turn.session, participant=turn.p, flow=GOALS, question=f"goal:{goal.id}",
            value=rating, version=goal.content_version, now=turn.now,
        )  # fmt: skip
        return [
            Reply(fill(turn.lang.messages.texts.goal_rated, {**turn.values(), "value": goal.text}))
        ]

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
