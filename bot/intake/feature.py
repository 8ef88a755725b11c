"""The intake questions, for people invited before their assessment: after consent and before
orientation. Answers are stored as they are given; withdrawal risk and barriers flag staff."""

from __future__ import annotations

from bot import alerts
from bot import participants as people
from bot.content.loader import ORIENTATION
from bot.content.schema import Flow, Option, Step
from bot.engine.navigator import GETTING_STARTED, Navigator
from bot.engine.registry import Action, Feature, Tap
from bot.engine.types import Reply
from bot.intake import ticks
from bot.models import AlertKind, InviteStage

INTAKE = "intake"  # the flow
BARRIER = "br"  # br|barrier id: a barrier ticked on or off
BARRIERS_STEP = f"{INTAKE}:barriers"  # the step that lists the clinic's barriers
INTAKE_DONE = "intake_done"  # the link at the end of intake: done, and on to orientation
LEVELS_DONE = "levels_done"  # the link at the end of the lesson on levels of care
AFTER_LESSON = "barriers"  # the intake step that follows the lesson intake offers


def getting_started(nav: Navigator) -> list[Reply]:
    """After consent: the intake questions first for people invited before their assessment
    (until they finish them), then orientation."""
    ctx = nav.ctx
    stage = people.invite_stage(session=ctx.session, participant=ctx.participant)
    done = people.completed_flows(session=ctx.session, participant=ctx.participant)
    if stage is InviteStage.INTAKE and INTAKE not in done:
        return nav.enter(INTAKE)
    return nav.enter(ORIENTATION)


def intake_done(nav: Navigator) -> list[Reply]:
    """The last intake step: intake is finished, and orientation follows at once."""
    flow, _ = nav.position()
    if flow is not None:
        nav.complete(flow)
    return nav.enter(ORIENTATION)


def levels_done(nav: Navigator) -> list[Reply]:
    """The end of the lesson on levels of care, which intake offers and the Lessons list
    holds: done, and back to the intake questions for someone in the middle of them (not
    oriented yet), else the menu, as after any lesson."""
    flow, _ = nav.position()
    if flow is None:
        return nav.menu()
    if nav.ctx.participant.oriented_at is not None:
        return nav.finish(flow)
    nav.complete(flow)
    return nav.enter(INTAKE, AFTER_LESSON)


def withdrawal(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """An answer that suggests withdrawal risk: "tell the clinic before you stop suddenly", a
    flag for staff, and only what is true about who will know."""
    ctx = nav.ctx
    where = f"{flow.id}:{ctx.participant.step or ''}"
    flagged = alerts.is_open(
        session=ctx.session, participant_id=ctx.participant_id, kind=AlertKind.WITHDRAWAL_RISK,
        context=where,
    )  # fmt: skip
    if not flagged:  # Back and the same answer again: the flag staff have already
        ctx.alert(AlertKind.WITHDRAWAL_RISK, where)
    told = "withdrawal_staff" if ctx.staff_reachable() else "withdrawal_call"
    return [Reply(f"{ctx.text_of('withdrawal')}\n\n{ctx.text_of(told)}")]


def barriers_view(nav: Navigator, flow: Flow, step: Step, reply: Reply) -> Reply:
    """The clinic's barriers as buttons, ✓ on the ones the person tapped."""
    code = nav.ctx.lang.code
    items = [(b.id, ticks.local(b.label, code)) for b in nav.ctx.content.clinic.barriers]
    return ticks.with_ticks(nav, reply, BARRIER, ticks.BARRIERS, items)


def tick_barrier(nav: Navigator, item: str) -> list[Reply]:
    """A barrier tapped: ✓ on or off; on, a flag for staff and what the clinic offers for it."""
    ctx = nav.ctx
    barrier = next((b for b in ctx.content.clinic.barriers if b.id == item), None)
    if barrier is None or not ticks.on_step(nav, BARRIERS_STEP):
        return [ctx.say("stale_button"), *nav.current()]
    on = ticks.toggle(
        session=ctx.session, participant_id=ctx.participant_id, checklist=ticks.BARRIERS,
        item=item, now=ctx.now,
    )  # fmt: skip
    replies = ticks.shown_again(nav)
    where = f"{INTAKE}:{item}"
    if not on:  # tapped off again: the flag needs nobody now
        alerts.close(
            session=ctx.session, participant_id=ctx.participant_id, kind=AlertKind.BARRIER,
            context=where, now=ctx.now,
        )  # fmt: skip
        return replies
    flagged = alerts.is_open(
        session=ctx.session, participant_id=ctx.participant_id, kind=AlertKind.BARRIER,
        context=where,
    )  # fmt: skip
    if not flagged:  # one open flag, however often it is tapped
        ctx.alert(AlertKind.BARRIER, where)
    replies.append(ctx.say("barrier_help", value=ticks.local(barrier.help, ctx.lang.code)))
    return replies


FEATURE = Feature(
    name="intake",
    buttons={BARRIER: Tap(1, tick_barrier)},
    actions={"withdrawal": Action(withdrawal)},
    targets={GETTING_STARTED: getting_started, INTAKE_DONE: intake_done, LEVELS_DONE: levels_done},
    views={BARRIERS_STEP: barriers_view},
    flows=(INTAKE,),
)
