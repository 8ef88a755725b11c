"""Help with a craving, from any step; and asking that the clinic be told."""

from __future__ import annotations

from bot.content.schema import Flow, Option
from bot.engine.navigator import Navigator
from bot.engine.registry import Action, Feature
from bot.engine.types import Reply
from bot.models import AlertKind

CRAVING = "craving"


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


FEATURE = Feature(
    name="craving",
    commands={CRAVING: craving},
    actions={"tell_clinic": Action(tell_clinic)},
    flows=(CRAVING,),
)
