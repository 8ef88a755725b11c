"""Nothing is cut silently: typed text over a limit is refused with the limit said; a fourth
goal is refused before it is typed; going Back over a rating replaces it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.basics import MAX_NOTE
from bot.checkins.conversation import MAX_TEXT_ANSWER
from bot.content.schema import Texts
from bot.engine.fields import MAX_NAME
from bot.engine.steps import fill
from bot.models import Answer, PlanItem
from bot.plans.feature import MAX_ITEM
from tests.conftest import RunningBot
from tests.journeys import answer_checkin, enrol, orient


def texts(bot: RunningBot) -> Texts:
    return bot.companion.content.language("en").messages.texts


def too_long(bot: RunningBot, limit: int) -> str:
    return fill(texts(bot).too_long, {"value": str(limit)})


async def test_a_plan_item_over_the_limit_is_refused_with_the_limit(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/myplan")
    await sam.tap("Add to my plan")
    question = await sam.tap("A reason for my recovery")
    got = await sam.send("my kids " * 40)
    assert got[0].text == too_long(bot, MAX_ITEM)
    assert got[1].text == question[1].text  # asked again
    assert bot.rows(PlanItem) == []
    await sam.send("My kids")
    assert [i.text for i in bot.rows(PlanItem)] == ["My kids"]


async def test_a_name_over_the_limit_is_refused_with_the_limit(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.tap("⚙️ Settings")
    await sam.tap("My name")
    got = await sam.send("S" * (MAX_NAME + 1))
    assert got[0].text == texts(bot).name_invalid and str(MAX_NAME) in got[0].text
    assert bot.participant().preferred_name == "Sam"


async def test_a_fourth_goal_is_refused_before_it_is_typed(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/myplan")
    await sam.tap("Add to my plan")
    for goal in ("Go to every group", "Sleep by 11", "Call my sister weekly"):
        await sam.tap("A goal from my treatment plan")
        await sam.send(goal)
    got = await sam.tap("A goal from my treatment plan")
    assert got[1].text == texts(bot).goals_full
    assert got[2].labels[0] == "A goal from my treatment plan"  # still choosing, nothing asked
    assert sum(i.section == "goals" for i in bot.rows(PlanItem)) == 3


async def test_going_back_over_a_rating_replaces_it(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/craving")
    await sam.tap("6")
    got = await sam.tap("◀ Back")
    assert got[0].labels[:6] == [str(n) for n in range(6)]
    await sam.tap("4")
    ratings = [(a.question, a.value) for a in bot.rows(Answer) if a.flow == "craving"]
    assert ratings == [("rate", "4")]


async def test_a_reflection_over_the_limit_is_refused_with_the_limit(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)  # Friday, 10:00 in New York
    await sam.tap("⚙️ Settings")
    await sam.tap("Session reminders 1 hour before")
    await bot.run_until(datetime(2026, 11, 28, 18, 0, tzinfo=UTC))  # Saturday's group is over
    question = sam.last
    got = await sam.send("It went well. " * 20)
    assert got[0].text == too_long(bot, MAX_NOTE)
    assert got[1].text == question.text
    assert [a for a in bot.rows(Answer) if a.flow == "reflection"] == []


async def test_a_check_in_note_over_the_limit_is_refused_with_the_limit(bot: RunningBot) -> None:
    ana = bot.person(300)
    await enrol(bot, ana, "ana", zone="New York", time="6pm")
    bot.companion.graduate("ana", date(2026, 11, 30))
    await bot.run_until(datetime(2026, 12, 1, 23, 0, tzinfo=UTC) + timedelta(minutes=1))
    while ana.last.labels != ["Skip"]:
        polite = "Not right now" if "Not right now" in ana.last.labels else ana.last.labels[0]
        await ana.tap(polite)
    question = ana.last
    got = await ana.send("x" * (MAX_TEXT_ANSWER + 1))
    assert got[0].text == too_long(bot, MAX_TEXT_ANSWER)
    assert got[1].text == question.text
    await answer_checkin(ana, note="All good")
    assert [a.value for a in bot.rows(Answer) if a.question == "note"] == ["All good"]
