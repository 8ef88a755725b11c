"""Odd input gets a kind answer, nothing crashes, nothing is recorded twice."""

from __future__ import annotations

from typing import Any

from bot.models import Answer, ConsentRecord
from tests.conftest import RunningBot
from tests.journeys import agree


async def test_double_tap_on_agree_records_one_consent(bot: RunningBot) -> None:
    alex = bot.person()
    await alex.send("/start")
    for _ in range(3):
        await alex.tap("Next ▶")
    question = alex.last_with_buttons()
    agree = question.data_for("Yes, I agree")
    await alex.tap_data(agree, on=question)
    assert "call you" in alex.last.text
    got = await alex.tap_data(agree, on=question)  # the second tap of a double tap
    assert got == [] and bot.telegram.notices == [bot.texts().stale_tap]
    assert bot.telegram.live_keyboards(alex.chat_id) == 1
    assert len(bot.rows(ConsentRecord)) == 1


async def test_forged_button_data(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    for forged in [
        "hello",
        "s|orientation|name",
        "s|orientation|name|99",
        "m|admin",
        "g|xx",
        "s|consent|decide|0",
        "|" * 40,
        "",
    ]:
        got = await alex.tap_data(forged)
        if forged == "s|consent|decide|0":  # well made, but from an earlier step
            assert got == [] and bot.telegram.notices[-1] == bot.texts().stale_tap
            continue
        assert "button" in got[0].text, forged
        assert "call you" in got[-1].text, forged
    assert len(bot.rows(ConsentRecord)) == 1
    assert bot.participant().step == "name"


async def test_media_edits_long_text_and_unknown_commands(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    samples: list[dict[str, Any]] = [
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "u1",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 3}},
    ]
    for media in samples:
        got = await alex.send_media(**media)
        assert got[0].text.startswith("I can only read text and buttons")
        assert "call you" in got[1].text
    got = await alex.edit("Sammy")
    assert got[0].text.startswith("I only read new messages")
    got = await alex.send("x" * 5000)
    assert got[0].text.startswith("Please send just the name")
    got = await alex.send("/frobnicate")
    assert got[0].text.startswith("I don't know that command")
    assert got[0].labels == ["Carry on"]
    got = await alex.tap("Carry on")
    assert "call you" in got[0].text
    assert bot.participant().preferred_name is None


async def test_text_where_buttons_are_expected(bot: RunningBot) -> None:
    alex = bot.person()
    await alex.send("/start")
    got = await alex.send("what is this?")
    assert got[0].text.startswith("I'm a simple bot")
    assert "welcome" in got[1].text.lower()


async def test_the_same_update_delivered_twice_is_answered_once(bot: RunningBot) -> None:
    alex = bot.person()
    await agree(alex)
    await alex.send("Sam")
    for _ in range(8):
        await alex.tap("Next ▶")
    quiz = alex.last_with_buttons()
    assert quiz.labels[0] == "Just skip it"
    payload = {
        "update_id": 10_000,
        "callback_query": {
            "id": "q1",
            "chat_instance": "1",
            "data": quiz.data_for("Just skip it"),
            "from": {"id": alex.user_id, "is_bot": False, "first_name": "Alex"},
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": alex.user_id, "type": "private"},
            },
        },
    }
    first = await alex.redeliver_last_update(payload)
    again = await alex.redeliver_last_update(payload)
    assert first and again == []
    assert len(bot.rows(Answer)) == 1
