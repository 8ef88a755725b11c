"""Content that keeps people safe and speaks of them with respect: the slips lesson warns about
overdose after a break and names naloxone; no text calls a person "clean"; urge surfing rates
the urge itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.checks import strings
from bot.content.files import YamlFile
from bot.content.loader import Language
from bot.models import Answer
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import orient

CONTENT = Path(__file__).resolve().parent.parent / "content"
# "Clean" said of a person or their time; cleaning a room is fine.
LABEL = re.compile(
    r"\b(?:stay(?:ed)?|been|are|is|was|get|getting|am|were|being) clean\b|\bclean (?:time|days)\b",
    re.IGNORECASE,
)


def option_to(language: Language, flow: str, target: str) -> str:
    """The label of the button in `flow` that opens `target`."""
    steps = language.flows[flow].steps
    return next(o.label for s in steps for o in s.options if o.goto == f"flow:{target}")


def menu_label(language: Language, item: str) -> str:
    return next(m.label for m in language.messages.menu if m.id == item)


async def walk(person: Person, language: Language) -> None:
    """Tap Next (or the first option) until the flow finishes."""
    buttons = language.messages.buttons
    while buttons.finish not in person.last_with_buttons().labels:
        labels = person.last_with_buttons().labels
        await person.tap(buttons.next if buttons.next in labels else labels[0])
    await person.tap(buttons.finish)


@pytest.mark.parametrize("code", ["en", "es"])
def test_no_text_calls_a_person_clean(code: str) -> None:
    files = [YamlFile(CONTENT, p) for p in sorted((CONTENT / code).rglob("*.yaml"))]
    found = [f"{file.name}:{file.line(*at)}" for file in files
             for at, text in strings(file.data) if LABEL.search(text)]  # fmt: skip
    assert found == []


@pytest.mark.parametrize(
    ("code", "words"),
    [("en", ("overdose", "Naloxone (Narcan)", "care team")),
     ("es", ("sobredosis", "naloxona (Narcan)", "equipo de cuidado"))],
)  # fmt: skip
async def test_the_slips_lesson_warns_about_overdose(
    bot: RunningBot, code: str, words: tuple[str, ...]
) -> None:
    language = bot.companion.content.language(code)
    sam = bot.person()
    await orient(sam)
    if code != "en":
        await sam.send("/language")
        await sam.tap(language.messages.language_name)
    await sam.send("/menu")
    await sam.tap(menu_label(language, "lessons"))
    await sam.tap(option_to(language, "lessons", "lesson_lapse"))
    await walk(sam, language)
    careful = next(s.text for s in sam.seen() if words[1] in s.text)  # cards edit in place
    assert all(word in careful for word in words)


async def test_urge_surfing_rates_the_urge_as_a_craving(bot: RunningBot) -> None:
    en = bot.companion.content.language("en")
    rating = next(s for s in en.flows["practice_urge"].steps if s.id == "rate_before")
    assert "urge" in rating.text and "stress" not in rating.text
    sam = bot.person()
    await orient(sam)
    await sam.tap(menu_label(en, "mindfulness"))
    got = await sam.tap(option_to(en, "mindfulness", "practice_urge"))
    assert "how strong is the urge" in got[1].text  # got[0]: the menu, answered
    await sam.tap("7")
    [answer] = [a for a in bot.rows(Answer) if a.flow == "practice_urge"]
    assert (answer.question, answer.value) == ("rate_before", "7")
