"""/mydata: everything stored about a participant, as plain lines in their own language.

Staff words for kinds and statuses (alert kinds, check-in statuses, roles) come from staff.yaml
in the same language, so each thing has one name. Staff ids, staff notes and other people's
data never appear."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.content.schema import Rights
from bot.engine.context import TurnContext
from bot.engine.fields import format_time
from bot.engine.steps import fill
from bot.intake.ticks import BARRIERS, PAPERWORK, local
from bot.models import (
    Alert,
    Answer,
    AuditAction,
    AuditEntry,
    Bookmark,
    CheckIn,
    Completion,
    ConsentRecord,
    JobStatus,
    PlanItem,
    ScheduledMessage,
    StaffMember,
    Tick,
)
from bot.preferences import DAILY
from bot.staff import texts as staff_words

M = TypeVar(
    "M",
    Alert,
    Answer,
    Bookmark,
    CheckIn,
    Completion,
    ConsentRecord,
    PlanItem,
    ScheduledMessage,
    Tick,
)
SUB = "  "  # a line that belongs to the one above it


def report(ctx: TurnContext) -> str:
    """The whole of what is stored about the participant, section by section."""
    words = ctx.lang.messages.rights
    sections = [
        (words.about_you, _about(ctx, words)),
        (words.consent, _consent(ctx, words)),
        (words.answers, _answers(ctx)),
        (words.checkins, _checkins(ctx, words)),
        (words.plan, _plan(ctx)),
        (words.progress, _progress(ctx, words)),
        (words.checklists, _ticks(ctx)),
        (words.flags, _flags(ctx)),
        (words.planned, _planned(ctx, words)),
        (words.views, _views(ctx, words)),
    ]
    lines = [fill(words.mydata_title, ctx.values())]
    for heading, body in sections:
        lines += ["", f"{heading}:"]
        lines += [line if line.startswith(SUB) else f"• {line}" for line in body or [words.nothing]]
    return "\n".join([*lines, "", words.mydata_end])


def _day(when: datetime | None, zone: ZoneInfo) -> str:
    return when.astimezone(zone).date().isoformat() if when is not None else ""


def _about(ctx: TurnContext, words: Rights) -> list[str]:
    p, zone, unset = ctx.participant, ctx.zone(), ctx.lang.messages.texts.not_set
    language = ctx.content.languages.get(p.language or "")
    flow = ctx.lang.flows.get(p.flow or "")
    checkins = words.on
    if p.checkins_stopped_at is not None:
        checkins = words.stopped
    elif p.checkins_paused_until is not None and p.checkins_paused_until > ctx.now:
        checkins = fill(words.paused_until, {"value": _day(p.checkins_paused_until, zone)})
    lead, shown = p.session_lead_minutes, ctx.values()
    rows: list[tuple[str, str | int | None]] = [
        (words.telegram_id, p.telegram_id),
        (words.label, p.label),
        (words.name, p.preferred_name or unset),
        (words.language, language.messages.language_name if language else unset),
        (words.timezone, shown["timezone"]),
        (words.time, shown["time"]),
        (words.messages, words.stopped if p.stopped_at is not None else words.on),
        (words.daily, words.on if ctx.waiting(DAILY) is not None else words.off),
        (words.sessions, fill(words.minutes_before, {"value": str(lead)}) if lead else words.off),
        (words.one_on_one, _one_on_one(ctx)),
        (words.checkin_state, checkins if p.graduated_on is not None else None),
        (words.joined, _day(p.created_at, zone)),
        (words.consented, _day(p.consented_at, zone)),
        (words.oriented, _day(p.oriented_at, zone)),
        (words.graduated, p.graduated_on.isoformat() if p.graduated_on else None),
        (words.last_seen, _day(p.last_seen_at, zone)),
        (words.position, flow.title if flow else None),
    ]
    return [f"{name}: {value}" for name, value in rows if value not in (None, "")]


def _consent(ctx: TurnContext, words: Rights) -> list[str]:
    rows = _mine(ctx, ConsentRecord, ConsentRecord.recorded_at)
    return [
        f"{_day(r.recorded_at, ctx.zone())}: "
        + fill(words.consent_yes if r.agreed else words.consent_no, {"value": r.content_version})
        for r in rows
    ]


def _answers(ctx: TurnContext) -> list[str]:
    rows = [a for a in _mine(ctx, Answer, Answer.answered_at) if a.checkin_id is None]
    return [
        f"{_day(a.answered_at, ctx.zone())}, {_title(ctx, a.flow)}, {a.question}: {a.value}"
        for a in rows
    ]


def _checkins(ctx: TurnContext, words: Rights) -> list[str]:
    staff = ctx.content.staff_texts(ctx.lang.code)
    given: dict[int | None, list[str]] = {}
    for answer in _mine(ctx, Answer, Answer.answered_at):
        if answer.checkin_id is not None:
            line = f"{SUB}{_day(answer.answered_at, ctx.zone())}, {answer.question}: {answer.value}"
            given.setdefault(answer.checkin_id, []).append(line)
    lines: list[str] = []
    for row in _mine(ctx, CheckIn, CheckIn.day):
        questionnaire = ctx.lang.questionnaires.get(row.questionnaire)
        title = questionnaire.title if questionnaire else row.questionnaire
        status = staff_words.name_of(staff.checkin_statuses, row.status)
        day = fill(words.day, {"value": str(row.day)})
        lines.append(f"{_day(row.due_at, ctx.zone())}, {title} ({day}): {status}")
        if row.score_use is not None:
            scores = {
                "use": row.score_use,
                "risk": row.score_risk,
                "protective": row.score_protective,
            }
            lines.append(SUB + staff_words.fill(staff.timeline.bam, scores))
        lines += given.get(row.id, [])
    return lines


def _plan(ctx: TurnContext) -> list[str]:
    items = _mine(ctx, PlanItem, PlanItem.id)
    return [
        f"{heading}: {item.text}"
        for section, heading in ctx.lang.messages.sections
        for item in items
        if item.section == section
    ]


def _progress(ctx: TurnContext, words: Rights) -> list[str]:
    zone = ctx.zone()
    done = [
        f"{_day(c.completed_at, zone)}: " + fill(words.finished, {"value": _title(ctx, c.flow)})
        for c in _mine(ctx, Completion, Completion.completed_at)
    ]
    halfway = [
        f"{_day(b.updated_at, zone)}: " + fill(words.halfway, {"value": _title(ctx, b.flow)})
        for b in _mine(ctx, Bookmark, Bookmark.updated_at)
    ]
    return done + halfway


def _ticks(ctx: TurnContext) -> list[str]:
    """Paperwork ticked ready and barriers tapped, in the clinic's words."""
    clinic, code = ctx.content.clinic, ctx.lang.code
    names = {(PAPERWORK, item.id): local(item.text, code) for item in clinic.paperwork}
    names |= {(BARRIERS, barrier.id): local(barrier.label, code) for barrier in clinic.barriers}
    return [
        f"{_day(t.ticked_at, ctx.zone())}: {names.get((t.checklist, t.item), t.item)}"
        for t in _mine(ctx, Tick, Tick.ticked_at)
    ]


def _flags(ctx: TurnContext) -> list[str]:
    staff = ctx.content.staff_texts(ctx.lang.code)
    return [
        f"{_day(a.created_at, ctx.zone())}: {staff_words.name_of(staff.alert_kinds, a.kind)}. "
        f"{staff_words.name_of(staff.alert_statuses, a.status)}"
        for a in _mine(ctx, Alert, Alert.created_at)
    ]


def _planned(ctx: TurnContext, words: Rights) -> list[str]:
    kinds = words.planned_kinds
    waiting = [j for j in _mine(ctx, ScheduledMessage, ScheduledMessage.due_at)
               if j.status == JobStatus.SCHEDULED]  # fmt: skip
    return [f"{_moment(ctx, j.due_at)}: {getattr(kinds, j.kind, kinds.other)}" for j in waiting]


def _one_on_one(ctx: TurnContext) -> str | None:
    """The day and time the participant set for their one-on-one, if they did."""
    p = ctx.participant
    if p.one_on_one_day is None or p.one_on_one_minute is None:
        return None
    at = format_time(p.one_on_one_minute, ctx.lang.messages.clock)
    return f"{ctx.lang.messages.weekdays[p.one_on_one_day]}, {at}"


def _moment(ctx: TurnContext, when: datetime) -> str:
    """A date and time in the participant's zone, on their language's clock."""
    local = when.astimezone(ctx.zone())
    return (
        f"{local:%Y-%m-%d} {format_time(local.hour * 60 + local.minute, ctx.lang.messages.clock)}"
    )


def _views(ctx: TurnContext, words: Rights) -> list[str]:
    """Who at the clinic looked at or acted on the record: their role and the day, never who."""
    staff = ctx.content.staff_texts(ctx.lang.code)
    said: dict[str, str] = {
        AuditAction.ACKNOWLEDGE: words.took_flag,
        AuditAction.RESOLVE: words.closed_flag,
    }
    rows = ctx.session.exec(
        select(AuditEntry, StaffMember.role)
        .outerjoin(StaffMember, col(StaffMember.telegram_id) == AuditEntry.staff_telegram_id)
        .where(AuditEntry.participant_id == ctx.participant_id)
        .order_by(col(AuditEntry.at), col(AuditEntry.id))
    ).all()
    lines = []
    for entry, role in rows:
        who = staff_words.name_of(staff.roles, role) if role else words.former_staff
        text = said.get(entry.action, words.viewed)
        lines.append(f"{_day(entry.at, ctx.zone())}: " + fill(text, {"value": who}))
    return lines


def _title(ctx: TurnContext, flow_id: str) -> str:
    flow = ctx.lang.flows.get(flow_id)
    return flow.title if flow else flow_id


def _mine(ctx: TurnContext, model: type[M], order: Any) -> Sequence[M]:
    """The participant's own rows of one table, in order."""
    mine = col(model.participant_id) == ctx.participant_id
    return ctx.session.exec(select(model).where(mine).order_by(order, col(model.id))).all()
