"""Reading what participants type when a step asks for their name, time zone or time, in
English or Spanish, and saying times and zones back the way people say them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MAX_NAME = 40
NOON, MIDNIGHT = 12 * 60, 0
# "7", "7:30", "19h", "19.30", "7pm", "7 p. m.": the hour, the minutes, a.m. or p.m.
TIME = re.compile(r"^(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*h?\s*(?:([ap])\.?\s*m\.?)?$")
# Words around a time that say nothing about it: "at 7", "a las 7", "around 7:30".
FILLER = re.compile(r"^(?:(?:at|around|about|by|como|sobre|a|las|la|eso de)\s+)+")
# Words after an hour that say which half of the day it is.
MORNING = ("in the morning", "morning", "de la manana", "por la manana", "en la manana",
           "de la madrugada", "manana")  # fmt: skip
AFTERNOON = ("in the afternoon", "in the evening", "afternoon", "evening", "tonight",
             "de la tarde", "por la tarde", "en la tarde", "tarde")  # fmt: skip
NIGHT = ("at night", "night", "de la noche", "por la noche", "en la noche", "noche")
WORDS = {"noon": NOON, "midday": NOON, "mediodia": NOON, "midnight": MIDNIGHT,
         "medianoche": MIDNIGHT}  # fmt: skip
# Places people name for a US time zone, in English and Spanish, beyond the cities the time
# zone database is named after (which are understood too).
PLACES = {
    "America/New_York": ("new york", "nueva york", "nyc", "new york city", "boston", "miami",
                         "philadelphia", "filadelfia", "washington", "washington dc", "atlanta",
                         "orlando", "tampa", "jacksonville", "charlotte", "baltimore",
                         "pittsburgh", "cleveland", "columbus", "newark", "florida", "georgia",
                         "eastern", "este", "hora del este"),
    "America/Chicago": ("chicago", "houston", "dallas", "san antonio", "austin", "fort worth",
                        "memphis", "nashville", "new orleans", "nueva orleans", "milwaukee",
                        "minneapolis", "kansas city", "st louis", "saint louis", "san luis",
                        "oklahoma city", "texas", "tejas", "central", "centro",
                        "hora del centro"),
    "America/Denver": ("denver", "salt lake city", "albuquerque", "el paso", "boise", "colorado",
                       "utah", "nuevo mexico", "new mexico", "mountain", "montana",
                       "hora de la montana"),
    "America/Phoenix": ("phoenix", "fenix", "tucson", "mesa", "arizona"),
    "America/Los_Angeles": ("los angeles", "la", "san francisco", "san diego", "sacramento",
                            "fresno", "oakland", "seattle", "portland", "las vegas",
                            "california", "pacific", "pacifico", "hora del pacifico"),
    "America/Anchorage": ("anchorage", "alaska"),
    "Pacific/Honolulu": ("honolulu", "hawaii", "hawai"),
    "America/Puerto_Rico": ("puerto rico", "san juan", "ponce", "pr"),
    "America/Mexico_City": ("ciudad de mexico", "cdmx", "mexico", "df"),
}  # fmt: skip
# "I'm in Houston", "vivo en Miami": the place is after these.
LEAD_IN = re.compile(r"^(?:(?:i m|i am|im|i live|live|near|in|estoy|vivo|cerca de|en)\s+)+")


@dataclass(frozen=True)
class Ambiguous:
    """An hour that could be morning or evening ("las 7"): ask which one."""

    morning: int
    evening: int


def plain(text: str) -> str:
    """Lowercase, no accents, no punctuation but ':' and '.', single spaces."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w:.\s]|_", " ", text.replace("'", " "))
    return " ".join(text.split())


def parse_name(text: str) -> str | None:
    """A preferred name: one line, letters first, at most MAX_NAME characters."""
    name = " ".join(text.split())
    if not 1 <= len(name) <= MAX_NAME or name.startswith("/") or not name[0].isalpha():
        return None
    return name


@cache
def _zones_by_place() -> dict[str, str]:
    zones: dict[str, str] = {}
    for zone in sorted(available_timezones()):
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")):
            zones.setdefault(plain(zone.rsplit("/", 1)[1]).replace(".", ""), zone)
    for zone, places in PLACES.items():
        zones.update(dict.fromkeys(places, zone))
    return zones


def parse_timezone(text: str, labels: Iterable[tuple[str, str]] = ()) -> str | None:
    """An IANA zone ('America/Chicago'), a place ('Nueva York', 'Houston'), or the words of a
    button (`labels`: label and zone pairs, such as 'Pacífico (Los Ángeles)')."""
    value = text.strip().replace(" ", "_")
    if "/" in value:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return None
        return value
    said = plain(text).replace(".", "")
    known = {plain(label).replace(".", ""): zone for label, zone in labels}
    # The place in a button's brackets counts on its own: 'Los Ángeles' for 'Pacific (...)'.
    known |= {plain(label.split("(")[1]).strip(): zone for label, zone in labels if "(" in label}
    for candidate in (said, LEAD_IN.sub("", said)):
        zone = known.get(candidate) or _zones_by_place().get(candidate)
        if zone is not None:
            return zone
    return None


def parse_time(text: str) -> int | Ambiguous | None:
    """Minutes after midnight from '9am', '7:30 pm', '19:30', '07:30', '19h', '7 de la tarde'
    or 'noon'; an hour that could be either half of the day ('las 7', '7:30') is Ambiguous;
    None when it is not a time."""
    said = FILLER.sub("", plain(text))
    if said in WORDS:
        return WORDS[said]
    half = ""
    for words, which in ((MORNING, "a"), (AFTERNOON, "p"), (NIGHT, "n")):
        found = next((w for w in words if said.endswith(" " + w)), None)
        if found:
            said, half = said.removesuffix(found).strip(), which
            break
    match = TIME.match(said)
    if not match:
        return None
    digits, hour, minute = match.group(1), int(match.group(1)), int(match.group(2) or 0)
    half = match.group(3) or half
    if minute > 59 or hour > 23:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        if half == "n":  # 'las 12 de la noche' is midnight, 'las 2 de la noche' is 2 am
            half = "a" if hour == 12 or hour < 5 else "p"
        return (hour % 12 + (12 if half == "p" else 0)) * 60 + minute
    if "h" not in said and 1 <= hour <= 11 and len(digits) == 1:  # '07:30' and '19h' are clear
        return Ambiguous(morning=hour * 60 + minute, evening=(hour + 12) * 60 + minute)
    return hour * 60 + minute


def clock_minutes(text: str) -> int:
    """A content time such as '18:30' as minutes after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_time(minute: int, clock: int = 24) -> str:
    """'18:00' on a 24-hour clock, '6:00 PM' on a 12-hour one."""
    hour, rest = divmod(minute, 60)
    if clock == 12:
        return f"{(hour - 1) % 12 + 1}:{rest:02d} {'AM' if hour < 12 else 'PM'}"
    return f"{hour:02d}:{rest:02d}"


def zone_name(zone: str, labels: Iterable[tuple[str, str]] = ()) -> str:
    """A zone as people know it: a button's words ('Eastern (New York)'), else its city."""
    for label, value in labels:
        if value == zone:
            return label
    return zone.rsplit("/", 1)[-1].replace("_", " ")
