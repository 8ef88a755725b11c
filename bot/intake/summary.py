"""What staff see of a participant's intake, as plain values: the Telegram timeline, the CSV
export and any other staff view read these getters and render them their own way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from bot.content.loader import DEFAULT_LANGUAGE, Content
from bot.intake import ticks
from bot.intake.feature import INTAKE
from bot.intake.screeners import Score, score
from bot.models import Answer, Participant, PlanItem

QUESTIONS = "questions"  # the plan section of their own questions for the assessment


@dataclass(frozen=True)
class IntakeAnswer:
    """The latest answer to one intake question: the question as asked, what was chosen or
    typed, and the chosen option's screener score (if any)."""

    question_id: str
    question: str
    answer: str
    score: int | None
    answered_at: datetime
    content_version: str


@dataclass(frozen=True)
class Intake:
    """A participant's intake for staff: answers, screener scores (never shown to the person),
    barriers they tapped, their own questions, and paperwork ready or missing (clinic texts)."""

    answers: tuple[IntakeAnswer, ...]
    scores: tuple[Score, ...]
    barriers: tuple[tuple[str, str], ...]  # (id, label)
    questions: tuple[str, ...]
    paperwork_ready: tuple[tuple[str, str], ...]  # (id, text)
    paperwork_missing: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        return not (self.answers or self.barriers or self.questions or self.paperwork_ready)


def intake_of(*, session: Session, participant: Participant, content: Content) -> Intake:
    """Everything staff see of one participant's intake, in the clinic's first language."""
    assert participant.id is not None
    flow = content.language(DEFAULT_LANGUAGE).flows[INTAKE]
    given = session.exec(
        select(Answer)
        .where(Answer.participant_id == participant.id, Answer.flow == INTAKE)
        .order_by(col(Answer.answered_at), col(Answer.id))
    ).all()
    latest = {answer.question: answer for answer in given}  # going Back and again: the last
    answers = []
    for step in flow.steps:
        found = latest.get(step.id)
        if found is None:
            continue
        chosen = next((o for o in step.options if o.value == found.value), None)
        answers.append(
            IntakeAnswer(
                question_id=step.id,
                question=step.text,
                answer=chosen.label if chosen else found.value,
                score=chosen.score if chosen else None,
                answered_at=found.answered_at,
                content_version=found.content_version,
            )
        )
    clinic = content.clinic

    barriers, ready = (
        ticks.ticked(session=session, participant_id=participant.id, checklist=checklist)
        for checklist in (ticks.BARRIERS, ticks.PAPERWORK)
    )
    paperwork = [(item.id, ticks.local(item.text, DEFAULT_LANGUAGE)) for item in clinic.paperwork]
    questions = session.exec(
        select(PlanItem.text)
        .where(PlanItem.participant_id == participant.id, PlanItem.section == QUESTIONS)
        .order_by(col(PlanItem.id))
    ).all()
    return Intake(
        answers=tuple(answers),
        scores=tuple(score(flow, {a.question: a.value for a in latest.values()})),
        barriers=tuple(
            (b.id, ticks.local(b.label, DEFAULT_LANGUAGE))
            for b in clinic.barriers
            if b.id in barriers
        ),
        questions=tuple(questions),
        paperwork_ready=tuple(item for item in paperwork if item[0] in ready),
        paperwork_missing=tuple(item for item in paperwork if item[0] not in ready),
    )


# How the CSV names each screener's total, with its usual cut-offs (shared clinical facts).
TOTALS = {
    "audit_c": "AUDIT-C total, 0 to 12 (commonly positive at 4+ for men, 3+ for women)",
    "nida": "NIDA single question (positive at any use in the past year)",
}
Row = tuple[str, str, str, int | str, str, str]


def export_rows(intake: Intake) -> Iterator[Row]:
    """The intake as CSV cells: question id, question text, answer, score, answered at (UTC),
    content version; then screener totals, barriers, own questions and paperwork."""
    for a in intake.answers:
        score_ = "" if a.score is None else a.score
        when = a.answered_at.astimezone(UTC).isoformat()
        yield a.question_id, a.question, a.answer, score_, when, a.content_version
    for s in intake.scores:
        verdict = "positive" if s.positive else "negative"
        yield f"{s.screener}_total", TOTALS[s.screener], verdict, s.score, "", ""
    for item, label in intake.barriers:
        yield f"barrier:{item}", label, "yes", "", "", ""
    for text in intake.questions:
        yield QUESTIONS, "", text, "", "", ""
    for item, text in intake.paperwork_ready:
        yield f"paperwork:{item}", text, "ready", "", "", ""
    for item, text in intake.paperwork_missing:
        yield f"paperwork:{item}", text, "missing", "", "", ""
