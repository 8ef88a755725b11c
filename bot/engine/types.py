"""What goes into the engine and what comes out: plain values, no Telegram."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Kind(StrEnum):
    """What the participant did."""

    START = "start"
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    EDITED = "edited"
    MEDIA = "media"


@dataclass(frozen=True)
class Incoming:
    """One thing a participant sent, from any channel."""

    kind: Kind
    value: str = ""
    update_id: int | None = None
    language_code: str | None = None
    args: tuple[str, ...] = ()  # the words after a command
    in_group: bool = False  # sent in the staff group, not in a private chat
    rest: str = ""  # everything typed after a command, read only by the crisis screen
    # Set by the crisis screen before the turn: crisis language was found, and the crisis
    # lines were already sent (for crisis language and /crisis), so the turn only records.
    crisis: bool = False
    answered: bool = False


def plain(text: str) -> str:
    """Typed text without NUL and other control characters; line breaks and tabs stay."""
    return CONTROL.sub("", text)


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    """A message to send: text and rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = field(default=())
    image: bytes | None = None  # a PNG to show, with the text as its caption
    document: tuple[str, bytes] | None = None  # a file (name, bytes), with the text as caption
    force_reply: bool = False  # ask for a typed reply to this message (works in groups too)
    private: bool = False  # asked for in the staff group, sent to the asker's private chat
    # Shown in place of the tapped message (the same card moving on); sent anew elsewhere.
    replace: bool = False
    # A brief notice on the tap itself, not a message (a button from an earlier message).
    notice: bool = False


@dataclass(frozen=True)
class Handled:
    """The answer to one input, and whether it raised a flag staff should get at once."""

    replies: list[Reply]
    alerted: bool = False


class Delivery(StrEnum):
    """What happened when a message was sent."""

    SENT = "sent"
    BLOCKED = "blocked"  # the participant blocked the bot
    RETRY = "retry"  # flood control: try again later
    UNKNOWN = "unknown"  # timed out: it may or may not have arrived
    FAILED = "failed"  # Telegram refused it


@dataclass(frozen=True)
class Outgoing:
    """Messages the bot starts on its own, for one participant; `ref` is the id of the scheduled
    message or check-in they come from, to report back what Telegram said."""

    telegram_id: int
    replies: list[Reply]
    ref: int


@dataclass(frozen=True)
class Delivered:
    """What came of sending an Outgoing: Telegram's answer, the seconds it asked to wait, and
    the messages sent that carry buttons."""

    ref: int
    telegram_id: int
    outcome: Delivery
    wait: float = 0.0
    shown: tuple[int, ...] = ()
