"""The single screening point every free-text message passes before any step sees it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.content.schema import CrisisWords
from bot.safety.patterns import BLOCK, compile_patterns, normal_spellings, spell, words
from bot.safety.together import Rules


class Danger(StrEnum):
    """How a message sounds: crisis help, or an emergency where 911 comes first."""

    CRISIS = "crisis"
    OVERDOSE = "overdose"

    @property
    def text(self) -> str:
        """The text in messages.yaml this danger is answered with."""
        return "crisis_overdose" if self is Danger.OVERDOSE else "crisis"


@dataclass(frozen=True)
class _Language:
    """One language's crisis words, compiled."""

    spellings: dict[str, str]
    everyday: re.Pattern[str]
    overdose: re.Pattern[str]
    mixing: re.Pattern[str]
    crisis: re.Pattern[str]
    overdose_rules: Rules
    mixing_rules: Rules
    crisis_rules: Rules

    @classmethod
    def of(cls, source: CrisisWords, everyday: Iterable[str]) -> _Language:
        spellings = normal_spellings(source.spellings)
        return cls(
            spellings,
            compile_patterns(everyday, spellings),
            compile_patterns(source.overdose, spellings),
            compile_patterns(source.mixing, spellings),
            compile_patterns(source.crisis, spellings),
            Rules(source.words, source.together.get("overdose", ()), spellings),
            Rules(source.words, source.together.get("mixing", ()), spellings),
            Rules(source.words, source.together.get("crisis", ()), spellings),
        )

    def assess(self, found: list[str], *, names_substances: bool) -> Danger | None:
        text = self.everyday.sub(BLOCK, spell(found, self.spellings))
        mixing = not names_substances and (self.mixing.search(text) or self.mixing_rules.fire(text))
        if mixing or self.overdose.search(text) or self.overdose_rules.fire(text):
            return Danger.OVERDOSE
        if self.crisis.search(text) or self.crisis_rules.fire(text):
            return Danger.CRISIS
        return None


class CrisisScreen:
    """Crisis and overdose patterns of every language, compiled once when content loads.

    Every language's patterns are tried on every message, and every language's everyday
    idioms are skipped in each: people mix languages."""

    def __init__(self, sources: Iterable[CrisisWords]) -> None:
        sources = list(sources)
        everyday = [idiom for source in sources for idiom in source.not_crisis]
        self._languages = [_Language.of(source, everyday) for source in sources]

    def assess(self, text: str, *, names_substances: bool = False) -> Danger | None:
        """OVERDOSE when the text speaks of an overdose or someone not breathing, CRISIS for
        any other crisis words, None for everyday talk. `names_substances`: the text answers
        a question about what the person uses, so two substances named together (the
        `mixing` patterns and rules) are an answer, not an emergency; every other pattern
        and rule still counts."""
        found = words(text)
        dangers = {language.assess(found, names_substances=names_substances)
                   for language in self._languages}  # fmt: skip
        if Danger.OVERDOSE in dangers:
            return Danger.OVERDOSE
        return Danger.CRISIS if Danger.CRISIS in dangers else None
