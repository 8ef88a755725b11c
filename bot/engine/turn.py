"""One participant's turn: hand the input to the feature that owns it, collect replies.

The dispatcher knows features only through the registry; it owns the flow steps themselves
(cards, choices, quizzes, ask and scale steps) and the engine's own buttons."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot import participants as people
from bot.content.loader import CONSENT
from bot.content.schema import Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine import steps
from bot.engine.context import TurnContext
from bot.engine.navigator import DONE_MARK, Navigator
from bot.engine.registry import Registry
from bot.engine.types import Incoming, Kind, Reply
from bot.models import AlertKind


class Turn:
    """Reads one input, moves the position, and returns what to say."""

    def __init__(self, registry: Registry, ctx: TurnContext) -> None:
        self.registry = registry
        self.ctx = ctx
        self.nav: Navigator = registry.navigator(ctx)
        # The last answer was committed but never confirmed sent: they may not see where they are.
        self.behind = ctx.participant.unsent

    def run(self, incoming: Incoming) -> list[Reply]:
        ctx = self.ctx
        ctx.cancel(*self.registry.cancel_on_reply)
        if ctx.participant.unreachable_at is not None:
            ctx.participant.unreachable_at = None
        replies = self.answer(incoming)
        # Set last, so that no query of the turn writes the participant row before its end;
        # a participant whose data the turn erased keeps nothing.
        if ctx.participant.erased_at is None:
            ctx.participant.unsent = True  # until the channel says this turn's answer went out
        return replies

    def answer(self, incoming: Incoming) -> list[Reply]:
        ctx, kind, value = self.ctx, incoming.kind, incoming.value
        if incoming.answered:  # the crisis lines went out before the turn
            if incoming.crisis:
                pending, p = self.nav.pending(), ctx.participant  # an open check-in names itself
                where = pending.where if pending else f"{p.flow or 'menu'}:{p.step or ''}"
                ctx.alert(AlertKind.CRISIS_LANGUAGE, where)
            return []
        if kind is Kind.START:
            return self.start(value)
        if kind is Kind.COMMAND:
            command = self.registry.commands.get(value)
            return command(self.nav) if command else [ctx.say("unknown_command", carry_on=True)]
        if ctx.participant.stopped_at is not None and not self.anytime(kind, value):
            return [ctx.say("paused_reply")]
        if kind is Kind.BUTTON:
            return self.button(value)
        if kind is Kind.EDITED:
            return [ctx.say("edited"), *self.nav.current()]
        if kind is Kind.MEDIA:
            return [ctx.say("not_text"), *self.nav.current()]
        return self.text(value)

    def start(self, payload: str) -> list[Reply]:
        ctx, p = self.ctx, self.ctx.participant
        replies: list[Reply] = []
        if payload:
            outcome = people.redeem_invite(
                session=ctx.session, code=payload, participant=p, now=ctx.now
            )
            replies.append(ctx.say(f"invite_{outcome}"))
        paused = p.checkins_paused_until is not None and p.checkins_paused_until > ctx.now
        if p.stopped_at is not None or paused:  # stopped check-ins stay so unless asked
            p.stopped_at = p.checkins_paused_until = None
            replies.append(ctx.say("resumed"))
        if p.consented_at is None:
            return [*replies, *self.nav.enter(CONSENT)]
        for hook in self.registry.on_start:  # a question first (stopped check-ins back on?)
            if asked := hook(self.nav):
                return [*replies, *asked]
        if p.flow is None:
            return [*replies, *self.nav.menu()]
        return [*replies, ctx.say("welcome_back"), *self.nav.current()]

    def anytime(self, kind: Kind, value: str) -> bool:
        """A button that works while messages are stopped (deleting one's data, say)."""
        parsed = self.registry.decode(value) if kind is Kind.BUTTON else None
        return parsed is not None and parsed.prefix in self.registry.anytime

    def button(self, data: str) -> list[Reply]:
        parsed = self.registry.decode(data)
        if parsed is None:
            return [self.ctx.say("unknown_button"), *self.nav.current()]
        if parsed.prefix not in (cb.STEP, cb.REMIND):
            return self.registry.buttons[parsed.prefix].handle(self.nav, *parsed.args)
        p = self.ctx.participant
        flow_id, step_id, key = parsed.args
        flow, step = self.nav.position()
        if (flow_id, step_id) != (p.flow, p.step) or flow is None or step is None:
            return self.stale(lost=p.flow is not None and step is None)
        if parsed.prefix == cb.REMIND:
            return in_place(self.nav.remind(key))
        return self.step_button(flow, step, key)

    def stale(self, *, lost: bool) -> list[Reply]:
        """A button from an earlier message: a brief notice on the tap; or where we are, when
        the last answer may never have arrived or the content no longer has the step."""
        if self.behind or lost:
            return [self.ctx.say("stale_button"), *self.nav.current()]
        return [Reply(self.ctx.text_of("stale_tap"), notice=True)]

    def text(self, text: str) -> list[Reply]:
        flow, step = self.nav.position()
        if flow is not None and step is not None and step.kind == "ask":
            return self.answer_ask(flow, step, text, option=None)
        for handler in self.registry.texts:
            answered = handler(self.nav, text)
            if answered is not None:
                return answered
        return [self.ctx.say("use_buttons"), *self.nav.current()]

    # ----- the steps of a flow ------------------------------------------------------------------

    def step_button(self, flow: Flow, step: Step, key: str) -> list[Reply]:
        """A card moving on takes the tapped message's place; an answered question stays in
        the chat with what was chosen, and what follows comes as new messages."""
        nav, labels = self.nav, self.ctx.lang.messages.buttons
        if key == cb.BACK and nav.trail():
            before = steps.find_step(flow, nav.trail()[-1])
            if before is not None and before.kind == "scale":  # rated again, not twice
                people.take_back_answer(
                    session=self.ctx.session, participant=self.ctx.participant, flow=flow.id,
                    question=before.id,
                )  # fmt: skip
            return in_place(nav.back())
        if key == cb.NEXT and step.kind == "card":
            return in_place(nav.go(flow, steps.following(flow, step)))
        if key == cb.LATER and flow.can_pause:
            return [nav.remind_choice(flow, step)]
        if key == cb.SKIP and step.kind == "ask" and step.skip:
            return [self.answered(step, labels.skip), *nav.go(flow, steps.following(flow, step))]
        if step.kind == "scale" and key.isdigit() and int(key) in steps.SCALE:
            return [self.answered(step, key), *self.rate(flow, step, int(key))]
        if key.isdigit() and int(key) < len(step.options):
            option = step.options[int(key)]
            if option in steps.toggles(step):
                return self.toggle(flow, step, option)
            shown = self.answered(step, option.label)
            if step.kind == "ask":
                value = option.value or option.label
                return [shown, *self.answer_ask(flow, step, value, option=option)]
            return [shown, *self.choose(flow, step, option)]
        return [self.ctx.say("unknown_button"), *nav.current()]

    def answered(self, step: Step, label: str) -> Reply:
        toggles = steps.toggles(step)
        if toggles:  # a multi-select is done: it shows everything picked
            chosen = [step.options[i].label for i in self.nav.picked(step)]
            return steps.answered(step, self.ctx.values(), chosen, DONE_MARK)
        return steps.answered(step, self.ctx.values(), [label])

    def toggle(self, flow: Flow, step: Step, option: Option) -> list[Reply]:
        """A multi-select tap: in the plan once, or off again; ✓ shows it in place."""
        saver, section = self.registry.save, option.save
        assert saver is not None and section is not None, "the content check requires both"
        if option.label in saver.held(self.nav, section):
            saver.remove(self.nav, section, option.label)
        else:
            saver.add(self.nav, flow, section, option.label)
        return in_place(self.nav.current())

    def rate(self, flow: Flow, step: Step, value: int) -> list[Reply]:
        """A 0 to 10 rating, stored; a high one may lead somewhere else."""
        ctx = self.ctx
        self.record(flow, step, str(value))
        said = {**ctx.values(), "value": str(value)}
        replies = [Reply(steps.fill(step.reply, said))] if step.reply else []
        high = step.high is not None and value >= step.high
        if step.repeat_at is not None:
            today = people.answers_since(
                session=ctx.session, participant=ctx.participant, flow=flow.id,
                question=step.id, since=ctx.now - timedelta(days=1),
            )  # fmt: skip
            high = high or today >= step.repeat_at
        target = step.high_goto if high and step.high_goto else steps.following(flow, step)
        return [*replies, *self.nav.go(flow, target)]

    def choose(self, flow: Flow, step: Step, option: Option) -> list[Reply]:
        if step.kind == "quiz" or option.value:
            self.record(flow, step, option.value or option.label)
        replies: list[Reply] = []
        if option.save and self.registry.save is not None:
            self.registry.save.add(self.nav, flow, option.save, option.label)
        action = self.registry.actions[option.do] if option.do else None
        if action is not None:
            replies += action.run(self.nav, flow, option)
        if option.reply and not replies:  # an action that answers replaces the option's reply
            replies.append(Reply(steps.fill(option.reply, self.ctx.values())))
        if action is not None and action.halts:
            return replies
        return [*replies, *self.nav.go(flow, option.goto or steps.following(flow, step))]

    def answer_ask(self, flow: Flow, step: Step, text: str, option: Option | None) -> list[Reply]:
        assert step.ask is not None, "the content check requires 'ask:' on ask steps"
        shown = self.registry.fields[step.ask](self.nav, flow, step, text)
        if not isinstance(shown, str):
            return shown
        said = {**self.ctx.values(), "value": shown}
        replies = [Reply(steps.fill(step.reply, said))] if step.reply else []
        target = option.goto if option and option.goto else steps.following(flow, step)
        return [*replies, *self.nav.go(flow, target)]

    def record(self, flow: Flow, step: Step, value: str) -> None:
        ctx = self.ctx
        people.record_answer(
            session=ctx.session, participant=ctx.participant, flow=flow.id, question=step.id,
            value=value, version=ctx.version(flow.id), now=ctx.now,
        )  # fmt: skip


def in_place(replies: list[Reply]) -> list[Reply]:
    """The first reply takes the tapped message's place; the rest come as new messages."""
    if not replies:
        return replies
    return [dataclasses.replace(replies[0], replace=True), *replies[1:]]
