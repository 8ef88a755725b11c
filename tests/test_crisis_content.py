"""The content check on crisis.yaml: each mistake an editor can make, at its exact line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import ContentError, load_content
from tests.test_content_check import MARK, NEEDS, broken_copy, marked_line

FILE = "en/crisis.yaml"
CASES = [
    # (old, new, message); `new` holds MARK on the line the problem must point to.
    ("  - unaliv*\n", f"  - unaliv* ... {MARK}\n",
     "crisis pattern 'unaliv* ...': '...' goes between two words, not at the start or the end"),
    ("  - unaliv*\n", f"  - want ... ... die {MARK}\n",
     "crisis pattern 'want ... ... die': write '...' once between two words"),
    ("  - suicid*\n", f"  - su* {MARK}\n",
     "crisis pattern 'su*': 'su*' would match too many words: put at least 3 letters before '*'"),
    ("  - carbon monoxide\n", f"  - ca*r {MARK}\n",
     "crisis pattern 'ca*r': '*' goes only at the end of a word, as in 'suicid*' (not 'ca*r')"),
    ("  - unresponsive\n", f"  - foam//mouth {MARK}\n",
     "overdose pattern 'foam//mouth': a '/' needs a word on each side"),
    ("  - carbon monoxide\n", f"  - 🌧 {MARK}\n",
     "crisis pattern '🌧': '🌧' has no letters or digits (an emoji counts once it is under "
     "spellings)"),
    ("mixing:\n", f"mixing:\n  - bars/ ... wine {MARK}\n",
     "mixing pattern 'bars/ ... wine': a '/' needs a word on each side"),
    ("  gonna: going to\n", f"  gonna go: going to {MARK}\n",
     "the spelling 'gonna go' should be a single word (what people type)"),
    ("  - dying to\n", f"  - dying to\n  - CARBON MONOXIDE {MARK}\n",
     "'CARBON MONOXIDE' is under both crisis and not_crisis: keep it in one of them"),
    # Word lists and the rules over them
    ("  self: [i, me, my, myself, mine]\n", f"  self: [i, me, my, myself, mine, m*] {MARK}\n",
     "list 'self', 'm*': 'm*' would match too many words: put at least 3 letters before '*'"),
    ("  self: [i, me, my, myself, mine]\n",
     f"  self: [i, me, my, myself, mine]\n  Mine: [mine] {MARK}\n",
     "the list name 'Mine' should be one lowercase word (letters, digits and _)"),
    ("  self: [i, me, my, myself, mine]\n",
     f"  self: [i, me, my, myself, mine]\n  empty: [] {MARK}\n",
     "the list 'empty' is empty: add words or remove it"),
    ("    - self + death within 6 unless past/idiom\n",
     f"    - self + deth within 6 unless past/idiom {MARK}\n",
     "crisis rule 'self + deth within 6 unless past/idiom': there is no list 'deth' under words: "
     "add it or fix the name"),
    ("    - someone + gravesign within 6 unless past/idiom\n",
     f"    - someone + gravesign within 6 unless past/idom {MARK}\n",
     "overdose rule 'someone + gravesign within 6 unless past/idom': there is no list 'idom' "
     "under words: add it or fix the name"),
    ("    - depressant + booze + took within 8 unless past\n",
     f"    - depressant + boze + took within 8 unless past {MARK}\n",
     "mixing rule 'depressant + boze + took within 8 unless past': there is no list 'boze' "
     "under words: add it or fix the name"),
    ("    - self + death within 6 unless past/idiom\n", f"    - death within 6 {MARK}\n",
     "crisis rule 'death within 6': join two or more lists with '+', as in "
     "'self + death within 6'"),
    ("    - self + death within 6 unless past/idiom\n", f"    - self + death within 60 {MARK}\n",
     "crisis rule 'self + death within 60': 'within 60': use a number of words from 2 to 30"),
    ("    - self + death within 6 unless past/idiom\n", f"    - self + death within six {MARK}\n",
     "crisis rule 'self + death within six': 'within' needs a number of words, as in "
     "'within 6'"),
    ("    - self + death within 6 unless past/idiom\n",
     f"    - self + death + self within 6 {MARK}\n",
     "crisis rule 'self + death + self within 6': 'self' is named twice in this rule"),
    ("    - self + death within 6 unless past/idiom\n",
     f"    - self + death within 6 unless self {MARK}\n",
     "crisis rule 'self + death within 6 unless self': 'self' is named twice in this rule"),
    ("    - self + death within 6 unless past/idiom\n",
     f"    - self + near death within 6 {MARK}\n",
     "crisis rule 'self + near death within 6': 'near death' is not a list name: list names "
     "are one lowercase word, joined with '+' (and '/' after 'unless')"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "message"), CASES)
def test_one_problem_each(tmp_path: Path, old: str, new: str, message: str) -> None:
    content = broken_copy(tmp_path, FILE, old, new, spanish=False)
    with pytest.raises(ContentError) as caught:
        load_content(content, NEEDS)
    line = marked_line(content, FILE)
    assert [str(p) for p in caught.value.problems] == [f"content/{FILE}:{line}: {message}"]


def test_needless_spellings_and_repeated_patterns_are_warnings(tmp_path: Path) -> None:
    content = broken_copy(
        tmp_path, FILE, "  gonna: going to\n", "  gonna: going to\n  KILLL: kill\n", spanish=False
    )
    content_with_twin = broken_copy(
        tmp_path / "twin",
        FILE,
        "  - carbon monoxide\n",
        "  - carbon monoxide\n  - Carbon Monoxide!\n",
        spanish=False,
    )
    [spelling] = [str(w) for w in load_content(content, NEEDS).warnings]
    line = next(i for i, text in enumerate((content / FILE).read_text().splitlines(), 1)
                if text.startswith("  KILLL"))  # fmt: skip
    assert spelling == (
        f"content/{FILE}:{line}: warning: the spelling 'KILLL: kill' is not needed: capitals, "
        "accents and repeated letters are already ignored"
    )
    [twin] = [w.message for w in load_content(content_with_twin, NEEDS).warnings]
    assert twin == (
        "'Carbon Monoxide!' reads the same as a pattern above it under crisis: remove one"
    )


def test_a_list_no_rule_uses_and_a_word_listed_twice_are_warnings(tmp_path: Path) -> None:
    content = broken_copy(
        tmp_path,
        FILE,
        "  self: [i, me, my, myself, mine]\n",
        "  self: [i, me, my, myself, mine, Me]\n  spare: [whatever]\n",
        spanish=False,
    )
    warnings = [w.message for w in load_content(content, NEEDS).warnings]
    assert warnings == [
        "'Me' is in the list 'self' twice: remove one",
        "the list 'spare' is not used by any rule under together",
    ]
