"""Crisis patterns as editors write them, turned into bounded regular expressions.

Text and patterns go through the same normalising, so an editor writes plain words and
spelling, capitals, accents, punctuation and stretched letters don't matter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

GAP = "..."
NUMBER = "NUMBER"
MANY = "10+"
# A gap spans at most this many words, so matching stays fast on any length of text.
GAP_WORDS = 4
# Marks where an everyday idiom was; no pattern and no gap can cross it.
BLOCK = " . "
MIN_STEM = 3

_APOSTROPHES = re.compile("['`\u2019\u2018\u00b4]")  # "can't" and "cant" read the same
_EMOJI_RANGES = "\u2600-\u27bf\U0001f300-\U0001faff"
_EMOJI = re.compile(f"[{_EMOJI_RANGES}]")
_NON_WORD = re.compile(f"(?:[^\\w{_EMOJI_RANGES}]|_)+")
_REPEATS = re.compile(r"([^\W\d_])\1+")  # "dieeee" and "die", "kil" and "kill" read the same
_GAP_RE = rf"(?: \w+){{0,{GAP_WORDS}}}"


class PatternError(ValueError):
    """A pattern an editor wrote that cannot work, in words they can act on."""


def words(text: str) -> list[str]:
    """Lowercase words without accents, punctuation or repeated letters; each emoji is a word
    of its own, so `spellings` can read "💊" as "pills" (`spell` drops the others)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _NON_WORD.sub(" ", _EMOJI.sub(r" \g<0> ", _APOSTROPHES.sub("", text)))
    return _REPEATS.sub(r"\1", text).split()


def spell(found: Iterable[str], spellings: Mapping[str, str]) -> str:
    """The words joined by spaces, each written as `spellings` says ("gonna" -> "going to")."""
    return " ".join(spellings.get(word, word) for word in _known(found, spellings))


def _known(found: Iterable[str], spellings: Mapping[str, str]) -> list[str]:
    """The words, less any emoji `spellings` doesn't name: those count as punctuation."""
    return [word for word in found if word in spellings or not _EMOJI.fullmatch(word)]


def normal_spellings(spellings: Mapping[str, str]) -> dict[str, str]:
    """Editors' spellings with both sides normalised like the text they apply to."""
    return {" ".join(words(key)): " ".join(words(value)) for key, value in spellings.items()}


def compile_patterns(patterns: Iterable[str], spellings: Mapping[str, str]) -> re.Pattern[str]:
    """One expression that finds any of the patterns in normalised text."""
    parts = [to_regex(pattern, spellings) for pattern in patterns]
    if not parts:
        return re.compile("(?!)")  # matches nothing
    return re.compile(r"(?<!\S)(?:" + "|".join(parts) + r")(?!\S)")


def to_regex(pattern: str, spellings: Mapping[str, str]) -> str:
    """A pattern's regular expression; raises PatternError saying what is wrong with it."""
    tokens = pattern.split()
    if not tokens:
        raise PatternError("this pattern is empty")
    if GAP in (tokens[0], tokens[-1]):
        raise PatternError(f"'{GAP}' goes between two words, not at the start or the end")
    regex = ""
    for index, token in enumerate(tokens):
        if token == GAP:
            if tokens[index - 1] == GAP:
                raise PatternError(f"write '{GAP}' once between two words")
            regex += _GAP_RE
            continue
        choices = "|".join(_choice(choice, spellings) for choice in token.split("/"))
        regex += (" " if regex else "") + f"(?:{choices})"
    return regex


def _choice(choice: str, spellings: Mapping[str, str]) -> str:
    if choice == NUMBER:
        return r"\d+"
    if choice == MANY:
        return r"[1-9]\d+"
    if not choice:
        raise PatternError("a '/' needs a word on each side")
    stem, star, rest = choice.partition("*")
    if rest:
        raise PatternError(f"'*' goes only at the end of a word, as in 'suicid*' (not '{choice}')")
    found = _known(words(stem), spellings)
    if not found:
        raise PatternError(
            f"'{choice}' has no letters or digits (an emoji counts once it is under spellings)"
        )
    if star:
        if len(found) > 1:
            raise PatternError(f"'*' needs a single word before it (not '{choice}')")
        if len(found[0]) < MIN_STEM:
            raise PatternError(
                f"'{choice}' would match too many words: put at least {MIN_STEM} letters before '*'"
            )
        return re.escape(found[0]) + r"\w*"
    return re.escape(spell(found, spellings))
