"""Help with a craving, from any step: the participant's own support plan at hand, and asking
that the clinic be told."""

from __future__ import annotations

import dataclasses

from bot.content.schema import Flow, Option
from bot.engine import callbacks as cb
from bot.engine.navigator import Navigator
from bot.engine.registry import Action, Feature, Tap
from bot.engine.types import Button, Reply
from bot.models import AlertKind
from bot.plans import feature as plans
from bot.plans import store

CRAVING = "craving"
WHOLE_PLAN = "cp"  # cp: the whole plan, from inside the craving flow
# The parts of the plan that help in a craving, in the order they are shown.
SUPPORT = ("people", "coping", "reasons")


def craving(nav: Navigator) -> list[Reply]:
    """/craving: the craving flow at once; what was left halfway is bookmarked and resumes."""
    if nav.ctx.participant.consented_at is None:  # nothing may be stored yet: the lines only
        return [nav.ctx.say("crisis", carry_on=True)]
    return nav.enter(CRAVING)


def tell_clinic(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """The participant asked that the clinic be told. The option's reply says someone will
    reach out; where no staff can get the flag, the clinic's number is said instead."""
    nav.ctx.alert(AlertKind.HELP_REQUEST, f"{flow.id}:{nav.ctx.participant.step or ''}")
    return [] if nav.ctx.staff_reachable() else [nav.ctx.say("clinic_unreachable")]


def show_support(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """The participant's own people, coping steps and reasons from their plan, with one tap to
    the whole plan; an empty plan gets a kind word on how to fill it."""
    ctx = nav.ctx
    items = store.plan_items(session=ctx.session, participant_id=ctx.participant_id)
    headings = dict(ctx.lang.messages.sections)
    blocks = [
        f"{headings[section]}:\n" + "\n".join(lines)
        for section in SUPPORT
        if (lines := [f"• {item.text}" for item in items if item.section == section])
    ]
    button = Button(ctx.lang.messages.buttons.whole_plan, cb.encode(WHOLE_PLAN))
    if not blocks:
        return [Reply(ctx.text_of("plan_support_empty"), ((button,),))]
    return [Reply(ctx.text_of("plan_support", plan_items="\n\n".join(blocks)), ((button,),))]


def whole_plan(nav: Navigator) -> list[Reply]:
    """The whole plan, and a way back to the craving help."""
    *before, last = plans.show(nav)
    return [*before, dataclasses.replace(last, buttons=(*last.buttons, *nav.ctx.carry_on_row()))]


FEATURE = Feature(
    name="craving",
    commands={CRAVING: craving},
    buttons={WHOLE_PLAN: Tap(0, whole_plan)},
    actions={"tell_clinic": Action(tell_clinic), "show_support": Action(show_support)},
    flows=(CRAVING,),
)
