"""A Spanish-speaking participant goes through consent, orientation and a lesson in Spanish."""

from __future__ import annotations

from pathlib import Path

from bot.content.loader import load_content
from bot.features import build_registry
from bot.models import Completion, ConsentRecord
from tests.conftest import RunningBot
from tests.fake_telegram import Person, Sent

ES = load_content(
    Path(__file__).resolve().parent.parent / "content", build_registry().needs()
).languages["es"]
NEXT, FINISH = ES.messages.buttons.next, ES.messages.buttons.finish


def right_answer(sent: Sent, flow: str) -> str:
    """The label of the quiz option the content marks correct, for the step on screen."""
    step_id = sent.buttons[0][0][1].split("|")[2]
    step = next(s for s in ES.flows[flow].steps if s.id == step_id)
    return next(o.label for o in step.options if o.correct)


async def walk_cards(person: Person, flow: str) -> None:
    """Tap Next, and the right answer of each quiz, until the flow asks for something else."""
    while True:
        screen = person.last_with_buttons()
        if NEXT in screen.labels:
            await person.tap(NEXT)
        elif screen.buttons[0][0][1].startswith(f"s|{flow}|quiz"):
            await person.tap(right_answer(screen, flow))
        else:
            return


async def test_spanish_orientation_and_lesson(bot: RunningBot) -> None:
    ana = bot.person(user_id=777, language_code="es-MX")
    got = await ana.send("/start")
    assert got[0].text.startswith("¡Hola")
    await walk_cards(ana, "consent")
    got = await ana.tap("Sí, estoy de acuerdo")
    assert "llame" in got[-1].text
    [consent] = bot.rows(ConsentRecord)
    assert consent.agreed
    assert bot.participant(777).language == "es"

    got = await ana.send("Ana")
    assert got[0].text == "¡Mucho gusto, Ana!"
    assert "Ana" in got[1].text
    await walk_cards(ana, "orientation")
    assert "zona horaria" in ana.last.text
    got = await ana.send("Denver")
    assert "Montaña (Denver)" in got[0].text
    await ana.tap(ana.last_with_buttons().labels[0])
    got = await ana.tap(FINISH)
    assert got[0].text == "¿Qué te gustaría hacer, Ana?"
    # The clinic's own details come in Spanish too.
    assert any("lunes 18:00-21:00" in s.text for s in ana.seen())

    lessons = next(item.label for item in ES.messages.menu if item.id == "lessons")
    await ana.tap(lessons)
    await ana.tap(ana.last_with_buttons().labels[0])
    await walk_cards(ana, "lesson_cycle")
    got = await ana.tap(FINISH)
    assert got[0].text == "¿Qué te gustaría hacer, Ana?"
    done = {c.flow for c in bot.rows(Completion)}
    assert done == {"orientation", "lesson_cycle"}
    assert all("+" in c.content_version for c in bot.rows(Completion))
