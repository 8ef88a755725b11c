"""Moving through flows: where the participant is, where a link leads, what to show there."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot import participants as people
from bot.content.loader import CONSENT
from bot.content.schema import Flow, Step
from bot.engine import callbacks as cb
from bot.engine import steps
from bot.engine.context import Rows, TurnContext
from bot.engine.types import Button, Reply

TRAIL_SEP = ","
MAX_TRAIL = 16  # how many steps Back can retrace
DONE_MARK, NEXT_MARK = "✓ ", "👉 "
MENU = "menu"  # the link, and the menu button, that open the main menu
PACED = "paced"  # the scheduled kind that sends a paced step after its pause
REMIND = "remind"  # the scheduled kind of "remind me later"
# The link to what follows consent: a feature's page (intake questions, then orientation).
GETTING_STARTED = "getting_started"

Target = Callable[["Navigator"], list[Reply]]
FinishHook = Callable[["Navigator"], None]
Held = Callable[["Navigator", str], frozenset[str]]  # the labels a plan section holds


@dataclass(frozen=True)
class Pending:
    """What the participant is in the middle of outside the flows (an open check-in): where
    staff see it happened, and the message that takes the participant back to it."""

    where: str
    replies: list[Reply]


PendingHook = Callable[["Navigator"], "Pending | None"]
# A feature's live view of one step ("flow:step"): the rendered step in, what to show out.
View = Callable[["Navigator", Flow, Step, Reply], Reply]


class Navigator:
    """One participant's position within a turn; features move it only through here."""

    def __init__(
        self,
        ctx: TurnContext,
        *,
        targets: Mapping[str, Target],
        on_finish: Mapping[str, Sequence[FinishHook]],
        pending: Sequence[PendingHook] = (),
        views: Mapping[str, View] | None = None,
        held: Held | None = None,
    ) -> None:
        self.ctx = ctx
        self._targets = targets
        self._on_finish = on_finish
        self._pending = pending
        self._views = views or {}
        self._held = held

    def pending(self) -> Pending | None:
        """Something outside the flows the participant is in the middle of, if any."""
        return next((found for hook in self._pending if (found := hook(self))), None)

    def position(self) -> tuple[Flow | None, Step | None]:
        p = self.ctx.participant
        flow = self.ctx.lang.flows.get(p.flow or "")
        return flow, (steps.find_step(flow, p.step) if flow else None)

    def current(self) -> list[Reply]:
        """Show where the participant is, repairing a position the content no longer has."""
        p = self.ctx.participant
        flow, step = self.position()
        if flow is not None and step is not None:
            if step.wait_minutes and self.ctx.waiting(PACED) is not None:
                return [self.pausing(flow, step)]  # a paced step comes by the clock, not now
            return [self.render(flow, step)]
        if flow is not None:
            # The step was removed: go back the way they came to one that still exists.
            trail = self.trail()
            while trail:
                if steps.find_step(flow, before := trail.pop()) is not None:
                    p.step, p.trail = before, TRAIL_SEP.join(trail)
                    return self.current()
            return self.enter(flow.id)
        if p.consented_at is None:
            return self.enter(CONSENT)
        if p.oriented_at is None:  # a feature says what comes first: intake or orientation
            return self._targets[GETTING_STARTED](self)
        return self.menu()

    def enter(self, flow_id: str, step_id: str | None = None) -> list[Reply]:
        ctx, p = self.ctx, self.ctx.participant
        flow = ctx.lang.flows[flow_id]
        step = steps.find_step(flow, step_id) if step_id else flow.steps[0]
        assert step is not None, "the content check guarantees every link"
        trail = self.trail() if p.flow == flow.id else []
        if p.flow == flow.id and p.step and p.step != step.id:
            trail = [*trail, p.step][-MAX_TRAIL:]
        if p.flow != flow.id:
            self.leave()
            mark = people.take_bookmark(session=ctx.session, participant=p, flow=flow.id)
            resumed = steps.find_step(flow, mark.step) if mark and step_id is None else None
            if mark and resumed:  # a lesson or practice left halfway opens where it was left
                step, trail = resumed, mark.trail.split(TRAIL_SEP) if mark.trail else []
        p.flow, p.step, p.trail = flow.id, step.id, TRAIL_SEP.join(trail)
        return [self.render(flow, step)]

    def leave(self) -> None:
        """Bookmark a lesson or practice (a flow one can pause) left halfway."""
        flow, step = self.position()
        if flow is None or step is None or not flow.can_pause or step is flow.steps[0]:
            return
        p = self.ctx.participant
        people.set_bookmark(
            session=self.ctx.session, participant=p, flow=flow.id, step=step.id,
            trail=p.trail or "", now=self.ctx.now,
        )  # fmt: skip

    def back(self) -> list[Reply]:
        """Return to the step the participant came from, the way they came."""
        *trail, before = self.trail()
        self.ctx.participant.step, self.ctx.participant.trail = before, TRAIL_SEP.join(trail)
        return self.current()

    def trail(self) -> list[str]:
        return [s for s in (self.ctx.participant.trail or "").split(TRAIL_SEP) if s]

    def render(self, flow: Flow, step: Step) -> Reply:
        marks: dict[int, str] = {}
        targets = [
            (i, o.goto.removeprefix("flow:"))
            for i, o in enumerate(step.options)
            if step.progress and o.goto and o.goto.startswith("flow:")
        ]
        if targets:  # a list of lessons: ✓ for done, 👉 for the one to do next
            done = people.completed_flows(
                session=self.ctx.session, participant=self.ctx.participant
            )
            marks = {i: DONE_MARK for i, target in targets if target in done}
            suggested = next((i for i, target in targets if target not in done), None)
            if suggested is not None:
                marks[suggested] = NEXT_MARK
        marks |= {i: DONE_MARK for i in self.picked(step)}
        reply = steps.render(
            flow, step, self.ctx.lang, self.ctx.values(), can_go_back=bool(self.trail()),
            marks=marks,
        )  # fmt: skip
        view = self._views.get(f"{flow.id}:{step.id}")
        return view(self, flow, step, reply) if view else reply

    def picked(self, step: Step) -> list[int]:
        """The options of a multi-select step already in the participant's plan."""
        toggles = steps.toggles(step)
        if not toggles or self._held is None:
            return []
        held = {s: self._held(self, s) for s in {o.save for o in toggles if o.save}}
        return [
            i
            for i, o in enumerate(step.options)
            if o in toggles and o.save and o.label in held[o.save]
        ]

    def go(self, flow: Flow | None, target: str) -> list[Reply]:
        """Follow a link: a step of this flow, another flow, a feature's page, or the end."""
        if flow is not None and target == steps.END:
            return self.finish(flow)
        if target in self._targets:
            return self._targets[target](self)
        if target.startswith("flow:") or flow is None:
            return self.enter(target.removeprefix("flow:"))
        step = steps.find_step(flow, target)
        if step is not None and step.wait_minutes:
            return self.wait(flow, step)
        return self.enter(flow.id, target)

    def finish(self, flow: Flow) -> list[Reply]:
        self.complete(flow)
        return self.menu()

    def complete(self, flow: Flow) -> None:
        """The participant finished the flow: recorded, and the features that follow it told."""
        ctx, p = self.ctx, self.ctx.participant
        p.flow = p.step = None  # finished, so nothing to bookmark
        people.take_bookmark(session=ctx.session, participant=p, flow=flow.id)
        people.record_completion(
            session=ctx.session, participant=p, flow=flow.id, version=ctx.version(flow.id),
            now=ctx.now,
        )  # fmt: skip
        for hook in self._on_finish.get(flow.id, ()):
            hook(self)

    def wait(self, flow: Flow, step: Step) -> list[Reply]:
        """A paced step: move there now, but let the clock send it after the pause."""
        assert step.wait_minutes is not None
        self.enter(flow.id, step.id)
        at = self.ctx.now + timedelta(minutes=step.wait_minutes)
        self.ctx.schedule(PACED, at, payload=f"{flow.id}:{step.id}", replace=True)
        return [self.pausing(flow, step)]

    def pausing(self, flow: Flow, step: Step) -> Reply:
        """The wait text of a paced step; only a flow one can pause lets Carry on skip the wait
        (a craving's check-back keeps its time)."""
        assert step.wait_text is not None, "the content check pairs wait_text with wait_minutes"
        labels = self.ctx.lang.messages.buttons
        menu = (Button(labels.menu, cb.encode(cb.MENU, MENU)),)
        rows = ((Button(labels.carry_on, cb.CARRY_ON),), menu) if flow.can_pause else (menu,)
        return Reply(steps.fill(step.wait_text, self.ctx.values()), rows)

    def menu(self) -> list[Reply]:
        p = self.ctx.participant
        if p.oriented_at is None:
            return [self.ctx.say("menu_locked"), *self.current()]
        self.leave()
        p.flow = p.step = p.trail = None
        return [Reply(self.ctx.text_of("menu"), self.menu_rows())]

    def menu_rows(self) -> Rows:
        items = [Button(i.label, cb.encode(cb.MENU, i.id)) for i in self.ctx.lang.messages.menu]
        return tuple(tuple(items[i : i + 2]) for i in range(0, len(items), 2))

    def remind_choice(self, flow: Flow, step: Step) -> Reply:
        choices = tuple(
            (Button(c.label, cb.encode(cb.REMIND, flow.id, step.id, c.hours)),)
            for c in self.ctx.lang.messages.remind_choices
        )
        return Reply(self.ctx.text_of("remind_when"), choices)

    def remind(self, hours: str) -> list[Reply]:
        """'Remind me later': the clock brings the participant back here."""
        choices = self.ctx.lang.messages.remind_choices
        choice = next((c for c in choices if str(c.hours) == hours), None)
        if choice is None:
            return [self.ctx.say("unknown_button"), *self.current()]
        self.ctx.schedule(REMIND, self.ctx.now + timedelta(hours=choice.hours), replace=True)
        return [self.ctx.say("remind_set", value=choice.label.lower())]
