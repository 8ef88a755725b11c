"""A new participant goes from /start through consent and orientation to the menu."""

from __future__ import annotations

from bot.models import Answer, Completion, ConsentRecord
from tests.conftest import RunningBot


async def test_consent_then_orientation_then_menu(bot: RunningBot) -> None:
    alex = bot.person()
    got = await alex.send("/start")
    assert "welcome" in got[0].text.lower()
    # Nothing but the Telegram id before consent.
    stored = bot.participant()
    assert (stored.preferred_name, stored.language, stored.consented_at) == (None, None, None)

    got = await alex.tap("Next ▶")
    assert "not a crisis service" in got[0].text and "988" in got[0].text
    got = await alex.tap("Next ▶")
    assert "not end-to-end encrypted" in got[0].text
    got = await alex.tap("Next ▶")
    assert got[0].labels[:2] == ["Yes, I agree", "Not now"]
    got = await alex.tap("Yes, I agree")
    assert got[0].text.endswith("➤ Yes, I agree") and not got[0].buttons  # answered in place
    assert got[1].text == "Thank you! Let's get started."
    assert "call you" in got[2].text

    [consent] = bot.rows(ConsentRecord)
    assert consent.agreed and consent.content_version.startswith("1+")
    assert consent.recorded_at.tzinfo is not None

    got = await alex.send("Sam")
    assert got[0].text == "Nice to meet you, Sam!"
    assert "Here is the whole path, Sam" in got[1].text
    for expected in [
        "Here is when we meet",
        "three kinds of sessions",
        "A few rules",
        "What we ask of you",
        "Please bring these",
        "first weeks",
        "quick check",
    ]:
        got = await alex.tap("Next ▶")
        assert expected in got[0].text
    got = await alex.tap("Next ▶")
    assert got[0].labels[:3] == [
        "Just skip it",
        "Call the clinic before it starts",
        "Wait and explain next week",
    ]
    got = await alex.tap("Just skip it")  # a wrong answer gets a kind correction
    assert got[0].text.endswith("➤ Just skip it")  # the question stays, answered
    assert got[1].text.startswith("Almost!")
    got = await alex.tap("Come anyway and tell their counselor")
    assert got[1].text.startswith("That's right.")
    got = await alex.tap("988 or 911")
    assert got[1].text.startswith("Yes.")
    assert "time zone" in got[2].text
    got = await alex.send("chicago")
    assert got[0].text == "Got it: Central (Chicago)."
    got = await alex.tap("Evening (6:00 PM)")
    assert got[1].text == "Okay, I'll aim for 6:00 PM."
    assert "You did it, Sam!" in got[2].text
    got = await alex.tap("Finish ✔")
    assert got[0].text == "What would you like to do, Sam?"
    assert "🌊 I'm having a craving" in got[0].labels

    stored = bot.participant()
    assert stored.preferred_name == "Sam" and stored.timezone == "America/Chicago"
    assert stored.message_minute == 18 * 60 and stored.oriented_at is not None
    assert (stored.flow, stored.step) == (None, None)
    answers = {a.question: a.value for a in bot.rows(Answer)}
    assert answers == {
        "quiz_missed": "Just skip it",
        "quiz_slip": "Come anyway and tell their counselor",
        "quiz_crisis": "988 or 911",
    }
    [completion] = bot.rows(Completion)
    assert completion.flow == "orientation"


async def test_back_and_decline(bot: RunningBot) -> None:
    alex = bot.person()
    await alex.send("/start")
    await alex.tap("Next ▶")
    got = await alex.tap("◀ Back")
    assert "welcome" in got[0].text.lower()
    for _ in range(3):
        await alex.tap("Next ▶")
    got = await alex.tap("Not now")
    assert "said no" in got[1].text
    [consent] = bot.rows(ConsentRecord)
    assert not consent.agreed
    assert bot.participant().consented_at is None
    got = await alex.tap("I changed my mind")
    assert got[1].labels[0] == "Yes, I agree"
