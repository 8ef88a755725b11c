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
