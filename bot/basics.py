"""The engine's everyday parts: consent, orientation, the menu, help, crisis, stop, reminders."""

from __future__ import annotations

from bot import participants as people
from bot.content.loader import ORIENTATION
from bot.content.schema import Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine.navigator import MENU, PACED, REMIND, Navigator
from bot.engine.registry import Action, Feature, Job, Tap
from bot.engine.types import Reply
from bot.models import ScheduledMessage

HELP = "help"
CRISIS = "crisis"  # the menu's "Crisis help"; the crisis screen answers it before any turn
MAX_NOTE = 200


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
    """A typed answer kept as given (one line, cut to a few sentences)."""
    ctx = nav.ctx
    shown = " ".join(text.split())[:MAX_NOTE]
    if not shown or shown.startswith("/"):
        return [ctx.say("use_buttons"), *nav.current()]
    people.record_answer(
        session=ctx.session, participant=ctx.participant, flow=flow.id, question=step.id,
        value=shown, version=ctx.version(flow.id), now=ctx.now,
    )  # fmt: skip
    return shown


def reminder(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """'Remind me later' is due: a hello, then where they left off."""
    return [nav.ctx.say("reminder"), *nav.current()]


def paced(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """A paced step after its pause: the step itself."""
    return nav.current()


FEATURE = Feature(
    name="basics",
    commands={HELP: help_, "menu": lambda nav: nav.menu(), "stop": stop},
    buttons={
        cb.MENU: Tap(1, menu_item),
        cb.CARRY_ON: Tap(0, lambda nav: nav.current()),
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
        PACED: Job(paced, cancel_on_reply=True),
    },
)
