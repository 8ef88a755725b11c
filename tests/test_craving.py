"""'I'm having a craving': a rating, a tool now, a check-back 15 minutes later, both stored."""

from __future__ import annotations

import pytest

from bot.content.schema import Step, Texts
from bot.engine.steps import fill, find_step
from bot.models import Alert, Answer
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import agree, orient

SCALE = [str(n) for n in range(11)]


async def test_ride_out_a_craving_with_a_check_back(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.tap("🌊 I'm having a craving")
    assert got[0].text.startswith("I'm here with you, Sam. How strong is the craving right now?")
    assert got[0].labels == SCALE
    got = await sam.tap("9")  # high: the clinic can be told
    assert got[0].text.endswith("➤ 9") and not got[0].buttons  # the rating stays, answered
    assert got[1].text.startswith("That sounds really hard.")
    got = await sam.tap("Yes, tell the clinic")
    assert got[1].text.startswith("Okay, I let the clinic know.")
    assert [a.kind for a in bot.rows(Alert)] == ["help_request"]
    await sam.tap("Next ▶")
    await sam.tap("Play the tape through")
    await sam.tap("Next ▶")
    got = await sam.tap("Hungry")
    assert got[1].text.startswith("Eat something")
    assert got[2].text.startswith("I'll check back in 15 minutes")
    assert got[2].labels == ["Menu"]  # the check-back keeps its time

    bot.clock.advance(minutes=14)
    await bot.tick()
    assert sam.last.text.startswith("I'll check back in 15 minutes")
    bot.clock.advance(minutes=1)
    await bot.tick()
    assert sam.last.text.startswith("It's been 15 minutes, Sam. How strong is the craving now?")
    got = await sam.tap("3")
    assert got[1].text.startswith("If the urge feels too big")
    ratings = [(a.question, a.value) for a in bot.rows(Answer) if a.flow == "craving"]
    assert ratings == [("rate", "9"), ("checkback", "3")]


async def test_progress_counts_lessons_practice_and_cravings(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.tap("🌊 I'm having a craving")
    await sam.tap("4")
    await sam.tap("Next ▶")
    await sam.tap("Call someone")
    await sam.tap("Next ▶")
    await sam.tap("Tired")
    bot.clock.advance(minutes=15)
    await bot.tick()
    await sam.tap("1")
    got = await sam.send("/progress")
    assert got[0].text == (
        "Here is how far you have come, Sam. Every step counts.\n\n"
        "📚 Lessons done: 0\n🧘 Practice sessions: 0\n⏱️ Minutes of practice: 0\n"
        "🌊 Cravings you rode out: 1"
    )


async def test_a_paced_practice_with_ratings_before_and_after(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.tap("🧘 Mindfulness")
    assert len(got[0].labels) == 8  # six practices, ideas to move and create, the way back
    got = await sam.tap("👉 SOBER breathing space (3 min)")
    assert got[1].text.startswith("Before we start, Sam: how stressed")
    await sam.tap("7")
    while True:
        screen = sam.last_with_buttons()
        if screen.text.startswith("Stay with your breath for one minute"):
            break
        await sam.tap("Next ▶")
    bot.clock.advance(minutes=1)
    await bot.tick()
    assert sam.last.text.startswith("E is for Expand")
    while not sam.last.text.startswith("How do you feel now?"):
        await sam.tap("Next ▶")
    got = await sam.tap("3")
    assert got[1].text == "Thank you for taking this time for yourself."
    await sam.tap("Finish ✔")
    ratings = [(a.question, a.value) for a in bot.rows(Answer) if a.flow == "practice_sober"]
    assert ratings == [("rate_before", "7"), ("rate_after", "3")]
    got = await sam.send("/progress")
    assert "🧘 Practice sessions: 1\n⏱️ Minutes of practice: 1" in got[0].text


async def test_a_third_craving_in_a_day_offers_to_tell_the_clinic(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    for _ in range(3):
        await sam.send("/menu")
        await sam.tap("🌊 I'm having a craving")
        got = await sam.tap("3")  # not high, but the third time today
        bot.clock.advance(hours=2)
    assert got[1].text.startswith("That sounds really hard.")
    await sam.tap("Not now")
    assert bot.rows(Alert) == []
    bot.clock.advance(days=1)
    await sam.send("/menu")
    await sam.tap("🌊 I'm having a craving")
    got = await sam.tap("3")
    assert got[1].text.startswith("I'm glad you came here")


async def test_progress_chart_after_a_few_ratings(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.send("/progress")
    assert got[0].photo is None  # too few ratings for a chart yet
    for day, rating in enumerate(("8", "6", "4")):
        bot.clock.advance(days=day)
        await sam.send("/menu")
        await sam.tap("🌊 I'm having a craving")
        await sam.tap(rating)
        if rating == "8":
            await sam.tap("Not now")
    got = await sam.send("/progress")
    assert got[0].photo is not None and got[0].photo.startswith(b"\x89PNG")
    assert got[0].text.startswith("Here is how far you have come, Sam.")
    assert got[0].labels == ["Carry on"]


async def test_craving_command_from_the_middle_of_orientation(bot: RunningBot) -> None:
    sam = bot.person()
    await agree(sam)
    await sam.send("Sam")
    await sam.tap("Next ▶")
    got = await sam.send("/craving")
    assert got[0].text.startswith("I'm here with you, Sam.")
    await sam.tap("3")
    await sam.tap("Next ▶")
    await sam.tap("Call someone")
    await sam.tap("Next ▶")
    await sam.tap("None of these")
    bot.clock.advance(minutes=15)
    await bot.tick()
    await sam.tap("2")
    got = await sam.tap("Finish ✔")
    # Orientation picks up where it was left.
    assert got[0].text.startswith("The menu opens when we finish the welcome steps")
    assert "Here is when we meet" in got[1].text


async def test_craving_command_before_consent_gives_help_lines(bot: RunningBot) -> None:
    sam = bot.person()
    await sam.send("/start")
    got = await sam.send("/craving")
    assert "988" in got[0].text
    assert bot.rows(Answer) == []


def craving_step(bot: RunningBot, step_id: str, language: str = "en") -> Step:
    flow = bot.companion.content.language(language).flows["craving"]
    found = find_step(flow, step_id)
    assert found is not None
    return found


def texts(bot: RunningBot, language: str = "en") -> Texts:
    return bot.companion.content.language(language).messages.texts


async def wait_for_check_back(bot: RunningBot, sam: Person) -> None:
    """From the menu through a mild craving to the promise of a check-back."""
    await sam.tap("🌊 I'm having a craving")
    await sam.tap("2")
    await sam.tap("Next ▶")
    await sam.tap("Play the tape through")
    await sam.tap("Next ▶")
    got = await sam.tap("None of these")
    assert got[-1].text == fill(craving_step(bot, "checkback").wait_text or "", {})


@pytest.mark.parametrize(
    "meanwhile",
    [["/crisis", "Carry on"], ["Menu", "📚 Lessons"], ["ok thanks"], ["/help", "Carry on"]],
)
async def test_the_check_back_comes_on_time_whatever_happens_meanwhile(
    bot: RunningBot, meanwhile: list[str]
) -> None:
    sam = bot.person()
    await orient(sam)
    await wait_for_check_back(bot, sam)
    question = fill(craving_step(bot, "checkback").text, {"name": "Sam"})
    for action in meanwhile:
        got = await (sam.send(action) if action[0] in "/o" else sam.tap(action))
        assert all(s.text != question for s in got), f"the check-back came early on {action!r}"
    bot.clock.advance(minutes=14)
    await bot.tick()
    assert all(s.text != question for s in sam.inbox())
    bot.clock.advance(minutes=1)
    await bot.tick()
    assert sam.last.text == question
    bot.clock.advance(minutes=30)
    await bot.tick()
    assert [s.text for s in sam.inbox()].count(question) == 1  # once
    await sam.tap("3")
    ratings = [(a.question, a.value) for a in bot.rows(Answer) if a.flow == "craving"]
    assert ratings == [("rate", "2"), ("checkback", "3")]


async def test_a_lesson_left_for_the_check_back_waits_for_its_bookmark(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await wait_for_check_back(bot, sam)
    await sam.tap("Menu")
    await sam.tap("📚 Lessons")
    first = sam.last_with_buttons().labels[0]
    await sam.tap(first)
    second = await sam.tap("Next ▶")
    bot.clock.advance(minutes=15)
    await bot.tick()
    assert sam.last.text == fill(craving_step(bot, "checkback").text, {"name": "Sam"})
    await sam.tap("1")
    await sam.tap("Finish ✔")
    await sam.tap("📚 Lessons")
    got = await sam.tap(first)
    assert got[1].text == second[0].text  # the lesson opens where it was left


async def test_calling_someone_shows_the_people_steps_and_reasons_of_ones_plan(
    bot: RunningBot,
) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/myplan")
    await sam.tap("Add to my plan")
    for choice, typed in (
        ("A person I can call", "Maria 555-0100"),
        ("Something I can do instead", "Walk the dog"),
        ("A reason for my recovery", "My kids"),
        ("A trigger to watch for", "Payday"),
    ):
        await sam.tap(choice)
        await sam.send(typed)
    await sam.send("/craving")
    await sam.tap("4")
    await sam.tap("Next ▶")
    got = await sam.tap("Call someone")
    sections = bot.companion.content.language("en").messages.sections
    plan = (
        f"{sections.people}:\n• Maria 555-0100\n\n{sections.coping}:\n• Walk the dog\n\n"
        f"{sections.reasons}:\n• My kids"
    )
    assert got[1].text == fill(texts(bot).plan_support, {"name": "Sam", "plan_items": plan})
    assert "Payday" not in got[1].text
    assert got[2].text.startswith(craving_step(bot, "call").text.split("\n")[0])
    got = await sam.tap("📝 See my whole plan", on=got[1])
    assert "Payday" in got[0].text and "Maria 555-0100" in got[0].text
    got = await sam.tap("Carry on")
    phone = bot.companion.content.clinic.phone
    assert got[0].text == fill(craving_step(bot, "call").text, {"clinic_phone": phone})


async def test_an_empty_plan_says_kindly_how_to_fill_it(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/language")
    await sam.tap(bot.companion.content.language("es").messages.language_name)
    await sam.send("/craving")
    await sam.tap("4")
    await sam.tap("Siguiente ▶")
    got = await sam.tap("Llamar a alguien")
    assert got[1].text == texts(bot, "es").plan_support_empty
    assert got[1].labels == ["📝 Ver todo mi plan"]
