"""Every table the bot keeps, in one module."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.crypto import EncryptedText


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, also on SQLite, which forgets the zone."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(*, nullable: bool = True, index: bool = False) -> Any:
    """A UTC timestamp column."""
    if nullable:
        return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=index)


class Participant(SQLModel, table=True):
    """A person chatting with the bot; before consent only the Telegram id and position are kept."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=sa.BigInteger, unique=True, index=True)
    label: str | None = Field(default=None, unique=True, max_length=64)
    # Preferences, stored only after consent.
    language: str | None = Field(default=None, max_length=8)
    preferred_name: str | None = Field(default=None, sa_type=EncryptedText(64))
    timezone: str | None = Field(default=None, max_length=64)
    message_minute: int | None = Field(default=None, description="minutes after local midnight")
    # Where the participant is in the conversation; the single source of truth.
    flow: str | None = Field(default=None, max_length=64)
    step: str | None = Field(default=None, max_length=64)
    trail: str | None = Field(default=None, max_length=512, description="steps Back returns to")
    last_update_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    recent_updates: str | None = Field(default=None, max_length=256, description="repeats.py")
    consented_at: datetime | None = _when()
    oriented_at: datetime | None = _when()
    stopped_at: datetime | None = _when()
    unreachable_at: datetime | None = _when()
    created_at: datetime = _when(nullable=False)
    # Reminders of the clinic's sessions, this many minutes before (None: off).
    session_lead_minutes: int | None = None
    # Their one-on-one with the counselor, as they set it: weekday (0 is Monday) and minutes
    # after midnight in the program's time zone; None until they set it.
    one_on_one_day: int | None = None
    one_on_one_minute: int | None = None
    # After the program.
    graduated_on: date | None = None
    checkins_paused_until: datetime | None = _when()
    checkins_stopped_at: datetime | None = _when()
    # The last time the participant wrote or tapped anything; staff see it as "last contact".
    last_seen_at: datetime | None = _when()
    # Their data was deleted (/delete or the retention purge): the row keeps only its id, for
    # the audit log, and telegram_id is minus the id, so the person can start again anew.
    erased_at: datetime | None = _when()
    # A tidy chat: the bot's messages whose buttons still work (message ids, newest last),
    # and whether the last answer was committed but not yet confirmed sent.
    keyboards: str | None = Field(default=None, max_length=256)
    unsent: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class InviteStage(StrEnum):
    """Where an invited person starts after consent: the intake questions first (invited before
    their assessment), or orientation."""

    ORIENTATION = "orientation"
    INTAKE = "intake"


class Invite(SQLModel, table=True):
    """A one-time code that links a Telegram user to the label staff chose."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=32)
    label: str = Field(max_length=64)
    created_at: datetime = _when(nullable=False)
    expires_at: datetime | None = _when()  # unused by then, the code no longer works
    redeemed_at: datetime | None = _when()
    participant_id: int | None = Field(default=None, foreign_key="participant.id")
    stage: str = Field(
        default=InviteStage.ORIENTATION,
        sa_type=sa.String(16),
        sa_column_kwargs={"server_default": InviteStage.ORIENTATION.value},
    )


class ConsentRecord(SQLModel, table=True):
    """A participant's answer to the consent question, with the text version they saw."""

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    agreed: bool
    content_version: str = Field(max_length=64)
    recorded_at: datetime = _when(nullable=False)


class Answer(SQLModel, table=True):
    """One answer to one question, as it was given."""

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    flow: str = Field(max_length=64)
    question: str = Field(max_length=64)
    value: str = Field(sa_type=EncryptedText(256))
    checkin_id: int | None = Field(default=None, foreign_key="checkin.id", index=True)
    content_version: str = Field(max_length=64)
    answered_at: datetime = _when(nullable=False)


class CheckInStatus(StrEnum):
    """Where a follow-up check-in is in its life."""

    SCHEDULED = "scheduled"  # waiting for its time
    CLAIMED = "claimed"  # taken by one worker, not sent yet: back to scheduled if it dies
    SENDING = "sending"  # being sent by the worker that claimed it
    SENT = "sent"  # delivered, waiting for answers
    ANSWERED = "answered"  # every question answered
    MISSED = "missed"  # too late to send, or no answer in time
    BLOCKED = "blocked"  # the participant blocked the bot
    FAILED = "failed"  # Telegram refused it for good
    UNKNOWN = "unknown"  # the send timed out: it may or may not have arrived; a person reviews


class CheckIn(SQLModel, table=True):
    """One follow-up check-in after graduation; the sweep sends it when due."""

    __table_args__ = (
        sa.UniqueConstraint("participant_id", "day"),
        # The sweep asks for one status ordered by due time; sent rows must not be in the way.
        sa.Index("ix_checkin_status_due_at", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    day: int = Field(description="days after graduation")
    questionnaire: str = Field(max_length=32)
    due_at: datetime = _when(nullable=False)
    status: str = Field(default=CheckInStatus.SCHEDULED, sa_type=sa.String(16))
    note: str = Field(default="", max_length=64)
    claimed_at: datetime | None = _when()
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = _when()
    answered_at: datetime | None = _when()
    content_version: str = Field(default="", max_length=64)
    score_use: int | None = None
    score_risk: int | None = None
    score_protective: int | None = None


class PlanItem(SQLModel, table=True):
    """One line of a participant's plan, in their words or chosen from content."""

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    section: str = Field(max_length=32)
    text: str = Field(sa_type=EncryptedText(256))
    content_version: str = Field(max_length=64)
    created_at: datetime = _when(nullable=False)


class Tick(SQLModel, table=True):
    """One item a participant ticked on a checklist: paperwork ready, a barrier that applies."""

    __table_args__ = (sa.UniqueConstraint("participant_id", "checklist", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    checklist: str = Field(max_length=16)
    item: str = Field(max_length=32, description="an id from clinic.yaml, never typed text")
    ticked_at: datetime = _when(nullable=False)


class Bookmark(SQLModel, table=True):
    """Where a participant left a lesson or practice, to pick it up there next time."""

    __table_args__ = (sa.UniqueConstraint("participant_id", "flow"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    flow: str = Field(max_length=64)
    step: str = Field(max_length=64)
    trail: str = Field(default="", max_length=512)
    updated_at: datetime = _when(nullable=False)


class Completion(SQLModel, table=True):
    """A participant finished a flow (orientation, later lessons and exercises)."""

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    flow: str = Field(max_length=64)
    content_version: str = Field(max_length=64)
    completed_at: datetime = _when(nullable=False)


class AlertKind(StrEnum):
    """Why an alert was raised."""

    CRISIS_LANGUAGE = "crisis_language"
    HELP_REQUEST = "help_request"
    USE_REPORTED = "use_reported"
    CONTACT_REQUEST = "contact_request"
    RISK_RISE = "risk_rise"
    MISSED_CHECKINS = "missed_checkins"
    CHECKINS_STOPPED = "checkins_stopped"
    UNREACHABLE = "unreachable"
    DELIVERY_UNKNOWN = "delivery_unknown"
    DELIVERY_FAILED = "delivery_failed"
    JOB_FAILED = "job_failed"
    WITHDRAWAL_RISK = "withdrawal_risk"
    BARRIER = "barrier"


class AlertStatus(StrEnum):
    """Where an alert is: new, someone at the clinic took it, or it was dealt with."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Alert(SQLModel, table=True):
    """Something a person at the clinic must look at; never holds message text."""

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    kind: str = Field(max_length=32)
    context: str = Field(default="", max_length=128)
    status: str = Field(default=AlertStatus.OPEN, max_length=16, index=True)
    created_at: datetime = _when(nullable=False)
    # Who at the clinic took it and who closed it, by Telegram id; the note is theirs.
    acknowledged_at: datetime | None = _when()
    acknowledged_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    resolved_at: datetime | None = _when()
    resolved_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    resolution_note: str | None = Field(default=None, sa_type=EncryptedText(200))


class JobStatus(StrEnum):
    """Where a scheduled message is in its life."""

    SCHEDULED = "scheduled"  # waiting for its time
    CLAIMED = "claimed"  # taken by one worker, not run yet: back to scheduled if it dies
    SENDING = "sending"  # run, its messages being sent
    SENT = "sent"
    DONE = "done"  # run, and there was nothing to send
    CANCELLED = "cancelled"  # replaced, or the participant wrote first
    FAILED = "failed"  # the job raised, or Telegram refused it
    BLOCKED = "blocked"  # the participant blocked the bot
    UNKNOWN = "unknown"  # the send timed out or the worker died mid-send


class ScheduledMessage(SQLModel, table=True):
    """Something the bot sends later on its own: one row, claimed once, run by its kind."""

    __tablename__ = "scheduled_message"
    __table_args__ = (
        sa.Index("ix_scheduled_message_status_due_at", "status", "due_at"),
        sa.Index("ix_scheduled_message_participant_kind", "participant_id", "kind", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    participant_id: int = Field(foreign_key="participant.id")
    due_at: datetime = _when(nullable=False)
    status: str = Field(default=JobStatus.SCHEDULED, sa_type=sa.String(16))
    attempts: int = 0
    payload: str = Field(default="", max_length=64, description="ids only, never text")
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = _when()
    finished_at: datetime | None = _when()
    error: str = Field(default="", max_length=64, description="an error class, never a message")
    created_at: datetime = _when(nullable=False)


# ----- Staff -----


class StaffRole(StrEnum):
    """What a staff member may do: admins also manage staff and read the audit log."""

    ADMIN = "admin"
    COUNSELLOR = "counsellor"


class StaffMember(SQLModel, table=True):
    """A person at the clinic who may use the staff commands; removing one deletes the row."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=sa.BigInteger, unique=True, index=True)
    role: str = Field(sa_type=sa.String(16))
    # Bootstrap admins (STAFF_TELEGRAM_IDS) were added by nobody.
    added_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    added_at: datetime = _when(nullable=False)
    # After tapping Resolve, the member's next text is the note for this alert.
    resolving_alert_id: int | None = None


class AuditAction(StrEnum):
    """What a staff member did that the audit log records."""

    VIEW_PARTICIPANT = "view_participant"
    LIST_PARTICIPANTS = "list_participants"
    EXPORT = "export"
    VIEW_ALERTS = "view_alerts"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    ADD_STAFF = "add_staff"
    REMOVE_STAFF = "remove_staff"
    VIEW_AUDIT = "view_audit"
    SIGN_IN = "sign_in"  # into the web dashboard, with a one-time link


class AuditEntry(SQLModel, table=True):
    """Who at the clinic looked at or changed what, and when: the 42 CFR Part 2 access record."""

    id: int | None = Field(default=None, primary_key=True)
    staff_telegram_id: int = Field(sa_type=sa.BigInteger, index=True)
    action: str = Field(sa_type=sa.String(32))
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    # Bookkeeping only ("page 2", "role counsellor"): never names or clinical words.
    detail: str = Field(default="", max_length=128)
    at: datetime = _when(nullable=False, index=True)


class DashboardLink(SQLModel, table=True):
    """A one-time sign-in link to the web dashboard, sent by /dashboard: only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    staff_telegram_id: int = Field(sa_type=sa.BigInteger)
    expires_at: datetime = _when(nullable=False)
    used_at: datetime | None = _when()


class DashboardSession(SQLModel, table=True):
    """A staff member signed in to the web dashboard; the cookie holds what hashes to the id."""

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True, index=True)
    staff_telegram_id: int = Field(sa_type=sa.BigInteger, index=True)
    started_at: datetime = _when(nullable=False)
    last_seen_at: datetime = _when(nullable=False)
    ended_at: datetime | None = _when()


# ----- Encryption at rest -----

KEY_CHECK = "IOP Companion"


class KeyCheck(SQLModel, table=True):
    """One known value, encrypted: a start with keys that cannot open it stops at once."""

    __tablename__ = "keycheck"

    id: int | None = Field(default=None, primary_key=True)
    value: str = Field(sa_type=EncryptedText(len(KEY_CHECK)))


# ----- Pacing -----


class RateBucket(SQLModel, table=True):
    """The moment the next message may go to Telegram, shared by every worker, so that all of
    them together keep to TELEGRAM_RATE_LIMIT."""

    __tablename__ = "ratebucket"

    name: str = Field(primary_key=True, max_length=32)
    next_at: float = Field(default=0.0, description="seconds since 1970, the database's clock")
