"""Program days: reminders before the clinic's sessions and a reflection after them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.schedule import clock, local_moment
from bot.content.schema import WEEKDAYS, Clinic, ClinicSession, Flow, Option
from bot.engine.context import TurnContext
from bot.engine.navigator import Navigator
from bot.engine.registry import Action, Feature, Job
from bot.engine.types import Reply
from bot.models import ScheduledMessage

REMINDED_KINDS = ("group", "individual")  # family sessions are every other week: not reminded
SESSION_REMINDER, REFLECTION = "session_reminder", "reflection"  # scheduled kinds
REFLECTION_FLOW = "reflection"
LATE = timedelta(hours=12)  # a reflection this late (the bot was down) is skipped


def upcoming(
    clinic: Clinic, zone: ZoneInfo, after: datetime
) -> list[tuple[datetime, ClinicSession]]:
    """The next week of sessions that start after `after`, soonest first, as UTC times."""
    today = after.astimezone(zone).date()
    found = []
    for offset in range(8):
        day = today + timedelta(days=offset)
        for session in clinic.schedule:
            if session.kind in REMINDED_KINDS and WEEKDAYS[day.weekday()] == session.day:
                start = local_moment(day, clock(session.start), zone)
                if start > after:
                    found.append((start, session))
    return sorted(found, key=lambda pair: pair[0])


def end_of(session: ClinicSession, start: datetime, zone: ZoneInfo) -> datetime:
    return local_moment(start.astimezone(zone).date(), clock(session.end), zone)


def plan_next(ctx: TurnContext) -> None:
    """Schedule the reminder of the next session (lead time before it starts), if it is on."""
    p = ctx.participant
    if not p.session_lead_minutes or p.graduated_on is not None:
        ctx.cancel(SESSION_REMINDER)
        return
    lead = timedelta(minutes=p.session_lead_minutes)
    for start, _ in upcoming(ctx.content.clinic, ctx.clinic_zone(), ctx.now + lead):
        ctx.schedule(SESSION_REMINDER, start - lead, replace=True)
        return
    ctx.cancel(SESSION_REMINDER)


def choose_lead(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """Settings: remind 1 or 3 hours before sessions (the option's value, in minutes), or off."""
    p = nav.ctx.participant
    minutes = option.value or ""
    p.session_lead_minutes = int(minutes) if minutes.isdigit() else None
    plan_next(nav.ctx)
    return [
        nav.ctx.say("session_reminders_on" if p.session_lead_minutes else "session_reminders_off")
    ]


def remind(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """Before a session: which one and when; a reflection is planned for its end."""
    ctx = nav.ctx
    if not ctx.participant.session_lead_minutes or ctx.participant.graduated_on is not None:
        return []
    zone = ctx.clinic_zone()
    replies = []
    sessions = upcoming(ctx.content.clinic, zone, ctx.now)
    if sessions:
        start, meeting = sessions[0]
        ctx.schedule(REFLECTION, end_of(meeting, start, zone), replace=True)
        title = meeting.title.get(ctx.lang.code) or meeting.title["en"]
        what = f"{title}, {start.astimezone(zone):%H:%M}"
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
    jobs={SESSION_REMINDER: Job(remind), REFLECTION: Job(reflect)},
    flows=(REFLECTION_FLOW,),
)
