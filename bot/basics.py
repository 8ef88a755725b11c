"""The engine's everyday parts: consent, orientation, the menu, help, crisis, stop, reminders."""

from __future__ import annotations

from datetime import timedelta

from bot import participants as people
from bot.content.loader import ORIENTATION
from bot.content.schema import Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine import steps
from bot.engine.navigator import MENU, PACED, REMIND, Navigator
from bot.engine.registry import Action, Feature, Job, Tap
from bot.engine.types import Reply
from bot.models import ScheduledMessage

HELP = "help"
CRISIS = "crisis"  # the menu's "Crisis help"; the crisis screen answers it before any turn
MAX_NOTE = 200
LATE = timedelta(hours=1)  # a paced step this late (the bot was down, or /stop) is not sent


def help_(nav: Navigator) -> list[Reply]:
    """What the bot is, is not, and the commands, with a way back."""
    return [nav.ctx.say("help", carry_on=True)]


def stop(nav: Navigator) -> list[Reply]:
    """/stop: nothing more from the bot until /start."""
    nav.ctx.participant.stopped_at = nav.ctx.now
    return [nav.ctx.say("stopped")]


def menu_item(nav: Navigator, item_id: str) -> list[Reply]:
    """A main-menu button: where its content entry leads."""
    ctx = nav.ctx
    if item_id == MENU:
        return nav.menu()
    item = next((i for i in ctx.lang.messages.menu if i.id == item_id), None)
    if item is None:
        return [ctx.say("unknown_button"), *nav.current()]
    if ctx.participant.oriented_at is None:
        return [ctx.say("menu_locked"), *nav.current()]
    return nav.go(None, item.goto)


def consent(agreed: bool) -> Action:
    """Store the answer to the privacy notice, with the version of the text the person saw."""

    def run(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
        ctx, p = nav.ctx, nav.ctx.participant
        people.record_consent(
            session=ctx.session, participant=p, agreed=agreed, version=ctx.version(flow.id),
            now=ctx.now,
        )  # fmt: skip
        if agreed and p.consented_at is None:
            p.consented_at = ctx.now
            p.language = ctx.lang.code
        return []

    return Action(run)


def oriented(nav: Navigator) -> None:
    if nav.ctx.participant.oriented_at is None:
        nav.ctx.participant.oriented_at = nav.ctx.now


def note(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    """A typed answer kept as given (one line, a few sentences at most: never cut)."""
    ctx = nav.ctx
    shown = " ".join(text.split())
    if not shown or shown.startswith("/"):
        return [ctx.say("use_buttons"), *nav.current()]
    if len(shown) > MAX_NOTE:
        return [ctx.say("too_long", value=str(MAX_NOTE)), *nav.current()]
    people.record_answer(
        session=ctx.session, participant=ctx.participant, flow=flow.id, question=step.id,
        value=shown, version=ctx.version(flow.id), now=ctx.now,
    )  # fmt: skip
    return shown


def reminder(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """'Remind me later' is due: a hello, then where they left off."""
    return [nav.ctx.say("reminder"), *nav.current()]


def paced(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """A paced step after its pause, whatever the participant did meanwhile, once: still
    waiting there, the step; away from a flow one cannot pause (a craving's check-back), the
    step too; a practice left is kept by its bookmark, and a step already shown is done."""
    ctx, p = nav.ctx, nav.ctx.participant
    flow_id, _, step_id = job.payload.partition(":")
    flow = ctx.lang.flows.get(flow_id)
    if flow is None or steps.find_step(flow, step_id) is None or ctx.now - job.due_at > LATE:
        return []
    if (p.flow, p.step) == (flow_id, step_id):
        return nav.current()
    if flow.can_pause or p.flow == flow_id:
        return []
    return nav.enter(flow_id, step_id)


def carry_on(nav: Navigator) -> list[Reply]:
    """Back to where the participant was: an open check-in's question, or the step (in a
    practice, Carry on also skips a pause)."""
    pending = nav.pending()
    if pending is not None:
        return pending.replies
    flow, step = nav.position()
    if flow is not None and step is not None and step.wait_minutes and flow.can_pause:
        nav.ctx.cancel(PACED)
    return nav.current()


FEATURE = Feature(
    name="basics",
    commands={HELP: help_, "menu": lambda nav: nav.menu(), "stop": stop},
    buttons={
        cb.MENU: Tap(1, menu_item),
        cb.CARRY_ON: Tap(0, carry_on),
    },
    actions={
        "consent_agree": consent(True),
        "consent_decline": consent(False),
        "stop_messages": Action(lambda nav, flow, option: stop(nav), halts=True),
    },
    fields={"note": note},
    targets={
        MENU: lambda nav: nav.menu(),
        HELP: help_,
        CRISIS: lambda nav: [nav.ctx.say("crisis", carry_on=True)],
    },
    on_finish={ORIENTATION: oriented},
    jobs={
        REMIND: Job(reminder, cancel_on_reply=True),
        PACED: Job(paced),
    },
)
