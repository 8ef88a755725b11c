"""Program days: reminders before the clinic's sessions and a reflection after them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.schedule import clock, local_moment, next_allowed, quiet_span
from bot.content.schema import WEEKDAYS, Clinic, ClinicSession, Flow, Option, Step
from bot.engine.context import TurnContext
from bot.engine.fields import Ambiguous, clock_minutes, format_time, parse_time, plain
from bot.engine.navigator import Navigator
from bot.engine.registry import Action, Feature, Job
from bot.engine.types import Reply
from bot.models import ScheduledMessage

REMINDED_KINDS = ("group", "individual")  # family sessions are every other week: not reminded
SESSION_REMINDER, REFLECTION = "session_reminder", "reflection"  # scheduled kinds
REFLECTION_FLOW = "reflection"
LATE = timedelta(hours=12)  # a reflection this late (the bot was down) is skipped
NOT_SET = "none"  # the value of "I don't know yet" for the one-on-one day
DAYTIME = range(7, 12)  # an hour typed alone, 7 to 11, is a morning one-on-one; else afternoon


def own_times(clinic: Clinic, day: int | None, minute: int | None) -> tuple[ClinicSession, ...]:
    """The clinic's sessions, with the one-on-one at the participant's own day and time (and
    left out until they set it: the clinic's sample time is not theirs)."""
    sessions: list[ClinicSession] = []
    for session in clinic.schedule:
        if session.kind != "individual":
            sessions.append(session)
        elif day is not None and minute is not None:
            length = clock_minutes(session.end) - clock_minutes(session.start)
            end = min(minute + max(length, 0), 24 * 60 - 1)
            start_at, end_at = (f"{m // 60:02d}:{m % 60:02d}" for m in (minute, end))
            sessions.append(
                session.model_copy(update={"day": WEEKDAYS[day], "start": start_at, "end": end_at})
            )
    return tuple(sessions)


def upcoming(
    sessions: tuple[ClinicSession, ...], zone: ZoneInfo, after: datetime
) -> list[tuple[datetime, ClinicSession]]:
    """The next week of sessions that start after `after`, soonest first, as UTC times."""
    today = after.astimezone(zone).date()
    found = []
    for offset in range(8):
        day = today + timedelta(days=offset)
        for session in sessions:
            if session.kind in REMINDED_KINDS and WEEKDAYS[day.weekday()] == session.day:
                start = local_moment(day, clock(session.start), zone)
                if start > after:
                    found.append((start, session))
    return sorted(found, key=lambda pair: pair[0])


def sessions_of(ctx: TurnContext) -> tuple[ClinicSession, ...]:
    p = ctx.participant
    return own_times(ctx.content.clinic, p.one_on_one_day, p.one_on_one_minute)


def reminders(ctx: TurnContext, after: datetime) -> list[tuple[datetime, datetime, bool]]:
    """(reminder time, session start, moved out of the quiet hours) for the coming week; a
    reminder the quiet hours would push past the start is left out."""
    lead = timedelta(minutes=ctx.participant.session_lead_minutes or 0)
    quiet = ctx.content.follow_up.quiet_hours
    found = []
    for start, _ in upcoming(sessions_of(ctx), ctx.clinic_zone(), after + lead):
        at = next_allowed(start - lead, ctx.zone(), quiet)
        if at < start:
            found.append((at, start, at != start - lead))
    return found


def end_of(session: ClinicSession, start: datetime, zone: ZoneInfo) -> datetime:
    return local_moment(start.astimezone(zone).date(), clock(session.end), zone)


def plan_next(ctx: TurnContext) -> None:
    """Schedule the reminder of the next session (lead time before it starts, never in the
    participant's quiet hours), if it is on."""
    p = ctx.participant
    if not p.session_lead_minutes or p.graduated_on is not None:
        ctx.cancel(SESSION_REMINDER)
        return
    for at, _, _ in reminders(ctx, ctx.now):
        ctx.schedule(SESSION_REMINDER, at, replace=True)
        return
    ctx.cancel(SESSION_REMINDER)


def choose_lead(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """Settings: remind 1 or 3 hours before sessions (the option's value, in minutes), or off;
    said up front when quiet hours move a reminder."""
    ctx = nav.ctx
    p = ctx.participant
    minutes = option.value or ""
    p.session_lead_minutes = int(minutes) if minutes.isdigit() else None
    plan_next(ctx)
    if not p.session_lead_minutes:
        return [ctx.say("session_reminders_off")]
    said = [ctx.say("session_reminders_on")]
    if any(moved for _, _, moved in reminders(ctx, ctx.now)):
        quiet = quiet_span(ctx.content.follow_up.quiet_hours, ctx.lang.messages.clock)
        said.append(ctx.say("session_reminders_quiet", value=quiet))
    return said


def one_on_one_day(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    """The weekday of the participant's one-on-one, tapped or typed in any language."""
    ctx = nav.ctx
    p = ctx.participant
    if text == NOT_SET:
        p.one_on_one_day = p.one_on_one_minute = None
        plan_next(ctx)
        return ctx.lang.messages.texts.not_set
    names = [WEEKDAYS, *(lang.messages.weekdays for lang in ctx.content.languages.values())]
    said = plain(text)
    day = next((i for days in names for i, d in enumerate(days) if plain(d) == said), None)
    if day is None:
        return [ctx.say("day_invalid"), *nav.current()]
    p.one_on_one_day = day
    return ctx.lang.messages.weekdays[day]


def one_on_one_time(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    """When the one-on-one starts; an hour typed alone is read as clinic hours (9 is 9 am,
    4 is 4 pm) and said back with the day, so a wrong guess shows."""
    ctx = nav.ctx
    p = ctx.participant
    minute = parse_time(text)
    if isinstance(minute, Ambiguous):
        minute = minute.morning if minute.morning // 60 in DAYTIME else minute.evening
    if minute is None or p.one_on_one_day is None:
        return [ctx.say("time_invalid"), *nav.current()]
    p.one_on_one_minute = minute
    plan_next(ctx)
    day = ctx.lang.messages.weekdays[p.one_on_one_day]
    return f"{day}, {format_time(minute, ctx.lang.messages.clock)}"


def remind(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """Before a session: which one and when; a reflection is planned for its end."""
    ctx = nav.ctx
    if not ctx.participant.session_lead_minutes or ctx.participant.graduated_on is not None:
        return []
    zone = ctx.clinic_zone()
    replies = []
    sessions = upcoming(sessions_of(ctx), zone, ctx.now)
    if sessions:
        start, meeting = sessions[0]
        ctx.schedule(REFLECTION, end_of(meeting, start, zone), replace=True)
        title = meeting.title.get(ctx.lang.code) or meeting.title["en"]
        at = start.astimezone(zone)
        what = f"{title}, {format_time(at.hour * 60 + at.minute, ctx.lang.messages.clock)}"
        replies.append(ctx.say("session_reminder", value=what))
    plan_next(ctx)
    return replies


def reflect(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """After a session: how did it go? (typed, optional, stored)."""
    if nav.ctx.participant.graduated_on is not None or nav.ctx.now - job.due_at > LATE:
        return []
    return nav.enter(REFLECTION_FLOW)


FEATURE = Feature(
    name="program days",
    actions={"session_reminders": Action(choose_lead)},
    fields={"one_on_one_day": one_on_one_day, "one_on_one_time": one_on_one_time},
    jobs={SESSION_REMINDER: Job(remind), REFLECTION: Job(reflect)},
    flows=(REFLECTION_FLOW,),
)
