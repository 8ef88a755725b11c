"""AUDIT-C and the NIDA single question, scored from stored answers for staff only: a screener
is not a diagnosis, and no score is ever read back to the participant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.content.schema import Flow, Screener

TOPS: Mapping[Screener, int] = {"audit_c": 12, "nida": 4}  # the highest possible score


@dataclass(frozen=True)
class Score:
    """One screener's result: the sum of the chosen options' scores, how many of its questions
    were answered, and whether the answers point to a talk with the clinician."""

    screener: Screener
    score: int
    answered: int
    questions: int
    positive: bool


def score(flow: Flow, answers: Mapping[str, str]) -> list[Score]:
    """Each screener with at least one answer in `answers` (question id -> stored value).

    AUDIT-C adds its three 0 to 4 answers (0 to 12); a first answer of 0 ("never") leaves the
    other two unasked, at 0. Positive at 3 or more: the lower (women's) cut-off, so staff
    review every score that is positive for anyone. The NIDA question is positive at any use."""
    results = []
    for screener in TOPS:
        steps = [s for s in flow.steps if s.screener == screener]
        points: list[int | None] = []
        for step in steps:
            chosen = next((o for o in step.options if o.value == answers.get(step.id)), None)
            points.append(chosen.score if chosen is not None else None)
        if screener == "audit_c" and points and points[0] == 0:
            points = [0] * len(steps)  # never drinks: the other two are not asked, and are 0
        given = [p for p in points if p is not None]
        if not given:
            continue
        total = sum(given)
        positive = total >= 3 if screener == "audit_c" else total >= 1
        results.append(Score(screener, total, len(given), len(steps), positive))
    return results
