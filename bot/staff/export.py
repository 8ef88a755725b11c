"""Check-in answers as CSV for the clinic's records, under the 42 CFR Part 2 notice."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.content.checkin_schema import Question, Questionnaire
from bot.content.loader import Content
from bot.intake.feature import INTAKE
from bot.intake.summary import QUESTIONS, export_rows, intake_of
from bot.models import Answer, CheckIn, Participant, PlanItem, Tick
from bot.staff.store import label_of

# The prohibition on redisclosure that must go with every disclosure (42 CFR 2.32).
NOTICE = (
    "NOTICE: 42 CFR Part 2 confidentiality.",
    "This file holds information from records protected by federal confidentiality rules "
    "(42 CFR Part 2).",
    "The recipient may not further disclose this information unless that disclosure is "
    "expressly permitted by the written consent of the person it concerns or is otherwise "
    "permitted by 42 CFR Part 2.",
    "A general authorization for the release of medical or other information is not "
    "sufficient for this purpose.",
    "The federal rules restrict any use of this information to investigate or prosecute, "
    "with regard to a crime, any patient with a substance use disorder.",
)
HEADER = (
    "label",
    "checkin_day",
    "checkin_due_date",
    "questionnaire",
    "question_id",
    "question_text",
    "answer",
    "score",
    "answered_at",
    "content_version",
)
# A cell starting with one of these is a formula to a spreadsheet: typed text must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


def write_checkin_csv(
    *,
    session: Session,
    out: TextIO,
    since: date | None,
    questionnaires: Mapping[str, Questionnaire],
    zone: ZoneInfo,
    content: Content | None = None,
) -> int:
    """The notice, a header and one row per check-in answer (since that day, in `zone`); with
    the content, then each participant's intake (answers, screener totals, barriers, their
    questions, paperwork ready or missing) as questionnaire 'intake', since that day too."""
    for line in NOTICE:
        out.write(f"# {line}\n")
    # Every cell quoted, so no row starts with # (a label like #12) and reads as a comment.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER)
    statement = (
        select(Answer, CheckIn, Participant)
        .join(CheckIn, col(CheckIn.id) == Answer.checkin_id)
        .join(Participant, col(Participant.id) == Answer.participant_id)
        .order_by(
            col(Participant.label).asc().nulls_last(),
            col(Participant.id),
            col(CheckIn.day),
            col(Answer.id),
        )
    )
    start = None if since is None else datetime.combine(since, time(), tzinfo=zone)
    if start is not None:
        statement = statement.where(col(Answer.answered_at) >= start)
    written = 0
    for answer, checkin, participant in session.exec(statement.execution_options(yield_per=BATCH)):
        questions = questionnaires.get(checkin.questionnaire)
        question = _question(questions, answer.question) if questions else None
        writer.writerow(
            (
                label_of(participant),
                checkin.day,
                checkin.due_at.astimezone(zone).date().isoformat(),
                checkin.questionnaire,
                answer.question,
                question.text if question else "",
                _as_text(answer.value),
                _score(question, answer.value),
                answer.answered_at.astimezone(UTC).isoformat(),
                answer.content_version,
            )
        )
        written += 1
    if content is not None:
        written += _write_intake(session, writer, content, start)
    return written


def _write_intake(session: Session, writer: Any, content: Content, start: datetime | None) -> int:
    """Intake rows of everyone who answered an intake question, ticked a box or wrote a question
    for their assessment; from `start` on, only what was answered, ticked or written since."""
    ids = set(session.exec(select(Answer.participant_id).where(Answer.flow == INTAKE)).all())
    ids |= set(session.exec(select(Tick.participant_id)).all())
    ids |= set(session.exec(select(PlanItem.participant_id).where(PlanItem.section == QUESTIONS)))
    people = session.exec(
        select(Participant)
        .where(col(Participant.id).in_(ids))
        .order_by(col(Participant.label).asc().nulls_last(), col(Participant.id))
    ).all()
    written = 0
    for participant in people:
        intake = intake_of(session=session, participant=participant, content=content)
        for question_id, text, answer, score, when, version in export_rows(intake):
            if start is not None and (when is None or when < start):
                continue
            at = "" if when is None else when.astimezone(UTC).isoformat()
            writer.writerow(
                (label_of(participant), "", "", INTAKE, question_id, text, _as_text(answer),
                 score, at, version)
            )  # fmt: skip
            written += 1
    return written


def _question(questionnaire: Questionnaire, question_id: str) -> Question | None:
    return next((q for q in questionnaire.questions if q.id == question_id), None)


def _score(question: Question | None, value: str) -> int | str:
    """The chosen option's Brief Addiction Monitor score; empty when it has none."""
    options = question.options if question else ()
    score = next((o.score for o in options if o.value == value), None)
    return "" if score is None else score


def _as_text(value: str) -> str:
    """What the participant typed, kept from being read as a spreadsheet formula."""
    return f"'{value}" if value.startswith(FORMULA_START) else value
