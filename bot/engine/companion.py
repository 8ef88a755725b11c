"""The conversation engine: one participant's input in, replies out, position in the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot import participants as people
from bot.checkins import feature as checkin_feature
from bot.checkins.feature import GraduationRefused, Refusal
from bot.config import DEFAULT_TIMEZONE, Settings
from bot.content.checks import MAX_TEXT
from bot.content.loader import CONSENT, ORIENTATION, Content, ContentError, load_content
from bot.db import SessionFactory
from bot.engine.context import TurnContext
from bot.engine.registry import Registry
from bot.engine.steps import fill
from bot.engine.sweep import Sweep
from bot.engine.turn import Turn
from bot.engine.types import Handled, Incoming, Kind, Reply
from bot.features import build_registry
from bot.models import CheckIn, Participant, utcnow
from bot.safety.screening import CrisisScreen
from bot.staff import store as staff_store
from bot.staff.delivery import AlertRoutes
from bot.staff.desk import Desk

Clock = Callable[[], datetime]
PREVIEW_LABEL = "preview-{}"


@dataclass(frozen=True)
class _Live:
    """Content and the crisis screen built from it, swapped together on reload."""

    content: Content
    screen: CrisisScreen

    @classmethod
    def of(cls, content: Content) -> _Live:
        return cls(content, CrisisScreen(lang.crisis for lang in content.languages.values()))


class Companion:
    """Holds the content, the features and the database; every turn runs in one transaction."""

    def __init__(
        self,
        *,
        content: Content,
        registry: Registry,
        sessions: SessionFactory,
        clock: Clock = utcnow,
        content_dir: Path | None = None,
        default_timezone: str = DEFAULT_TIMEZONE,
        bot_username: str | None = None,
        staff_chat: bool = False,
    ) -> None:
        self._staff_chat = staff_chat
        self._default_timezone = default_timezone
        self._live = _Live.of(content)
        self._registry = registry
        self._sessions = sessions
        self._clock = clock
        self._content_dir = content_dir
        self.desk = Desk(
            sessions=sessions, content=lambda: self._live.content, clock=clock,
            zone=ZoneInfo(default_timezone), bot_username=bot_username, graduate=self.graduate,
            reload=self.reload,
        )  # fmt: skip
        self.sweep = Sweep(
            registry=registry, content=lambda: self._live.content, sessions=sessions,
            clock=clock, default_timezone=default_timezone, staff_chat=staff_chat,
        )  # fmt: skip

    @property
    def content(self) -> Content:
        return self._live.content

    def handle(self, telegram_id: int, incoming: Incoming) -> Handled:
        """Answer one thing someone sent: staff business first, without touching anything of a
        participant; otherwise a participant's turn, the position committed with the answer."""
        if self.desk.claims(incoming):
            staff = self.desk.handle(telegram_id, incoming)
            if staff is not None:
                return Handled(staff)
        live = self._live  # one content for the whole turn, even if a reload lands meanwhile
        if incoming.in_group:  # the staff group: nobody is enrolled from there
            unknown = live.content.language(incoming.language_code).messages.texts.unknown_command
            return Handled([Reply(unknown)] if incoming.kind is Kind.COMMAND else [])
        with self._sessions() as session:
            participant = self._lock(session, telegram_id)
            last = participant.last_update_id
            if incoming.update_id is not None:
                if last is not None and incoming.update_id <= last:
                    return Handled([])  # Telegram delivered this update again; it was answered.
                participant.last_update_id = incoming.update_id
            participant.last_seen_at = self._clock()
            ctx = self._context(live, session, participant, incoming.language_code)
            replies = Turn(self._registry, live.screen, ctx).run(incoming)
            session.add(participant)
            session.commit()
            return Handled(replies, ctx.alerted)

    def graduate(self, label: str, on: date) -> list[CheckIn]:
        """Mark the participant with this label graduated and plan their check-ins; raises
        GraduationRefused saying why not."""
        with self._sessions() as session:
            person = session.exec(select(Participant).where(Participant.label == label)).first()
            if person is None:
                raise GraduationRefused(Refusal.UNKNOWN, label)
            if person.consented_at is None:
                raise GraduationRefused(Refusal.NO_CONSENT, label)
            if person.graduated_on is not None and person.graduated_on != on:
                raise GraduationRefused(Refusal.ALREADY, label, person.graduated_on)
            ctx = self._context(self._live, session, person, None)
            rows = checkin_feature.graduate(ctx, on)
            session.add(person)
            session.commit()
            return rows

    def reload(self) -> list[Reply]:
        """Load the content folder again; swap it in only if it is free of problems."""
        texts = self.content.language(None).messages.texts
        assert self._content_dir is not None, "reload needs the content folder"
        try:
            content = load_content(self._content_dir, self._registry.needs())
            with self._sessions() as session:
                problems = content.check_stored_answers(people.answered_questions(session=session))
        except ContentError as error:
            problems = error.problems
        if problems:
            listing = "\n".join(str(p) for p in problems)
            return [Reply(fill(texts.reload_failed, {"value": listing})[:MAX_TEXT])]
        self._live = _Live.of(content)
        flows = sum(len(language.flows) for language in content.languages.values())
        summary = f"{len(content.languages)} languages, {flows} flows"
        return [Reply(fill(texts.reload_ok, {"value": summary}))]

    def preview(self, telegram_id: int, *, language: str | None, start: str | None) -> list[Reply]:
        """Start the terminal preview in a language, and optionally at any flow or step."""
        live = self._live
        with self._sessions() as session:
            participant = self._lock(session, telegram_id)
            if participant.label is None:
                participant.label = PREVIEW_LABEL.format(telegram_id)
            if language:
                participant.language = language
            ctx = self._context(live, session, participant, None)
            turn = Turn(self._registry, live.screen, ctx)
            if start is None:
                replies = turn.run(Incoming(Kind.START))
            else:
                flow_id, step_id = resolve_start(live.content, start, language)
                # The preview participant skips what comes before the part being previewed.
                if flow_id != CONSENT:
                    participant.consented_at = participant.consented_at or ctx.now
                if flow_id not in (CONSENT, ORIENTATION):
                    participant.oriented_at = participant.oriented_at or ctx.now
                replies = turn.nav.enter(flow_id, step_id)
            session.add(participant)
            session.commit()
            return replies

    def _lock(self, session: Session, telegram_id: int) -> Participant:
        return people.lock_participant(session=session, telegram_id=telegram_id, now=self._clock())

    def _context(
        self, live: _Live, session: Session, participant: Participant, language_code: str | None
    ) -> TurnContext:
        return TurnContext(
            session=session, participant=participant, content=live.content,
            lang=live.content.language(participant.language or language_code),
            now=self._clock(), default_timezone=self._default_timezone,
            staff_chat=self._staff_chat,
        )  # fmt: skip


def build_companion(
    settings: Settings, sessions: SessionFactory, *, clock: Clock = utcnow
) -> Companion:
    """The companion as settings describe it; raises ContentError for broken content."""
    routes = AlertRoutes(
        staff_chat_id=settings.staff_chat_id, resend_minutes=settings.alert_resend_minutes,
        resend_max=settings.alert_resend_max, zone=settings.default_timezone,
    )  # fmt: skip
    registry = build_registry(routes)
    content = load_content(settings.content_dir, registry.needs())
    with sessions() as session:  # STAFF_TELEGRAM_IDS are admins, on every start
        staff_store.bootstrap_admins(session=session, telegram_ids=settings.staff_ids)
        session.commit()
    return Companion(
        content=content,
        registry=registry,
        sessions=sessions,
        clock=clock,
        content_dir=settings.content_dir,
        default_timezone=settings.default_timezone,
        bot_username=settings.bot_username,
        staff_chat=settings.staff_chat_id is not None,
    )


def resolve_start(content: Content, start: str, language: str | None) -> tuple[str, str | None]:
    """'orientation', 'orientation:rules' or 'lesson:halt' as a flow and an optional step."""
    flows = content.language(language).flows
    head, _, tail = start.partition(":")
    if head in flows and (not tail or any(step.id == tail for step in flows[head].steps)):
        return head, tail or None
    for candidate in (f"{head}_{tail}", tail):
        if candidate in flows:
            return candidate, None
    known = ", ".join(sorted(flows))
    raise ValueError(f"--start {start!r}: no such flow or step; flows are: {known}")
