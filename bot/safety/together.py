"""Rules that fire when words from several named lists come together in one message.

Patterns catch phrases; these rules catch the ways of saying it nobody wrote down: "i" near
"die", "tonight" near "pills", whatever the words in between. Lists are compiled once; a rule
looks at each list's matches in one pass, so a long message stays cheap."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from bot.safety.patterns import PatternError, compile_patterns

AND = "+"
WITHIN = "within"
UNLESS = "unless"
OR = "/"
MIN_WINDOW = 2
MAX_WINDOW = 30
LIST_NAME = re.compile(r"[a-z][a-z0-9_]*")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Rule:
    """`self + death within 6 unless past`: a word from each list, at most `window` words
    apart (anywhere in the message when None), and no word from `unless` that close."""

    lists: tuple[str, ...]
    window: int | None
    unless: tuple[str, ...]


def parse_rule(text: str, names: Iterable[str]) -> Rule:
    """A rule as an editor wrote it; raises PatternError saying what is wrong with it."""
    known = set(names)
    body, _, unless_part = text.partition(f" {UNLESS} ")
    body, _, window_part = body.partition(f" {WITHIN} ")
    lists = tuple(name.strip() for name in body.split(AND))
    unless = tuple(name.strip() for name in unless_part.split(OR)) if unless_part else ()
    window = None
    if window_part:
        if not window_part.strip().isdigit():
            raise PatternError(f"'{WITHIN}' needs a number of words, as in '{WITHIN} 6'")
        window = int(window_part)
        if not MIN_WINDOW <= window <= MAX_WINDOW:
            raise PatternError(
                f"'{WITHIN} {window}': use a number of words from {MIN_WINDOW} to {MAX_WINDOW}"
            )
    if len(lists) < 2:
        raise PatternError(
            f"join two or more lists with '{AND}', as in 'self {AND} death {WITHIN} 6'"
        )
    for name in (*lists, *unless):
        if not LIST_NAME.fullmatch(name):
            raise PatternError(
                f"'{name}' is not a list name: list names are one lowercase word, "
                f"joined with '{AND}' (and '{OR}' after '{UNLESS}')"
            )
        if name not in known:
            raise PatternError(f"there is no list '{name}' under words: add it or fix the name")
    repeated = sorted({name for name in lists if lists.count(name) > 1} | set(lists) & set(unless))
    if repeated:
        raise PatternError(f"'{repeated[0]}' is named twice in this rule")
    return Rule(lists, window, unless)


class Rules:
    """One language's word lists and rules, compiled once."""

    def __init__(
        self, lists: Mapping[str, Iterable[str]], rules: Iterable[str], spellings: Mapping[str, str]
    ) -> None:
        self._rules = [parse_rule(rule, lists) for rule in rules]
        used = {name for rule in self._rules for name in (*rule.lists, *rule.unless)}
        self._lists = {name: compile_patterns(lists[name], spellings) for name in used}

    def fire(self, text: str) -> bool:
        """Whether any rule fires on normalised text."""
        if not self._rules:
            return False
        starts = [word.start() for word in _WORD.finditer(text)]
        found: dict[str, list[int]] = {}

        def at(name: str) -> list[int]:
            if name not in found:
                matches = self._lists[name].finditer(text)
                found[name] = [bisect_left(starts, match.start()) for match in matches]
            return found[name]

        return any(_fires(rule, at) for rule in self._rules)


def _fires(rule: Rule, at: Callable[[str], list[int]]) -> bool:
    positions = []
    for name in rule.lists:
        if not (found := at(name)):
            return False
        positions.append(found)
    blocks = sorted(p for name in rule.unless for p in at(name))
    if rule.window is None:
        return not blocks
    # The shortest stretches holding a word of every list, one for each place one ends.
    events = sorted((p, i) for i, places in enumerate(positions) for p in places)
    counts = [0] * len(positions)
    missing = len(positions)
    left = 0
    for position, index in events:
        counts[index] += 1
        missing -= counts[index] == 1
        while missing == 0 and counts[events[left][1]] > 1:
            counts[events[left][1]] -= 1
            left += 1
        if missing:
            continue
        first = events[left][0]
        if position - first < rule.window and not _blocked(blocks, position, first, rule.window):
            return True
    return False


def _blocked(blocks: list[int], last: int, first: int, window: int) -> bool:
    """Whether an `unless` word is in the stretch or within `window` words of it."""
    index = bisect_left(blocks, first - window)
    return index < len(blocks) and blocks[index] <= last + window
