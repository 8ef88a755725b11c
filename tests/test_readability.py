"""Every participant text reads at about a 6th-grade level: grade 7 at most, in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import textstat
import yaml

from bot.content.checks import strings

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
# Readability formulas mean nothing on a few words: shorter texts are not scored.
MIN_WORDS = 8
MAX_GRADE = 7.0  # English: Flesch-Kincaid grade
MIN_EASE_ES = 70.0  # Spanish: Fernández-Huerta ease; 70 to 80 is "fairly easy", about grade 7
PROSE = {"texts", "rights"}  # parts of messages.yaml that are participant text throughout


def participant_texts(language: str) -> Iterator[tuple[str, str]]:
    """Messages, steps and replies, check-in questions, and the clinic's texts, in one language."""
    files = [
        CONTENT / language / "messages.yaml",
        *sorted((CONTENT / language / "flows").glob("*.yaml")),
        *sorted((CONTENT / language / "checkins").glob("*.yaml")),
    ]
    for file in files:
        for path, text in strings(yaml.safe_load(file.read_text())):
            if path[-1] in {"text", "reply", "intro", "outro", "wait_text"} or path[0] in PROSE:
                yield f"{file.relative_to(ROOT)}:{'.'.join(map(str, path))}", text
    for path, text in strings(yaml.safe_load((CONTENT / "clinic.yaml").read_text())):
        if path[-1] == language:
            yield f"content/clinic.yaml:{'.'.join(map(str, path))}", text


def prepared(text: str) -> str:
    """Placeholders become a short word; each line of a list counts as its own sentence."""
    text = re.sub(r"\{[a-z_]+\}", "it", text)
    lines = [line.strip(" •☐-") for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:" else f"{line}." for line in lines if line)


def scored(language: str) -> list[tuple[str, str]]:
    return [(where, prepared(t)) for where, t in participant_texts(language)
            if len(prepared(t).split()) >= MIN_WORDS]  # fmt: skip


def test_english_texts_are_easy_to_read() -> None:
    textstat.set_lang("en")
    texts = scored("en")
    assert len(texts) > 100
    hard = {where: grade for where, text in texts
            if (grade := textstat.flesch_kincaid_grade(text)) > MAX_GRADE}  # fmt: skip
    assert hard == {}


def test_spanish_texts_are_easy_to_read() -> None:
    textstat.set_lang("es")
    texts = scored("es")
    assert len(texts) > 100
    hard = {where: ease for where, text in texts
            if (ease := textstat.fernandez_huerta(text)) < MIN_EASE_ES}  # fmt: skip
    assert hard == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hi {name}!\n• One\n• Two", "Hi it! One. Two."), ("Rules:\n{rules}", "Rules: it.")],
)
def test_lists_count_as_sentences(text: str, expected: str) -> None:
    assert prepared(text) == expected
