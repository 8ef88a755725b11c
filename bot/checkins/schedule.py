"""When a check-in is due: local dates and times, quiet hours, daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content.checkin_schema import FollowUp, QuietHours
from bot.engine.fields import clock_minutes, format_time


def clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def in_quiet_hours(local: time, quiet: QuietHours) -> bool:
    start, end = clock(quiet.start), clock(quiet.end)
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # quiet hours across midnight


def quiet_span(quiet: QuietHours, clock_hours: int) -> str:
    """The quiet hours as a reader's clock shows them: '9:00 PM - 8:00 AM'."""
    start, end = (format_time(clock_minutes(at), clock_hours) for at in (quiet.start, quiet.end))
    return f"{start} - {end}"


def local_moment(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a day in a zone, as UTC; a time skipped by DST moves forward."""
    moment = datetime.combine(day, at, tzinfo=zone)
    # A wall time that does not exist (02:30 on a spring-forward day) round-trips differently.
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(tzinfo=None):
        moment = moment + timedelta(hours=1)
    return moment.astimezone(UTC)


def next_allowed(moment: datetime, zone: ZoneInfo, quiet: QuietHours) -> datetime:
    """The moment itself, or the end of the quiet hours it falls in."""
    local = moment.astimezone(zone)
    if not in_quiet_hours(local.time(), quiet):
        return moment
    end = clock(quiet.end)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return local_moment(day, end, zone)


def due_at(
    graduated_on: date, day: int, *, zone: ZoneInfo, minute: int | None, follow_up: FollowUp
) -> datetime:
    """When the check-in for `day` days after graduation goes out."""
    at = time(minute // 60, minute % 60) if minute is not None else clock(follow_up.default_time)
    moment = local_moment(graduated_on + timedelta(days=day), at, zone)
    return next_allowed(moment, zone, follow_up.quiet_hours)


def next_daily(
    now: datetime, *, zone: ZoneInfo, minute: int | None, follow_up: FollowUp
) -> datetime:
    """The next time, after now, that a daily message is due at the participant's time."""
    at = time(minute // 60, minute % 60) if minute is not None else clock(follow_up.default_time)
    today = now.astimezone(zone).date()
    for day in (today, today + timedelta(days=1), today + timedelta(days=2)):
        moment = next_allowed(local_moment(day, at, zone), zone, follow_up.quiet_hours)
        if moment > now:
            return moment
    raise AssertionError("a daily time always comes within two days")
