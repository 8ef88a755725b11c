"""What every feature works with in one turn or one scheduled job: plain values, no Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import alerts, scheduled
from bot.content.loader import Content, Language
from bot.engine.steps import carry_on_row, fill, values_for
from bot.engine.types import Button, Reply
from bot.models import AlertKind, Participant, StaffMember, StaffRole

Rows = tuple[tuple[Button, ...], ...]


@dataclass
class TurnContext:
    """One participant's turn: their row (locked), the content, the time, and how to speak."""

    session: Session
    participant: Participant
    content: Content
    lang: Language
    now: datetime
    default_timezone: str
    alerted: bool = False  # a flag was raised this turn: the sweep should run now
    staff_chat: bool = False  # STAFF_CHAT_ID is set, so every flag has somewhere to go

    @property
    def participant_id(self) -> int:
        assert self.participant.id is not None, "the participant row is flushed first"
        return self.participant.id

    def values(self) -> dict[str, str]:
        """Everything a text may mention about the clinic and the participant."""
        return values_for(self.content, self.lang, self.participant)

    def text_of(self, key: str, **extra: str) -> str:
        """A text from messages.yaml with its {placeholders} filled in."""
        values = {**self.values(), **extra} if extra else self.values()
        return fill(getattr(self.lang.messages.texts, key), values)

    def say(self, key: str, *, carry_on: bool = False, **extra: str) -> Reply:
        """A message from messages.yaml, optionally with a button back to where we were."""
        return Reply(self.text_of(key, **extra), self.carry_on_row() if carry_on else ())

    def carry_on_row(self) -> Rows:
        return carry_on_row(self.lang)

    def version(self, key: str) -> str:
        """The content version of a flow, or of a check-in under 'checkin:<id>'."""
        return self.lang.versions[key]

    def zone(self) -> ZoneInfo:
        """The participant's own time zone, or the program's."""
        return ZoneInfo(self.participant.timezone or self.default_timezone)

    def clinic_zone(self) -> ZoneInfo:
        """The clinic's schedule is in the program's time zone."""
        return ZoneInfo(self.default_timezone)

    def alert(self, kind: AlertKind, where: str) -> None:
        """Flag the participant for staff; before consent nothing about them may be kept."""
        if self.participant.consented_at is not None:
            self.alerted = True
            alerts.raise_alert(
                session=self.session, participant_id=self.participant_id, kind=kind,
                context=where, now=self.now,
            )  # fmt: skip

    def staff_reachable(self) -> bool:
        """Whether a flag raised now reaches a person: the staff group, or an admin."""
        if self.staff_chat:
            return True
        admin = select(StaffMember.id).where(StaffMember.role == StaffRole.ADMIN)
        return self.session.exec(admin).first() is not None

    def promise_contact(self) -> Reply:
        """'Someone will contact you', only where it is true; else the clinic's number."""
        return self.say("contact_ok" if self.staff_reachable() else "clinic_unreachable")

    def schedule(
        self, kind: str, at: datetime, *, payload: str = "", replace: bool = False
    ) -> None:
        """Send something of this kind later (the kind's handler says what, when it is due)."""
        scheduled.schedule(
            session=self.session, participant_id=self.participant_id, kind=kind, at=at,
            now=self.now, payload=payload, replace=replace,
        )  # fmt: skip

    def cancel(self, *kinds: str) -> None:
        scheduled.cancel(
            session=self.session, participant_id=self.participant_id, kinds=kinds, now=self.now
        )

    def waiting(self, kind: str) -> datetime | None:
        """When the next message of this kind is due, if one waits."""
        job = scheduled.waiting(session=self.session, participant_id=self.participant_id, kind=kind)
        return job.due_at if job else None
