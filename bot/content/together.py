"""The content check on crisis word lists and the rules over them (`words:`, `together:`)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.content.files import Problem, YamlFile
from bot.content.schema import CrisisWords
from bot.safety.patterns import PatternError, normal_spellings, to_regex
from bot.safety.together import LIST_NAME, parse_rule


def check_together(crisis: CrisisWords, file: YamlFile) -> Iterator[Problem]:
    """Word lists have plain names and entries that can match; rules name lists that exist."""
    spellings = normal_spellings(crisis.spellings)
    for name, entries in crisis.words.items():
        if not LIST_NAME.fullmatch(name):
            yield file.problem(
                f"the list name '{name}' should be one lowercase word (letters, digits and _)",
                "words", name,
            )  # fmt: skip
        if not entries:
            yield file.problem(f"the list '{name}' is empty: add words or remove it", "words", name)
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            try:
                regex = to_regex(entry, spellings)
            except PatternError as error:
                yield file.problem(f"list '{name}', '{entry}': {error}", "words", name, index)
                continue
            if regex in seen:
                yield file.problem(
                    f"'{entry}' is in the list '{name}' twice: remove one", "words", name, index,
                    warning=True,
                )  # fmt: skip
            seen.add(regex)
    used: set[str] = set()
    for kind in ("overdose", "mixing", "crisis"):
        for index, text in enumerate(crisis.together.get(kind, ())):
            try:
                rule = parse_rule(text, crisis.words)
            except PatternError as error:
                yield file.problem(f"{kind} rule '{text}': {error}", "together", kind, index)
                continue
            used.update(rule.lists, rule.unless)
    for name in crisis.words:
        if name not in used:
            yield file.problem(
                f"the list '{name}' is not used by any rule under together", "words", name,
                warning=True,
            )  # fmt: skip
