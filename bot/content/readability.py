"""Reading level: every participant text reads at about a 6th-grade level, grade 7 at most."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import textstat

from bot.content.checks import strings
from bot.content.files import Problem, YamlFile

# Readability formulas mean nothing on a few words: shorter texts are not scored.
MIN_WORDS = 8
MAX_GRADE = 7.0  # English: Flesch-Kincaid grade
MIN_EASE_ES = 70.0  # Spanish: Fernández-Huerta ease; 70 to 80 is "fairly easy", about grade 7
PROSE = {"texts", "rights"}  # parts of messages.yaml that are participant text throughout
TEXT_KEYS = {"text", "reply", "intro", "outro", "wait_text"}
SCORED = ("en", "es")  # the languages with a formula and a threshold


@dataclass(frozen=True)
class Text:
    """One participant text, ready to score, and where it is."""

    file: str
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


def prepared(text: str) -> str:
    """Placeholders become a short word; each line of a list counts as its own sentence."""
    text = re.sub(r"\{[a-z_]+\}", "it", text)
    lines = [line.strip(" •☐-") for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:" else f"{line}." for line in lines if line)


def participant_texts(root: Path, language: str) -> Iterator[Text]:
    """Messages, steps and replies, check-in questions, and the clinic's texts, in one
    language, long enough to score."""
    files = [
        root / language / "messages.yaml",
        *sorted((root / language / "flows").glob("*.yaml")),
        *sorted((root / language / "checkins").glob("*.yaml")),
    ]
    found: list[tuple[YamlFile, tuple[str | int, ...], str]] = []
    for path in files:
        file = YamlFile(root, path)
        found += [
            (file, where, text)
            for where, text in strings(file.data)
            if where[-1] in TEXT_KEYS or where[0] in PROSE
        ]
    clinic = YamlFile(root, root / "clinic.yaml")
    found += [
        (clinic, where, text) for where, text in strings(clinic.data) if where[-1] == language
    ]
    for file, where, text in found:
        ready = prepared(text)
        if len(ready.split()) >= MIN_WORDS:
            yield Text(file.name, file.line(*where), ready)


def difficulty(text: str, language: str) -> float:
    """How hard a text is, higher is harder, 0 at the limit: grade over 7 in English, ease
    under 70 in Spanish."""
    textstat.set_lang(language)
    if language == "es":
        return MIN_EASE_ES - float(textstat.fernandez_huerta(text))
    return float(textstat.flesch_kincaid_grade(text)) - MAX_GRADE


def score(language: str, text: str) -> str:
    """The score as editors know it: 'grade 8.1, aim for 7 or less'."""
    textstat.set_lang(language)
    if language == "es":
        return f"ease {textstat.fernandez_huerta(text):.1f}, aim for {MIN_EASE_ES:.0f} or more"
    return f"grade {textstat.flesch_kincaid_grade(text):.1f}, aim for {MAX_GRADE:.0f} or less"


def ranked(root: Path, language: str) -> list[tuple[float, Text]]:
    """Every scored text with its difficulty, hardest first (none for unscored languages)."""
    if language not in SCORED:
        return []
    texts = [(difficulty(t.text, language), t) for t in participant_texts(root, language)]
    return sorted(texts, key=lambda pair: -pair[0])


def too_hard(texts: list[tuple[float, Text]], language: str) -> list[Problem]:
    """Texts above the reading level, as warnings with file and line."""
    advice = "use shorter sentences and everyday words"
    return [
        Problem(t.file, t.line, f"hard to read: {score(language, t.text)}; {advice}", warning=True)
        for hard, t in texts
        if hard > 0
    ]
