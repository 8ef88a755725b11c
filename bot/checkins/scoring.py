"""Brief Addiction Monitor subscales; no total score is computed, as none is validated."""

from __future__ import annotations

from collections.abc import Mapping

# BAM item numbers in each subscale (US Veterans Affairs scoring).
SUBSCALES: dict[str, tuple[int, ...]] = {
    "use": (4, 5, 6),
    "risk": (1, 2, 3, 8, 11, 15),
    "protective": (9, 10, 12, 13, 14, 16),
}


def subscales(item_scores: Mapping[int, int]) -> dict[str, int | None]:
    """Each subscale's sum, or None when one of its items was not answered."""
    return {
        name: sum(item_scores[i] for i in items) if all(i in item_scores for i in items) else None
        for name, items in SUBSCALES.items()
    }
