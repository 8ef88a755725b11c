"""Program days: reminders before the clinic's sessions and a reflection after them."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.schedule import clock, local_moment
from bot.content.schema import WEEKDAYS, Clinic, ClinicSession

REMINDED_KINDS = ("group", "individual")  # family sessions are every other week: not reminded


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


def next_reminder(
    clinic: Clinic, zone: ZoneInfo, now: datetime, lead: timedelta
) -> tuple[datetime, ClinicSession] | None:
    """When to remind of the next session (lead time before it starts), and which one."""
    for start, session in upcoming(clinic, zone, now + lead):
        return start - lead, session
    return None


def end_of(session: ClinicSession, start: datetime, zone: ZoneInfo) -> datetime:
    return local_moment(start.astimezone(zone).date(), clock(session.end), zone)
