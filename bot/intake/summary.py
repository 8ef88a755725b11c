"""What staff see of a participant's intake, as plain values: the Telegram timeline, the CSV
export and any other staff view read these getters and render them their own way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlmodel import Session, col, select

from bot.content.loader import DEFAULT_LANGUAGE, Content
from bot.intake import ticks
from bot.intake.feature import INTAKE
from bot.intake.screeners import Score, score
from bot.models import Answer, Participant, PlanItem

QUESTIONS = "questions"  # the plan section of their own questions for the assessment
FIRST_SENTENCE = re.compile(r"[^.?!\n]*[.?!]")


@dataclass(frozen=True)
class IntakeAnswer:
    """The latest answer to one intake question: the question as asked, what was chosen or
    typed, and the chosen option's screener score (if any)."""

    question_id: str
    question: str
    answer: str
    score: int | None
    screener: str | None
    answered_at: datetime
    content_version: str

    @property
    def asked(self) -> str:
        """The question's first sentence: enough for staff to know what was asked."""
        found = FIRST_SENTENCE.match(self.question)
        return found.group(0) if found else self.question


class Item(NamedTuple):
    """A line of the person's own: a checklist item's id (empty for a question they wrote),
    its words, and when they ticked or wrote it (None: not ticked)."""

    id: str
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class Intake:
    """A participant's intake for staff: answers, screener scores (never shown to the person),
    barriers they tapped, their own questions, and paperwork ready or missing (clinic texts)."""

    answers: tuple[IntakeAnswer, ...]
    scores: tuple[Score, ...]
    barriers: tuple[Item, ...]
    questions: tuple[Item, ...]
    paperwork_ready: tuple[Item, ...]
    paperwork_missing: tuple[Item, ...]

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
                screener=step.screener,
                answered_at=found.answered_at,
                content_version=found.content_version,
            )
        )
    clinic = content.clinic

    barriers, ready = (
        ticks.ticked(session=session, participant_id=participant.id, checklist=checklist)
        for checklist in (ticks.BARRIERS, ticks.PAPERWORK)
    )
    questions = session.exec(
        select(PlanItem.text, PlanItem.created_at)
        .where(PlanItem.participant_id == participant.id, PlanItem.section == QUESTIONS)
        .order_by(col(PlanItem.id))
    ).all()
    paperwork = [
        Item(item.id, ticks.local(item.text, DEFAULT_LANGUAGE), ready.get(item.id))
        for item in clinic.paperwork
    ]
    return Intake(
        answers=tuple(answers),
        scores=tuple(score(flow, {a.question: a.value for a in latest.values()})),
        barriers=tuple(
            Item(b.id, ticks.local(b.label, DEFAULT_LANGUAGE), barriers[b.id])
            for b in clinic.barriers
            if b.id in barriers
        ),
        questions=tuple(Item("", text, at) for text, at in questions),
        paperwork_ready=tuple(item for item in paperwork if item.at is not None),
        paperwork_missing=tuple(item for item in paperwork if item.at is None),
    )


# How the CSV names each screener's total, with its usual cut-offs (shared clinical facts).
TOTALS = {
    "audit_c": "AUDIT-C total, 0 to 12 (commonly positive at 4+ for men, 3+ for women)",
    "nida": "NIDA single question (positive at any use in the past year)",
}
Row = tuple[str, str, str, int | str, datetime | None, str]


def export_rows(intake: Intake) -> Iterator[Row]:
    """The intake as CSV cells: question id, question text, answer, score, when it was answered
    or ticked (a total: its latest answer; paperwork still missing: None), content version;
    then screener totals, barriers, own questions and paperwork."""
    for a in intake.answers:
        score_ = "" if a.score is None else a.score
        yield a.question_id, a.question, a.answer, score_, a.answered_at, a.content_version
    for s in intake.scores:
        verdict = "positive" if s.positive else "negative"
        when = max(a.answered_at for a in intake.answers if a.screener == s.screener)
        yield f"{s.screener}_total", TOTALS[s.screener], verdict, s.score, when, ""
    for item in intake.barriers:
        yield f"barrier:{item.id}", item.text, "yes", "", item.at, ""
    for item in intake.questions:
        yield QUESTIONS, "", item.text, "", item.at, ""
    for item in intake.paperwork_ready:
        yield f"paperwork:{item.id}", item.text, "ready", "", item.at, ""
    for item in intake.paperwork_missing:
        yield f"paperwork:{item.id}", item.text, "missing", "", None, ""
