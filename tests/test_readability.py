"""Every participant text reads at about a 6th-grade level: grade 7 at most, in both languages,
as `python -m bot content check` measures it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import readability
from bot.content.readability import prepared

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.mark.parametrize("language", ["en", "es"])
def test_texts_are_easy_to_read(language: str) -> None:
    texts = readability.ranked(CONTENT, language)
    assert len(texts) > 100
    assert [str(p) for p in readability.too_hard(texts, language)] == []


def test_a_hard_text_is_named_with_its_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "clinic.yaml").write_text("hours:\n  en: Monday to Friday\n")
    (content / "en").mkdir()
    (content / "en" / "messages.yaml").write_text(
        "texts:\n"
        "  easy: You can do this. We are here with you, day and night.\n"
        "  hard: Comprehensive multidisciplinary interventions substantially ameliorate "
        "psychological vulnerabilities among heterogeneous populations.\n"
    )
    texts = readability.ranked(content, "en")
    assert [t.where for _, t in texts] == [
        "content/en/messages.yaml:3",
        "content/en/messages.yaml:2",
    ]
    [problem] = readability.too_hard(texts, "en")
    assert str(problem).startswith("content/en/messages.yaml:3: warning: hard to read: grade ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Hi {name}!\n• One\n• Two", "Hi it! One. Two."), ("Rules:\n{rules}", "Rules: it.")],
)
def test_lists_count_as_sentences(text: str, expected: str) -> None:
    assert prepared(text) == expected
