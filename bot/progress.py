"""How far a participant has come: counts, and a chart of their ratings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot import charts
from bot import participants as store
from bot.engine import steps
from bot.engine.types import Reply

if TYPE_CHECKING:
    from bot.engine.turn import Turn

MIN_CHART_POINTS = 3  # fewer ratings make no useful picture


class ProgressView:
    """/progress within a turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn

    def show(self) -> list[Reply]:
        """Lessons done, practice sessions and minutes, cravings ridden out, and the chart."""
        turn = self.turn
        if turn.p.consented_at is None:
            return [turn.say("menu_locked"), *turn.current()]
        counts = store.progress_counts(session=turn.session, participant=turn.p)
        texts = turn.lang.messages.texts
        keys = (
            texts.progress_lessons,
            texts.progress_practice,
            texts.progress_minutes,
            texts.progress_cravings,
        )
        lines = [steps.fill(text, {"value": str(n)}) for text, n in zip(keys, counts, strict=True)]
        text = "\n".join([turn.text_of("progress"), "", *lines])
        return [Reply(text, turn.carry_on_row(), image=self.chart())]

    def chart(self) -> bytes | None:
        """Craving and stress ratings of the past weeks, once there are a few of them."""
        turn = self.turn
        since = turn.now - timedelta(weeks=charts.WEEKS)
        answers = store.ratings_since(
            session=turn.session, participant=turn.p, since=since,
            questions=("rate", "checkback", "rate_before", "rate_after"),
        )  # fmt: skip
        texts = turn.lang.messages.texts
        lines: dict[str, list[tuple[datetime, int]]] = {
            texts.chart_craving: [],
            texts.chart_before: [],
            texts.chart_after: [],
        }
        for answer in answers:
            if answer.flow == "craving":
                lines[texts.chart_craving].append((answer.answered_at, int(answer.value)))
            elif answer.question in ("rate_before", "rate_after"):
                name = texts.chart_before if answer.question == "rate_before" else texts.chart_after
                lines[name].append((answer.answered_at, int(answer.value)))
        if sum(len(points) for points in lines.values()) < MIN_CHART_POINTS:
            return None
        series = [charts.Series(name, points) for name, points in lines.items()]
        return charts.ratings_chart(series, now=turn.now, title=texts.chart_title)
