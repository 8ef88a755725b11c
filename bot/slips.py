"""Typed words that tell of using, outside a check-in: a kind reply, an offer to tell the
clinic, and the lesson on slips. Crisis words were looked for first, before the turn."""

from __future__ import annotations

import functools
import re

from bot.content.loader import Content
from bot.content.schema import Flow, Option
from bot.engine.navigator import Navigator
from bot.engine.registry import Action, Feature
from bot.engine.types import Reply
from bot.models import AlertKind
from bot.safety.patterns import compile_patterns, normal_spellings, spell, words

SLIP = "slip"  # the flow typed words of use open


def tells_of_use(content: Content, text: str) -> bool:
    """Whether typed text says the person used, read as the crisis screen reads it; every
    language's `use:` patterns are tried, because people mix languages."""
    found = words(text)
    for language in content.languages.values():
        crisis = language.crisis
        spellings, use = _use_patterns(tuple(crisis.use), tuple(crisis.spellings.items()))
        if use.search(spell(found, spellings)):
            return True
    return False


@functools.lru_cache(maxsize=8)  # a language's patterns, built once (again after a reload)
def _use_patterns(
    use: tuple[str, ...], spellings: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], re.Pattern[str]]:
    normal = normal_spellings(dict(spellings))
    return normal, compile_patterns(use, normal)


def disclosed(nav: Navigator, text: str) -> list[Reply] | None:
    """Typed text that tells of using gets the slip flow; anything else is not ours."""
    ctx = nav.ctx
    if ctx.participant.consented_at is None or not tells_of_use(ctx.content, text):
        return None
    return nav.enter(SLIP)


def report_use(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """The participant wants the clinic told of the slip: a flag for staff, where it reaches one."""
    nav.ctx.alert(AlertKind.USE_REPORTED, f"{flow.id}:{nav.ctx.participant.step or ''}")
    return [] if nav.ctx.staff_reachable() else [nav.ctx.say("clinic_unreachable")]


FEATURE = Feature(
    name="slips",
    actions={"report_use": Action(report_use)},
    flows=(SLIP,),
    text=disclosed,
)
