"""Reading what participants type when a step asks for their name, time zone or time."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MAX_NAME = 40
TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?$")


def parse_name(text: str) -> str | None:
    """A preferred name: one line, letters first, at most MAX_NAME characters."""
    name = " ".join(text.split())
    if not 1 <= len(name) <= MAX_NAME or name.startswith("/") or not name[0].isalpha():
        return None
    return name


@cache
def _zones_by_city() -> dict[str, str]:
    zones: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")):
            zones.setdefault(zone.rsplit("/", 1)[1].replace("_", " ").lower(), zone)
    return zones


def parse_timezone(text: str) -> str | None:
    """An IANA zone such as 'America/Chicago', or a city it is named after ('chicago')."""
    value = text.strip().replace(" ", "_")
    if "/" in value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return None
        return value
    return _zones_by_city().get(text.strip().lower())


def parse_time(text: str) -> int | None:
    """Minutes after midnight from '9', '9am', '7:30 pm', '19:30' or '19.30'."""
    match = TIME.match(text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour * 60 + minute


def format_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
