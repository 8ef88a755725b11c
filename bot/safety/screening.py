"""The single screening point every free-text message passes before any step sees it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub("['`\u2019]", "", text)  # "can't" and "cant" read the same
    return re.sub(r"[\W_]+", " ", text).strip()


class CrisisScreen:
    """Matches crisis phrases from content on word boundaries, ignoring case and accents."""

    def __init__(self, phrases: Iterable[str]) -> None:
        words = sorted({_normalise(p) for p in phrases if _normalise(p)}, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")

    def is_crisis(self, text: str) -> bool:
        """True when the text holds any crisis phrase."""
        return self._pattern.search(_normalise(text)) is not None
