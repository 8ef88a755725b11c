"""Typing that one used, outside a check-in: a kind reply, an offer to tell the clinic, and
the lesson on slips; crisis words still come first."""

from __future__ import annotations

import pytest

from bot.content.schema import Flow
from bot.engine.steps import fill
from bot.models import Alert
from tests.conftest import RunningBot
from tests.journeys import orient


def flow(bot: RunningBot, flow_id: str, language: str = "en") -> Flow:
    return bot.companion.content.language(language).flows[flow_id]


@pytest.mark.parametrize(
    "typed",
    [
        "I relapsed last night and I feel like garbage",
        "i used again yesterday",
        "Got drunk at my cousin's party",
        "recaí anoche y me siento fatal",
        "volví a consumir",
    ],
)
async def test_telling_of_use_gets_kindness_an_offer_and_the_slip_lesson(
    bot: RunningBot, typed: str
) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.send(typed)
    offer = flow(bot, "slip").steps[0]
    assert got[0].text == fill(offer.text, {"name": "Sam"})
    assert got[0].labels == [o.label for o in offer.options]
    got = await sam.tap("Yes, tell the clinic")
    assert got[0].text.endswith("➤ Yes, tell the clinic") and got[0].buttons == []
    assert got[1].text == offer.options[0].reply
    assert got[2].text == fill(flow(bot, "lesson_lapse").steps[0].text, {"name": "Sam"})
    assert [(a.kind, a.context) for a in bot.rows(Alert)] == [("use_reported", "slip:offer")]


async def test_not_now_still_opens_the_lesson_and_flags_nothing(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    await sam.send("/language")
    await sam.tap("Español")
    got = await sam.send("I slipped up last weekend")
    offer = flow(bot, "slip", "es").steps[0]
    assert got[0].text == fill(offer.text, {"name": "Sam"})
    got = await sam.tap("Ahora no")
    assert got[0].text.endswith("➤ Ahora no") and got[0].buttons == []
    assert got[1].text == offer.options[1].reply
    assert got[2].text == fill(flow(bot, "lesson_lapse", "es").steps[0].text, {"name": "Sam"})
    assert bot.rows(Alert) == []


@pytest.mark.parametrize(
    "typed", ["I used to love running", "relapse prevention group was good", "ok thanks"]
)
async def test_everyday_words_are_not_read_as_use(bot: RunningBot, typed: str) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.send(typed)
    assert got[0].text == bot.companion.content.language("en").messages.texts.use_buttons


async def test_crisis_words_win_over_words_of_use(bot: RunningBot) -> None:
    sam = bot.person()
    await orient(sam)
    got = await sam.send("I relapsed and I want to kill myself")
    texts = bot.companion.content.language("en").messages.texts
    assert got[0].text.startswith(texts.crisis.split("\n")[0][:40])
    assert len(got) == 1
    assert [a.kind for a in bot.rows(Alert)] == ["crisis_language"]
