"""Crisis words said many ways, in both languages, get help at once; an overdose gets 911 first;
an everyday idiom gets the ordinary reply."""

from __future__ import annotations

from bot.content.loader import Language
from bot.models import Alert
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import agree, orient


def lines(bot: RunningBot, code: str) -> tuple[str, str]:
    """The first line of the crisis text and of the overdose text, as content has them."""
    texts = bot.companion.content.language(code).messages.texts
    return texts.crisis.splitlines()[0], texts.crisis_overdose.splitlines()[0]


async def agree_in_spanish(person: Person, spanish: Language) -> None:
    """From /start through the consent cards to the Spanish 'I agree'."""
    await person.send("/start")
    consent = spanish.flows["consent"]
    agree_label = next(o.label for s in consent.steps for o in s.options if o.do == "consent_agree")
    while agree_label not in person.last.labels:
        await person.tap(spanish.messages.buttons.next)
    await person.tap(agree_label)


async def test_english_phrasings_get_the_crisis_reply_and_staff_are_told(bot: RunningBot) -> None:
    crisis, overdose = lines(bot, "en")
    alex = bot.person()
    await agree(alex)
    for message in (
        "I don't want to be alive anymore",
        "gonna kms",
        "i want to kil myself",
        "I wrote a goodbye letter",
        "thinking about ending it all tonight",
    ):
        got = await alex.send(message)
        assert got[0].text.splitlines()[0] == crisis, message
        assert got[0].labels == ["Carry on"]
    got = await alex.send("I took too many pills")
    assert got[0].text.splitlines()[0] == overdose
    assert "Call 911 now" in got[0].text and "988" in got[0].text and "Poison Help" in got[0].text
    alerts = bot.rows(Alert)
    assert [(a.kind, a.context) for a in alerts] == [("crisis_language", "orientation:name")] * 6
    # The step waits where it was: the carry-on button leads back to it.
    got = await alex.tap("Carry on")
    assert "call you" in got[0].text


async def test_spanish_phrasings_get_the_crisis_reply_in_spanish(bot: RunningBot) -> None:
    spanish = bot.companion.content.language("es")
    crisis, overdose = lines(bot, "es")
    ana = bot.person(user_id=777, language_code="es")
    await agree_in_spanish(ana, spanish)
    for message in ("ya no tengo razones para vivir", "NO QUIERO SEGUIR VIVIENDO", "kiero matarme"):
        got = await ana.send(message)
        assert got[0].text.splitlines()[0] == crisis, message
    got = await ana.send("me voy a tomar todas las pastillas")
    assert got[0].text.splitlines()[0] == overdose
    assert "911" in got[0].text and "988" in got[0].text
    got = await ana.send("mi amigo no respira")
    assert got[0].text.splitlines()[0] == overdose
    assert len(bot.rows(Alert)) == 5


async def test_everyday_idioms_get_the_ordinary_reply(bot: RunningBot) -> None:
    texts = bot.companion.content.language("en").messages.texts
    alex = bot.person()
    await orient(alex)
    for message in ("I'm dying to see my kids", "this lesson is killing me", "me mata el calor"):
        got = await alex.send(message)
        assert got[0].text == texts.use_buttons, message
    assert bot.rows(Alert) == []


async def test_words_that_come_together_get_help_where_no_pattern_would(bot: RunningBot) -> None:
    """Messages only the word-list rules catch: crisis words spread over a sentence, and an
    overdose told in a person's own words."""
    crisis, overdose = lines(bot, "en")
    alex = bot.person()
    await agree(alex)
    got = await alex.send("i honestly think i might just die, the rope is already tied")
    assert got[0].text.splitlines()[0] == crisis
    got = await alex.send("my buddy took a bunch of bars and now he is gasping")
    assert got[0].text.splitlines()[0] == overdose
    assert [a.kind for a in bot.rows(Alert)] == ["crisis_language"] * 2
