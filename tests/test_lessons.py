"""Lessons: the list shows what is done and what comes next; a lesson left halfway resumes."""

from __future__ import annotations

import pytest

from bot.models import Answer, Bookmark, Completion, PlanItem
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import orient

CYCLE = "How use happens: the cycle"
OUTSIDE = "Outside triggers"
LEVELS = "What your level of care means"
LEAVE = "Back to the menu"
PRACTICES = [
    "practice_sober", "practice_urge", "practice_body_scan", "practice_mountain",
    "practice_kindness", "practice_walking", "holistic",
]  # fmt: skip


async def test_progress_marks_and_resume(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.tap("📚 Lessons")
    assert got[0].labels[:2] == [f"👉 {CYCLE}", OUTSIDE]
    assert len(got[0].labels) == 14  # thirteen lessons and the way back
    first = await sam.tap(f"👉 {CYCLE}")
    await sam.tap("Next ▶")
    third = await sam.tap("Next ▶")
    got = await sam.send("/menu")  # leave halfway
    [mark] = bot.rows(Bookmark)
    assert (mark.flow, mark.step) == ("lesson_cycle", bot.participant().step or mark.step)
    await sam.tap("📚 Lessons")
    got = await sam.tap(f"👉 {CYCLE}")
    assert got[0].text.endswith(f"➤ {CYCLE}")  # the list stays, answered
    assert got[1].text == third[0].text  # back where it was left, not at the start
    assert got[1].text != first[1].text
    assert "◀ Back" in got[1].labels
    assert bot.rows(Bookmark) == []
    while "Finish ✔" not in sam.last_with_buttons().labels:
        screen = sam.last_with_buttons()
        await sam.tap("Next ▶" if "Next ▶" in screen.labels else screen.labels[0])
    await sam.tap("Finish ✔")
    assert [c.flow for c in bot.rows(Completion)] == ["orientation", "lesson_cycle"]
    got = await sam.tap("📚 Lessons")
    assert got[0].labels[:2] == [f"✓ {CYCLE}", f"👉 {OUTSIDE}"]


async def test_a_trigger_lesson_builds_my_triggers(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.tap("📚 Lessons")
    await sam.tap(OUTSIDE)
    screen = sam.last_with_buttons()
    while not screen.buttons[0][0][1].startswith("s|lesson_external|pick|"):
        labels = screen.labels
        await sam.tap("Next ▶" if "Next ▶" in labels else labels[0])
        screen = sam.last_with_buttons()
    first, second = screen.labels[0], screen.labels[1]
    await sam.tap(first)
    await sam.tap(second)
    got = await sam.send("/myplan")
    assert f"My triggers:\n• {first}\n• {second}" in got[0].text


async def test_the_lesson_on_levels_of_care_is_open_to_everyone(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)  # invited without intake, which offers this lesson too
    got = await sam.tap("📚 Lessons")
    assert got[0].labels[-2:] == [LEVELS, LEAVE]
    got = await sam.tap(LEVELS)
    assert got[-1].text.startswith("Care comes in levels.")
    for _ in range(4):
        got = await sam.tap("Next ▶")
    assert "questions at your assessment" in got[-1].text
    await sam.tap("Next ▶")
    got = await sam.send("What if I miss a group?")
    assert got[0].text == "Saved: What if I miss a group?"
    await sam.tap("Yes, add one more")
    await sam.send("Can my sister come?")
    got = await sam.tap("No, let's go on")
    assert "📚 Lessons" in got[-1].labels  # the menu, as after any lesson
    questions = [i.text for i in bot.rows(PlanItem) if i.section == "questions"]
    assert questions == ["What if I miss a group?", "Can my sister come?"]
    assert "lesson_levels" in {c.flow for c in bot.rows(Completion)}
    got = await sam.tap("📚 Lessons")
    assert f"✓ {LEVELS}" in got[0].labels
    got = await sam.send("/myplan")
    assert "My questions for the assessment:\n• What if I miss a group?\n• Can my sister come?" in (
        got[0].text
    )


async def test_build_and_edit_the_relapse_prevention_plan(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/myplan")
    got = await sam.tap("Add to my plan")
    assert got[0].text == "What would you like to add to your plan?"
    await sam.tap("A warning sign")
    got = await sam.send("Skipping meetings")
    assert got[0].text == "Added to My warning signs: Skipping meetings"
    await sam.tap("A reason for my recovery")
    await sam.send("My kids")
    await sam.tap("A person I can call")
    await sam.send("Maria 555-0100")
    got = await sam.tap("I'm done")
    plan = got[1].text
    assert "My warning signs:\n• Skipping meetings" in plan
    assert "My reasons for recovery:\n• My kids" in plan
    assert "People I can call:\n• Maria 555-0100" in plan
    await sam.tap("Take something off")
    got = await sam.tap("My kids")
    assert "My reasons for recovery:\nNothing here yet." in got[1].text


async def walk_to_the_end(bot: RunningBot, person: Person, flow: str, limit: int = 60) -> None:
    """Tap through a flow as a hurried person would: Next, the first choice, Carry on; a
    question seen before gets its last answer, so loops like "another idea?" end."""
    seen: set[str] = set()
    for _ in range(limit):
        if flow in {c.flow for c in bot.rows(Completion)}:
            return
        screen = person.last_with_buttons()
        labels = [x for x in screen.labels if x not in {"◀ Back", "Remind me later", LEAVE}]
        pick = next(
            (x for x in ("Next ▶", "Finish ✔", "Carry on", "Skip", "5") if x in labels), labels[0]
        )
        if screen.text in seen and pick == labels[0]:
            pick = labels[-1]
        seen.add(screen.text)
        await person.tap(pick, on=screen)
    raise AssertionError(f"{flow} did not finish in {limit} taps")


@pytest.mark.parametrize("practice", PRACTICES)
async def test_every_practice_can_be_done(bot: RunningBot, practice: str) -> None:
    sam = bot.person()
    await orient(sam)
    menu = await sam.tap("🧘 Mindfulness")
    # The Mindfulness page lists the practices in this order.
    await sam.tap(menu[0].labels[PRACTICES.index(practice)])
    await walk_to_the_end(bot, sam, practice)
    if practice.startswith("practice_"):
        questions = [a.question for a in bot.rows(Answer) if a.flow == practice]
        assert questions == ["rate_before", "rate_after"]
