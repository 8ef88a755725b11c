"""At the intake question on what a person uses, naming pills and alcohol together is an
answer, stored like any other; a real overdose there still gets 911 first, and the same list
typed anywhere else is still an overdose risk."""

from __future__ import annotations

from bot.content.schema import Step
from bot.models import Alert, Answer, InviteStage
from tests.conftest import BotFactory, RunningBot
from tests.fake_telegram import Person, Sent
from tests.journeys import invite, orient


def intake_steps(bot: RunningBot, language: str) -> dict[str, Step]:
    return {s.id: s for s in bot.companion.content.language(language).flows["intake"].steps}


def crisis_lines(bot: RunningBot, language: str) -> set[str]:
    """The first lines of the crisis and the overdose replies, as the content has them."""
    texts = bot.texts(language)
    return {texts.crisis.splitlines()[0], texts.crisis_overdose.splitlines()[0]}


def got_crisis_lines(bot: RunningBot, language: str, got: list[Sent]) -> bool:
    return any(s.text.splitlines()[0] in crisis_lines(bot, language) for s in got if s.text)


def overdose_first(bot: RunningBot, language: str, got: list[Sent]) -> bool:
    return got[0].text.splitlines()[0] == bot.texts(language).crisis_overdose.splitlines()[0]


def crisis_alerts(bot: RunningBot) -> list[str]:
    return [a.context for a in bot.rows(Alert) if a.kind == "crisis_language"]


async def to_substances(bot: RunningBot, person: Person, label: str, language: str) -> None:
    """Staff invite the person with `--stage intake`; they agree and answer up to the question
    on which drugs or alcohol they used."""
    code = invite(bot, label, InviteStage.INTAKE)
    steps, lang = intake_steps(bot, language), bot.companion.content.language(language)
    consent = lang.flows["consent"]
    agree = next(o.label for s in consent.steps for o in s.options if o.do == "consent_agree")
    await person.send(f"/start {code}")
    while agree not in person.last.labels:
        await person.tap(lang.messages.buttons.next)
    await person.tap(agree)
    await person.tap(lang.messages.buttons.next)
    await person.tap(steps["contact"].options[0].label)
    got = await person.send("I want to stop drinking")
    assert got[-1].text == steps["substances"].text


def stored_as_the_answer(bot: RunningBot, language: str, typed: str, got: list[Sent]) -> None:
    """The typed list got no crisis lines and no flag: it is the substances answer, thanked
    for, and intake moved on."""
    steps = intake_steps(bot, language)
    assert not got_crisis_lines(bot, language, got)
    assert got[0].text == steps["substances"].reply
    assert got[-1].text == steps["last_use"].text
    given = {a.question: a.value for a in bot.rows(Answer) if a.flow == "intake"}
    assert given["substances"] == typed


async def test_naming_pills_and_alcohol_at_the_substances_question_is_stored(
    bot: RunningBot,
) -> None:
    steps = intake_steps(bot, "en")
    sam = bot.person(701)
    await to_substances(bot, sam, "chart-1", "en")
    got = await sam.send("I took a whole bottle of xanax")  # still an emergency at this step
    assert overdose_first(bot, "en", got)
    assert crisis_alerts(bot) == ["intake:substances"]
    await sam.tap(bot.companion.content.language("en").messages.buttons.carry_on)
    got = await sam.send("beer and xanax")
    stored_as_the_answer(bot, "en", "beer and xanax", got)
    assert crisis_alerts(bot) == ["intake:substances"]  # only the bottle of xanax
    # Withdrawal risk is asked and flagged as always.
    await sam.tap(next(o.label for o in steps["last_use"].options if o.value == "today"))
    got = await sam.tap(next(o.label for o in steps["benzos"].options if o.value == "yes"))
    assert got[1].text.startswith(bot.texts().withdrawal)
    assert [a.context for a in bot.rows(Alert) if a.kind == "withdrawal_risk"] == ["intake:benzos"]


async def test_in_spanish_cerveza_y_clonazepam_is_an_answer(bot: RunningBot) -> None:
    eva = bot.person(702, language_code="es")
    await to_substances(bot, eva, "chart-2", "es")
    got = await eva.send("cerveza y clonazepam")
    stored_as_the_answer(bot, "es", "cerveza y clonazepam", got)
    assert crisis_alerts(bot) == []


async def test_outside_intake_the_same_list_gets_911_first(bot: RunningBot) -> None:
    alex = bot.person()
    await orient(alex)
    got = await alex.send("beer and xanax")
    assert overdose_first(bot, "en", got)
    assert crisis_alerts(bot) == ["menu:"]


async def test_a_process_that_did_not_see_the_last_turn_screens_everything(
    start_bot: BotFactory,
) -> None:
    """Another worker, or the bot after a restart, does not know the step without the
    database: it takes the safe side, and the list gets the overdose lines."""
    first = await start_bot()
    await to_substances(first, first.person(703), "chart-3", "en")
    second = await start_bot()
    got = await second.person(703).send("beer and xanax")
    assert overdose_first(second, "en", got)
    assert crisis_alerts(second) == ["intake:substances"]


async def test_drinking_and_taking_xanax_is_stored_at_the_substances_question(
    bot: RunningBot,
) -> None:
    """The sentence says what the person uses: no `mixing:` pattern or rule counts at this
    step, so it is stored and intake goes on."""
    kim = bot.person(704)
    await to_substances(bot, kim, "chart-4", "en")
    got = await kim.send("I drink beer and take xanax")
    stored_as_the_answer(bot, "en", "I drink beer and take xanax", got)
    assert crisis_alerts(bot) == []
