"""/progress: how far a participant has come, in counts and a chart of their ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from bot import charts
from bot.engine.navigator import Navigator
from bot.engine.registry import Feature
from bot.engine.steps import fill
from bot.engine.types import Reply
from bot.models import Answer, Completion

MIN_CHART_POINTS = 3  # fewer ratings make no useful picture
PRACTICE_RATINGS = ("rate_before", "rate_after")
URGE_FLOW = "practice_urge"  # urge surfing rates the urge itself: a craving rating


def show(nav: Navigator) -> list[Reply]:
    """Lessons done, practice sessions and minutes, cravings ridden out, and the chart."""
    ctx = nav.ctx
    if ctx.participant.consented_at is None:
        return [ctx.say("menu_locked"), *nav.current()]
    counts = progress_counts(session=ctx.session, participant_id=ctx.participant_id)
    texts = ctx.lang.messages.texts
    keys = (
        texts.progress_lessons,
        texts.progress_practice,
        texts.progress_minutes,
        texts.progress_cravings,
    )
    lines = [fill(text, {"value": str(n)}) for text, n in zip(keys, counts, strict=True)]
    text = "\n".join([ctx.text_of("progress"), "", *lines])
    return [Reply(text, ctx.carry_on_row(), image=chart(nav))]


def chart(nav: Navigator) -> bytes | None:
    """Craving and stress ratings of the past weeks, once there are a few of them."""
    ctx = nav.ctx
    since = ctx.now - timedelta(weeks=charts.WEEKS)
    answers = ratings_since(
        session=ctx.session, participant_id=ctx.participant_id, since=since,
        questions=("rate", "checkback", *PRACTICE_RATINGS),
    )  # fmt: skip
    texts = ctx.lang.messages.texts
    lines: dict[str, list[tuple[datetime, int]]] = {
        texts.chart_craving: [],
        texts.chart_before: [],
        texts.chart_after: [],
    }
    for answer in answers:
        if answer.flow in ("craving", URGE_FLOW):
            lines[texts.chart_craving].append((answer.answered_at, int(answer.value)))
        elif answer.question in PRACTICE_RATINGS:
            name = texts.chart_before if answer.question == "rate_before" else texts.chart_after
            lines[name].append((answer.answered_at, int(answer.value)))
    if sum(len(points) for points in lines.values()) < MIN_CHART_POINTS:
        return None
    series = [charts.Series(name, points) for name, points in lines.items()]
    return charts.ratings_chart(series, now=ctx.now, title=texts.chart_title)


def progress_counts(*, session: Session, participant_id: int) -> tuple[int, int, int, int]:
    """Lessons done (each once), practice sessions and their minutes, and cravings rated again
    after the wait."""
    done = session.exec(select(Completion.flow).where(Completion.participant_id == participant_id))
    flows = list(done.all())
    lessons = len({f for f in flows if f.startswith("lesson_")})
    practices = sum(1 for f in flows if f == "mindfulness" or f.startswith("practice_"))
    cravings = session.exec(
        select(func.count())
        .select_from(Answer)
        .where(
            Answer.participant_id == participant_id,
            Answer.flow == "craving",
            Answer.question == "checkback",
        )
    ).one()
    minutes = practice_minutes(session=session, participant_id=participant_id)
    return lessons, practices, minutes, cravings


def practice_minutes(*, session: Session, participant_id: int) -> int:
    """Minutes from each practice's first rating to its last, an hour at most each."""
    ratings = session.exec(
        select(Answer)
        .where(
            Answer.participant_id == participant_id,
            col(Answer.question).in_(PRACTICE_RATINGS),
        )
        .order_by(col(Answer.answered_at))
    ).all()
    started: dict[str, datetime] = {}
    total = 0.0
    for rating in ratings:
        if rating.question == "rate_before":
            started[rating.flow] = rating.answered_at
        elif (begin := started.pop(rating.flow, None)) is not None:
            total += min((rating.answered_at - begin).total_seconds() / 60, 60)
    return round(total)


def ratings_since(
    *, session: Session, participant_id: int, questions: Sequence[str], since: datetime
) -> list[Answer]:
    """The participant's answers to these questions (0 to 10 ratings) since then."""
    return list(
        session.exec(
            select(Answer).where(
                Answer.participant_id == participant_id,
                col(Answer.question).in_(questions),
                col(Answer.answered_at) >= since,
                col(Answer.checkin_id).is_(None),
            )
        ).all()
    )


FEATURE = Feature(name="progress", commands={"progress": show}, targets={"progress": show})
