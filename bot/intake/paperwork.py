"""Paperwork readiness: orientation's checklist as ticks the person sets, and a reminder the
day before the first session of what is still open."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.checkins.schedule import next_allowed
from bot.content.loader import ORIENTATION
from bot.content.schema import Flow, Step
from bot.engine.navigator import Navigator
from bot.engine.registry import Feature, Job, Tap
from bot.engine.types import Reply
from bot.intake import ticks
from bot.models import ScheduledMessage
from bot.program_days import sessions_of, upcoming

PAPERWORK = "paperwork"  # the scheduled kind of the reminder, and orientation's step
PAGE = "my_paperwork"  # the link to the checklist on its own (the menu's "My paperwork")
TICK = "pw"  # pw|item id: a paperwork item ticked on or off
STEP = f"{ORIENTATION}:{PAPERWORK}"  # orientation's step that shows the checklist
AHEAD = timedelta(days=1)


def items(nav: Navigator) -> list[tuple[str, str]]:
    """The clinic's paperwork as (id, text) in the participant's language."""
    code = nav.ctx.lang.code
    return [(item.id, ticks.local(item.text, code)) for item in nav.ctx.content.clinic.paperwork]


def still_open(nav: Navigator) -> list[str]:
    """The texts of the items not ticked yet."""
    ctx = nav.ctx
    done = ticks.ticked(
        session=ctx.session, participant_id=ctx.participant_id, checklist=ticks.PAPERWORK
    )
    return [text for item, text in items(nav) if item not in done]


def checklist(nav: Navigator) -> list[Reply]:
    """The paperwork checklist on its own (from the menu, or a tap on the reminder)."""
    reply = Reply(nav.ctx.text_of("paperwork_list"), nav.ctx.carry_on_row())
    return [ticks.with_ticks(nav, reply, TICK, ticks.PAPERWORK, items(nav))]


def view(nav: Navigator, flow: Flow, step: Step, reply: Reply) -> Reply:
    """Orientation's paperwork step, with ✓ on what is ready."""
    return ticks.with_ticks(nav, reply, TICK, ticks.PAPERWORK, items(nav))


def tick(nav: Navigator, item: str) -> list[Reply]:
    """An item tapped, on orientation's step or on the checklist: ✓ on or off, in place."""
    ctx = nav.ctx
    if item not in {known for known, _ in items(nav)}:
        return [ctx.say("stale_button"), *nav.current()]
    ticks.toggle(
        session=ctx.session, participant_id=ctx.participant_id, checklist=ticks.PAPERWORK,
        item=item, now=ctx.now,
    )  # fmt: skip
    if ticks.on_step(nav, STEP):
        return ticks.shown_again(nav)
    return [dataclasses.replace(reply, replace=True) for reply in checklist(nav)]


def plan_reminder(nav: Navigator) -> None:
    """After orientation: a reminder the day before the first session, out of quiet hours."""
    ctx = nav.ctx
    coming = upcoming(sessions_of(ctx), ctx.clinic_zone(), ctx.now + AHEAD)
    if coming:
        start = coming[0][0]
        at = next_allowed(start - AHEAD, ctx.zone(), ctx.content.follow_up.quiet_hours)
        ctx.schedule(PAPERWORK, min(at, start), replace=True)


def remind(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """The day before the first session: what is still open, with the boxes; nothing when all
    is ready."""
    left = still_open(nav)
    if not left:
        return []
    reply = Reply(nav.ctx.text_of("paperwork_reminder", value="\n".join(f"☐ {t}" for t in left)))
    return [ticks.with_ticks(nav, reply, TICK, ticks.PAPERWORK, items(nav))]


FEATURE = Feature(
    name="paperwork",
    buttons={TICK: Tap(1, tick)},
    targets={PAGE: checklist},
    on_finish={ORIENTATION: plan_reminder},
    jobs={PAPERWORK: Job(remind)},
    views={STEP: view},
)
