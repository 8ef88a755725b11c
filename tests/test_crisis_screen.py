"""The crisis screen against a labelled set of messages, built from the real content."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.content.loader import load_content
from bot.content.schema import CrisisWords
from bot.features import build_registry
from bot.safety.patterns import words
from bot.safety.screening import CrisisScreen, Danger

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = Path(__file__).with_name("crisis_messages.yaml")
MAX_FALSE_ALARMS = 0.05
# The word lists and rules alone, without a single pattern, must still catch this share of
# the labelled set: they are what catches the ways of saying it nobody wrote down.
MIN_RULES_ALONE = 0.6
EXPECTED = {"crisis": Danger.CRISIS, "overdose": Danger.OVERDOSE, "none": None}


@pytest.fixture(scope="module")
def sources() -> list[CrisisWords]:
    content = load_content(ROOT / "content", build_registry().needs())
    return [language.crisis for language in content.languages.values()]


@pytest.fixture(scope="module")
def screen(sources: list[CrisisWords]) -> CrisisScreen:
    return CrisisScreen(sources)


def labelled() -> list[tuple[str, str, Danger | None]]:
    """(language, text, expected) for every message in the set."""
    data = yaml.safe_load(MESSAGES.read_text())
    return [(language, text, EXPECTED[label])
            for language, groups in data.items()
            for label, texts in groups.items()
            for text in texts]  # fmt: skip


def test_the_set_is_wide_enough() -> None:
    rows = labelled()
    assert len(rows) >= 300
    for language in ("en", "es"):
        for expected in EXPECTED.values():
            assert sum(1 for lang, _, e in rows if (lang, e) == (language, expected)) >= 20


def test_no_message_has_two_labels() -> None:
    """The set grows from several people's batches: a message the screen reads the same way
    can't be both a crisis and everyday talk."""
    labels: dict[str, set[Danger | None]] = {}
    for _, text, expected in labelled():
        labels.setdefault(" ".join(words(text)), set()).add(expected)
    assert {text: found for text, found in labels.items() if len(found) > 1} == {}


def test_every_crisis_is_caught_and_few_everyday_messages_alarm(screen: CrisisScreen) -> None:
    rows = labelled()
    missed = [(lang, text, expected, got) for lang, text, expected in rows
              if expected is not None and (got := screen.assess(text)) not in
              ({Danger.OVERDOSE} if expected is Danger.OVERDOSE else set(Danger))]  # fmt: skip
    everyday = [(lang, text) for lang, text, expected in rows if expected is None]
    alarms = [(lang, text, got) for lang, text in everyday if (got := screen.assess(text))]
    dangers = sum(1 for _, _, expected in rows if expected is not None)
    recall = 1 - len(missed) / dangers
    false_alarms = len(alarms) / len(everyday)
    report = (
        f"recall {recall:.1%} of {dangers} crisis and overdose messages, "
        f"false alarms {false_alarms:.1%} of {len(everyday)} everyday ones"
    )
    print(report)
    assert missed == [], report
    assert false_alarms <= MAX_FALSE_ALARMS, f"{report}: {alarms}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to kill myself, and he's not breathing", Danger.OVERDOSE),
        ("I want to kill myself", Danger.CRISIS),
        ("I'm so hungry I could eat a horse", None),
    ],
)
def test_overdose_wins_over_crisis(screen: CrisisScreen, text: str, expected: Danger) -> None:
    assert screen.assess(text) is expected


def test_a_long_message_is_screened_whole(screen: CrisisScreen) -> None:
    """4,000 characters of near-misses made of the words patterns look for, and a crisis only
    at the very end. Gaps span at most a few words, so no pattern can backtrack out of
    control on text like this."""
    filler = "want to not to kill my the so i am going to take all my time and wake up "
    text = (filler * 60)[:3980]
    assert screen.assess(text) is None
    assert screen.assess(text + " i want to die") is Danger.CRISIS


def test_the_word_lists_alone_catch_most_crises(sources: list[CrisisWords]) -> None:
    """Patterns are tuned on this set; the rules over word lists are not phrase-shaped, so what
    they catch here without any pattern says how well they carry to new messages."""
    no_patterns = {"overdose": (), "mixing": (), "crisis": ()}
    rules_alone = CrisisScreen(s.model_copy(update=no_patterns) for s in sources)
    rows = labelled()
    dangers = [text for _, text, expected in rows if expected is not None]
    everyday = [text for _, text, expected in rows if expected is None]
    caught = sum(1 for text in dangers if rules_alone.assess(text))
    alarms = sum(1 for text in everyday if rules_alone.assess(text))
    report = (
        f"rules alone: caught {caught / len(dangers):.1%}, "
        f"false alarms {alarms / len(everyday):.1%}"
    )
    print(report)
    assert caught / len(dangers) >= MIN_RULES_ALONE, report
    assert alarms / len(everyday) <= MAX_FALSE_ALARMS, report


def small_screen(rule: str) -> CrisisScreen:
    """A screen with three word lists and one rule, to show what a rule means."""
    words = {"hurt": ("hurt", "hurting"), "self": ("myself",), "past": ("ago", "used to")}
    source = CrisisWords(
        version=1, overdose=("zzz",), crisis=("zzz",), not_crisis=("hurt myself cooking",),
        words=words, together={"crisis": (rule,)},
    )  # fmt: skip
    return CrisisScreen([source])


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ("hurt + self within 3", "I hurt myself", Danger.CRISIS),
        ("hurt + self within 3", "myself, always hurting", Danger.CRISIS),
        ("hurt + self within 3", "hurting, honestly, me and myself", None),
        ("hurt + self", "hurting, honestly, me and myself", Danger.CRISIS),
        ("hurt + self within 3 unless past", "I used to hurt myself", None),
        ("hurt + self within 3 unless past", "I used to drink. Now I hurt myself", Danger.CRISIS),
        ("hurt + self unless past", "I used to drink. Now I hurt myself", None),
        ("hurt + self within 3", "I hurt myself cooking", None),
    ],
)
def test_a_rule_wants_a_word_of_each_list_close_enough(
    rule: str, text: str, expected: Danger | None
) -> None:
    assert small_screen(rule).assess(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i honestly think i might just die", Danger.CRISIS),
        ("the rope is already tied", Danger.CRISIS),
        ("my buddy took a bunch of bars and now he is gasping", Danger.OVERDOSE),
        ("💊💊💊 tonight. no more.", Danger.CRISIS),
        ("ya estoy lista para borrarme", Danger.CRISIS),
        ("mi amigo se metió algo y sigue sin despertar", Danger.OVERDOSE),
        ("I overdosed two years ago and I'm proud of my clean time", None),
        ("my uncle died last year, I still miss him", None),
        ("hace dos años tuve una sobredosis", None),
    ],
)
def test_new_ways_of_saying_it(screen: CrisisScreen, text: str, expected: Danger | None) -> None:
    assert screen.assess(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What people use, as they would answer "which drugs or alcohol have you used?"
        ("beer and xanax", None),
        ("alcohol, klonopin", None),
        ("wine and sleeping pills", None),
        ("vodka, weed, bars", None),
        ("cerveza y clonazepam", None),
        ("alcohol y pastillas para dormir", None),
        # Everything but two substances named together still counts there
        ("I took a whole bottle of xanax", Danger.OVERDOSE),
        ("took 20 bars and drank a fifth", Danger.OVERDOSE),
        ("he mixed xanax and vodka and now he won't wake up", Danger.OVERDOSE),
        ("me tomé todas las pastillas con cerveza", Danger.OVERDOSE),
        ("I want to die", Danger.CRISIS),
        ("beer and xanax, and I want to die", Danger.CRISIS),
    ],
)
def test_at_a_step_that_asks_what_they_use_naming_two_is_an_answer(
    screen: CrisisScreen, text: str, expected: Danger | None
) -> None:
    """Only the `mixing:` patterns are skipped there; in any other chat the same list is an
    overdose risk (the labelled set says so)."""
    assert screen.assess(text, names_substances=True) is expected
    if expected is None:
        assert screen.assess(text) is Danger.OVERDOSE


def test_sleeping_alone_is_not_a_drug(screen: CrisisScreen) -> None:
    assert screen.assess("My drinking, and sleeping better") is None
    assert screen.assess("wine and sleeping pills") is Danger.OVERDOSE


# Answers people give at intake's questions on what they use, when they last used, benzos,
# opioids and the medicines they take: how much, how often, with doses.
INTAKE_ANSWERS = [
    "I drink beer and take xanax",
    "I take 2 klonopin a day",
    "I take 3 pills a day and drink 6 beers",
    "2 xanax a day",
    "methadone 80 mg",
    "suboxone 8mg twice a day",
    "I drink a 12 pack most nights and take my klonopin",
    "help with my drinking and my xanax",
    "beer, vodka on weekends, xanax when I can get it",
    "I drink wine every night and take ambien to sleep",
    "6 beers a night and 1mg klonopin",
    "alcohol daily, about a fifth, and 2mg xanax 3 times a day",
    "valium 10 mg twice daily, and I drink on weekends",
    "percs and beer",
    "I take oxy for my back and drink a few beers after work",
    "fentanyl, sometimes xanax, and I drink",
    "heroin daily and bars when I can, plus liquor",
    "yesterday, I had some beers and a couple xanax",
    "last night I drank and took a klonopin",
    "this morning, 2 bars and a beer",
    "gabapentin 300 mg three times a day, seroquel 50 at night",
    "seroquel 100mg at night, and I drink 4 or 5 beers",
    "I take 5 xanax a day",
    "I drink 8 beers a day and take 4 klonopin",
    "klonopin 1mg 3x a day, prescribed",
    "I use meth and drink, and take xanax to come down",
    "whiskey mostly, and my ativan",
    "tramadol 50mg, and wine with dinner",
    "I drink and take sleeping pills most nights",
    "lean and xanax",
    "tomo clonazepam y cerveza",
    "fumo mota y tomo alprazolam",
    "tomo 2 rivotril al dia",
    "cerveza todos los dias y clonazepam en la noche",
    "tomo alprazolam 2 mg y bebo cerveza los fines de semana",
    "metadona 80 mg",
    "ayer tome unas cervezas y una pastilla",
    "bebo 6 cervezas diario y tomo tafil",
    "tomo pastillas para dormir y vino",
    "ayuda con la bebida y las pastillas",
    "heroina y alcohol",
    "tomo 3 pastillas al dia y bebo vino",
    "suboxone 8 mg dos veces al dia",
    "me tomo un xanax y unas chelas los viernes",
]
# What someone in danger could type at the same steps.
INTAKE_DANGERS = [
    ("I took a whole bottle of xanax", Danger.OVERDOSE),
    ("I just took 30 pills", Danger.OVERDOSE),
    ("I took all my klonopin with a fifth of vodka", Danger.OVERDOSE),
    ("just took 10 bars and drank a bottle of wine", Danger.OVERDOSE),
    ("I took way too many pills and I'm drinking", Danger.OVERDOSE),
    ("I mixed xanax and alcohol and I can't breathe", Danger.OVERDOSE),
    ("I took 8 klonopin and now I feel like I'm dying", Danger.OVERDOSE),
    ("my boyfriend took xanax and drank and he's not breathing", Danger.OVERDOSE),
    ("I'm going to take all my pills tonight", Danger.OVERDOSE),
    ("I just took 4 bars and drank a fifth of vodka", Danger.OVERDOSE),
    ("took a bunch of xanax with beer an hour ago", Danger.OVERDOSE),
    ("i drank a bottle of wine and took my whole script of ambien", Danger.OVERDOSE),
    ("just mixed xanax and vodka, scared", Danger.OVERDOSE),
    ("I took xanax and drank and I can barely keep my eyes open", Danger.OVERDOSE),
    ("took klonopin and vodka and my chest feels heavy", Danger.OVERDOSE),
    ("tomé todas mis pastillas", Danger.OVERDOSE),
    ("me tomé todas las pastillas con cerveza", Danger.OVERDOSE),
    ("mi novio tomó pastillas con alcohol y no respira", Danger.OVERDOSE),
    ("me trague el frasco de clonazepam", Danger.OVERDOSE),
    ("tomé clonazepam con tequila hace una hora y me siento muy mal", Danger.OVERDOSE),
    ("me tomé unas pastillas con alcohol y no me siento bien", Danger.OVERDOSE),
    ("mezclé alcohol con clonazepam y no puedo mantener los ojos abiertos", Danger.OVERDOSE),
    ("mi amigo tomó xanax con vino y no despierta", Danger.OVERDOSE),
    ("I want to die", Danger.CRISIS),
    ("I want to kill myself with my pills and vodka", Danger.CRISIS),
    ("me quiero morir", Danger.CRISIS),
    ("quiero matarme", Danger.CRISIS),
]


@pytest.mark.parametrize("text", INTAKE_ANSWERS)
def test_an_honest_answer_at_intake_is_an_answer(screen: CrisisScreen, text: str) -> None:
    """Neither the `mixing:` patterns nor the `mixing:` rules under `together:` count there."""
    assert screen.assess(text, names_substances=True) is None


@pytest.mark.parametrize(("text", "expected"), INTAKE_DANGERS)
def test_a_danger_at_intake_still_gets_help(
    screen: CrisisScreen, text: str, expected: Danger
) -> None:
    assert screen.assess(text, names_substances=True) is expected


@pytest.mark.parametrize(
    "text", ["I drink 8 beers a day and take 4 klonopin", "me tomo un xanax y unas chelas"]
)
def test_outside_intake_a_mixing_rule_gets_911_first(screen: CrisisScreen, text: str) -> None:
    """These two fire only through the `mixing:` rules under `together:`, not a pattern."""
    assert screen.assess(text) is Danger.OVERDOSE
