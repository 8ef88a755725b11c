"""One participant's chart for staff: craving ratings and BAM scores over the follow-up."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot import charts
from bot.models import Answer, CheckIn, Participant
from bot.staff import review
from bot.staff.store import label_of
from bot.staff.texts import StaffTexts, fill

MIN_CHART_POINTS = 3  # fewer points make no useful picture
BAM_TOP = 24  # Risk and Protective add six items scored 0 to 4


def timeline_chart(
    *, session: Session, participant: Participant, now: datetime, texts: StaffTexts
) -> bytes | None:
    """The chart of chart_lines as a PNG, for Telegram; None with too few points."""
    drawn = chart_lines(session=session, participant=participant, now=now, texts=texts)
    if drawn is None:
        return None
    return charts.ratings_chart(
        drawn.series, now=now, title=drawn.title, since=drawn.since, top=drawn.top
    )


def chart_lines(
    *, session: Session, participant: Participant, now: datetime, texts: StaffTexts
) -> charts.Chart | None:
    """Craving ratings and the monthly Use, Risk and Protective scores over the whole follow-up;
    None with too few points for a useful picture."""
    words = texts.timeline
    cravings = session.exec(
        select(Answer.answered_at, Answer.value).where(
            Answer.participant_id == participant.id,
            Answer.flow == review.CRAVING,
            col(Answer.question).in_(["rate", "checkback"]),
        )
    ).all()
    scored = session.exec(
        select(CheckIn).where(
            CheckIn.participant_id == participant.id, col(CheckIn.score_use).is_not(None)
        )
    ).all()
    bam = [(row.answered_at or row.due_at, review.bam_scores(row)) for row in scored]
    names = {"use": words.chart_use, "risk": words.chart_risk, "protective": words.chart_protective}
    series = [
        charts.Series(
            words.chart_craving, [(when, int(value)) for when, value in cravings if value.isdigit()]
        ),
        *(
            charts.Series(name, [(when, v) for when, got in bam if (v := got[key]) is not None])
            for key, name in names.items()
        ),
    ]
    points = sorted(when for line in series for when, _ in line.points)
    if len(points) < MIN_CHART_POINTS:
        return None
    since = min(points[0], now - timedelta(weeks=charts.WEEKS))
    title = fill(words.chart_title, {"label": label_of(participant)})
    return charts.Chart(series, title=title, since=since, top=BAM_TOP if scored else 10)
