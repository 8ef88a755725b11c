"""What staff see of participants: statuses, the list, one person's timeline."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bot.content.loader import ORIENTATION, Content
from bot.intake.summary import QUESTIONS, Intake, intake_of
from bot.models import (
    Alert,
    AlertStatus,
    Answer,
    CheckIn,
    CheckInStatus,
    Completion,
    Invite,
    Participant,
    PlanItem,
)
from bot.staff.store import label_of
from bot.staff.texts import StaffTexts, day, fill, name_of

PAGE_CHARS = 3_500  # a timeline page stays well inside Telegram's 4,096 characters
CRAVING, GOALS, REFLECTION = "craving", "goals", "reflection"
GOAL_PREFIX, LESSON_PREFIX = "goal:", "lesson_"
OPEN = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class ParticipantStatus(StrEnum):
    """Where a participant is, as the staff list shows it."""

    INVITED = "invited"
    IN_ORIENTATION = "in_orientation"
    IN_PROGRAM = "in_program"
    GRADUATED = "graduated"
    PAUSED = "paused"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"
    DELETED = "deleted"  # their data was deleted; the row is kept for the audit log


@dataclass(frozen=True)
class OverviewRow:
    """One line of the participant list."""

    label: str
    status: ParticipantStatus
    last_contact: datetime | None
    open_alerts: int
    next_checkin: datetime | None
    bam: Mapping[str, int | None] | None = None  # the latest Use, Risk and Protective scores


def participant_status(participant: Participant, now: datetime) -> ParticipantStatus:
    """The status that matters most to staff: not getting messages beats where they are."""
    if participant.erased_at is not None:
        return ParticipantStatus.DELETED
    if participant.stopped_at is not None or participant.checkins_stopped_at is not None:
        return ParticipantStatus.STOPPED
    if participant.unreachable_at is not None:
        return ParticipantStatus.UNREACHABLE
    if participant.checkins_paused_until is not None and participant.checkins_paused_until > now:
        return ParticipantStatus.PAUSED
    if participant.consented_at is None:
        return ParticipantStatus.INVITED  # linked by an invite, not agreed yet
    if participant.graduated_on is not None:
        return ParticipantStatus.GRADUATED
    if participant.oriented_at is None:
        return ParticipantStatus.IN_ORIENTATION
    return ParticipantStatus.IN_PROGRAM


def overview(
    *, session: Session, now: datetime, status: ParticipantStatus | None = None
) -> list[OverviewRow]:
    """Everyone with a label or consent, and invites not used yet, by label; one status or all."""
    alerts: dict[int | None, int] = dict(
        session.exec(
            select(Alert.participant_id, func.count())
            .where(col(Alert.status).in_(OPEN))
            .group_by(col(Alert.participant_id))
        ).all()
    )
    next_due: dict[int | None, datetime] = dict(
        session.exec(
            select(CheckIn.participant_id, func.min(CheckIn.due_at))
            .where(CheckIn.status == CheckInStatus.SCHEDULED)
            .group_by(col(CheckIn.participant_id))
        ).all()
    )
    latest: dict[int | None, Mapping[str, int | None]] = {}
    for scored in session.exec(
        select(CheckIn).where(col(CheckIn.score_use).is_not(None)).order_by(col(CheckIn.day))
    ).all():
        latest[scored.participant_id] = bam_scores(scored)
    people = session.exec(
        select(Participant).where(
            col(Participant.label).is_not(None) | col(Participant.consented_at).is_not(None)
        )
    ).all()
    rows = [
        OverviewRow(
            label=label_of(person),
            status=participant_status(person, now),
            last_contact=person.last_seen_at,
            open_alerts=alerts.get(person.id, 0),
            next_checkin=next_due.get(person.id),
            bam=latest.get(person.id),
        )
        for person in people
    ]
    linked = {row.label for row in rows}
    waiting = session.exec(select(Invite.label).where(col(Invite.redeemed_at).is_(None))).all()
    rows += [
        OverviewRow(label, ParticipantStatus.INVITED, None, 0, None)
        for label in sorted(set(waiting) - linked)
    ]
    return sorted((r for r in rows if status in (None, r.status)), key=lambda r: r.label)


@dataclass(frozen=True)
class History:
    """One participant's history as plain values: a title, a summary, and headed sections of
    lines (the 'nothing yet' line where a section is empty)."""

    title: str
    summary: str
    sections: list[tuple[str, list[str]]]


def history(
    *,
    session: Session,
    participant: Participant,
    now: datetime,
    texts: StaffTexts,
    zone: ZoneInfo,
    content: Content | None = None,
) -> History:
    """Everything staff see about one participant, section by section, for any screen; with
    the content, their intake too (answers, screener scores, barriers, paperwork)."""
    words = texts.timeline
    answers = session.exec(
        select(Answer)
        .where(Answer.participant_id == participant.id)
        .order_by(col(Answer.answered_at), col(Answer.id))
    ).all()
    last = day(participant.last_seen_at, zone) or texts.participants.no_date
    status = name_of(texts.statuses, participant_status(participant, now))
    sections = [
        (words.completed, _completions(session, participant, zone)),
        (words.cravings, _paired(answers, zone, "rate", "checkback")),
        (words.practice, _paired(answers, zone, "rate_before", "rate_after")),
        (words.goals, _goals(session, participant, answers, texts, zone)),
        (words.plan, _plan(session, participant, texts)),
        (words.reflections, _reflections(answers, zone)),
        (words.checkins, _checkins(session, participant, texts, zone)),
        (words.alerts, _alerts(session, participant, texts, zone)),
    ]
    if content is not None:
        intake = intake_of(session=session, participant=participant, content=content)
        if not intake.empty:
            sections[1:1] = _intake(intake, texts)
    return History(
        title=fill(words.title, {"label": label_of(participant)}),
        summary=fill(words.summary, {"status": status, "last_contact": last}),
        sections=[(heading, body or [words.nothing]) for heading, body in sections],
    )


def timeline(
    *,
    session: Session,
    participant: Participant,
    now: datetime,
    texts: StaffTexts,
    zone: ZoneInfo,
    content: Content | None = None,
) -> list[str]:
    """One participant's history in pages that fit a Telegram message."""
    told = history(
        session=session, participant=participant, now=now, texts=texts, zone=zone, content=content
    )
    lines = [told.title, told.summary]
    for heading, body in told.sections:
        lines += ["", f"{heading}:", *body]
    return _pages(lines)


def _completions(session: Session, participant: Participant, zone: ZoneInfo) -> list[str]:
    done = session.exec(
        select(Completion)
        .where(Completion.participant_id == participant.id)
        .order_by(col(Completion.completed_at), col(Completion.id))
    ).all()
    return [
        f"{day(row.completed_at, zone)}: {row.flow}"
        for row in done
        if row.flow == ORIENTATION or row.flow.startswith(LESSON_PREFIX)
    ]


def _intake(intake: Intake, texts: StaffTexts) -> list[tuple[str, list[str]]]:
    """The intake's sections: answers with screener scores, barriers, questions, paperwork."""
    words = texts.timeline
    answers = [fill(words.intake_answer, {"question": a.asked, "answer": a.answer})
               for a in intake.answers]  # fmt: skip
    for s in intake.scores:
        verdict = words.positive if s.positive else words.negative
        values = {"score": s.score, "answered": s.answered, "questions": s.questions}
        answers.append(fill(getattr(words, s.screener), {**values, "verdict": verdict}))
    return [
        (words.intake, answers),
        (words.barriers, [item.text for item in intake.barriers]),
        (words.questions, [item.text for item in intake.questions]),
        (
            words.paperwork_missing,
            [item.text for item in intake.paperwork_missing] or [words.all_ready],
        ),
    ]


def _paired(answers: Sequence[Answer], zone: ZoneInfo, first: str, then: str) -> list[str]:
    """A rating and the one after it (a craving then its check-back; stress before, after)."""
    lines: list[str] = []
    waiting: dict[str, int] = {}  # flow -> index of the line that waits for its second rating
    for answer in answers:
        if answer.checkin_id is not None:
            continue
        if answer.question == first:
            name = "" if answer.flow == CRAVING else f" {answer.flow}"
            waiting[answer.flow] = len(lines)
            lines.append(f"{day(answer.answered_at, zone)}{name}: {answer.value}")
        elif answer.question == then and (index := waiting.pop(answer.flow, None)) is not None:
            lines[index] += f" → {answer.value}"
    return lines


def _reflections(answers: Sequence[Answer], zone: ZoneInfo) -> list[str]:
    return [f"{day(a.answered_at, zone)}: {a.value}" for a in answers if a.flow == REFLECTION]


def _goals(
    session: Session,
    participant: Participant,
    answers: Sequence[Answer],
    texts: StaffTexts,
    zone: ZoneInfo,
) -> list[str]:
    goals = [i for i in _plan_items(session, participant) if i.section == GOALS]
    ratings: dict[str, list[str]] = defaultdict(list)
    for answer in answers:
        if answer.flow == GOALS and answer.question.startswith(GOAL_PREFIX):
            goal_id = answer.question.removeprefix(GOAL_PREFIX)
            ratings[goal_id].append(f"  {day(answer.answered_at, zone)}: {answer.value}")
    lines: list[str] = []
    for goal in goals:
        lines += [f"• {goal.text}", *ratings.pop(str(goal.id), [])]
    for rated in ratings.values():  # goals taken off the plan keep their ratings
        lines += [f"• {texts.timeline.removed_goal}", *rated]
    return lines


def _plan(session: Session, participant: Participant, texts: StaffTexts) -> list[str]:
    items = _plan_items(session, participant)
    lines: list[str] = []
    for section, heading in texts.plan_sections:
        if section not in (GOALS, QUESTIONS):  # each has its own part
            mine = [f"  • {i.text}" for i in items if i.section == section]
            lines += [f"{heading}:", *mine] if mine else []
    return lines


def _plan_items(session: Session, participant: Participant) -> Sequence[PlanItem]:
    statement = select(PlanItem).where(PlanItem.participant_id == participant.id)
    return session.exec(statement.order_by(col(PlanItem.id))).all()


def _checkins(
    session: Session, participant: Participant, texts: StaffTexts, zone: ZoneInfo
) -> list[str]:
    rows = session.exec(
        select(CheckIn).where(CheckIn.participant_id == participant.id).order_by(col(CheckIn.day))
    ).all()
    given: dict[int, list[str]] = defaultdict(list)
    for answer in session.exec(
        select(Answer)
        .join(CheckIn, col(CheckIn.id) == Answer.checkin_id)
        .where(CheckIn.participant_id == participant.id)
        .order_by(col(Answer.id))
    ).all():
        given[answer.checkin_id or 0].append(f"  {answer.question}: {answer.value}")
    lines: list[str] = []
    previous: CheckIn | None = None
    for row in rows:
        values = {
            "day": row.day,
            "questionnaire": row.questionnaire,
            "date": day(row.due_at, zone),
            "status": name_of(texts.checkin_statuses, row.status),
        }
        lines += [fill(texts.timeline.checkin, values), *given[row.id or 0]]
        if row.score_use is not None:
            scores, before = bam_scores(row), bam_scores(previous) if previous else {}
            trends = {
                key: f"{value}{_trend(value, before.get(key))}" for key, value in scores.items()
            }
            lines.append("  " + fill(texts.timeline.bam, trends))
            previous = row
    return lines


def bam_scores(row: CheckIn) -> dict[str, int | None]:
    """The Brief Addiction Monitor subscales stored on a check-in."""
    return {"use": row.score_use, "risk": row.score_risk, "protective": row.score_protective}


def _trend(value: int | None, before: int | None) -> str:
    """An arrow against the previous monthly check-in: up, down or level."""
    if value is None or before is None:
        return ""
    return " ↑" if value > before else " ↓" if value < before else " →"


def _alerts(
    session: Session, participant: Participant, texts: StaffTexts, zone: ZoneInfo
) -> list[str]:
    rows = session.exec(
        select(Alert)
        .where(Alert.participant_id == participant.id)
        .order_by(col(Alert.created_at), col(Alert.id))
    ).all()
    lines: list[str] = []
    for alert in rows:
        values = {
            "date": day(alert.created_at, zone),
            "kind": name_of(texts.alert_kinds, alert.kind),
            "where": alert.context,
            "status": name_of(texts.alert_statuses, alert.status),
        }
        lines.append(fill(texts.timeline.alert, values))
        if alert.resolution_note:
            lines.append(f"  {alert.resolution_note}")
    return lines


def _pages(lines: Sequence[str]) -> list[str]:
    """Lines gathered into pages of at most PAGE_CHARS characters, broken between lines."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in (line[:PAGE_CHARS] for line in lines):
        if pages[-1] and size + 1 + len(line) > PAGE_CHARS:
            pages.append([])
            size = 0
        if pages[-1] or line:  # a page never starts with a blank line
            size += len(line) + (1 if pages[-1] else 0)
            pages[-1].append(line)
    return ["\n".join(page) for page in pages if page]
