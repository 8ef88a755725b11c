"""The conversation engine: one participant's input in, replies out, position in the database."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from bot import alerts, keyboards, pacing
from bot import participants as people
from bot.checkins import feature as checkin_feature
from bot.checkins.feature import GraduationRefused, Refusal
from bot.config import DEFAULT_INVITE_EXPIRY_DAYS, DEFAULT_TIMEZONE, Settings
from bot.content.checks import MAX_TEXT
from bot.content.loader import CONSENT, ORIENTATION, Content, ContentError, load_content
from bot.db import SessionFactory
from bot.engine import callbacks as cb
from bot.engine import repeats
from bot.engine.context import TurnContext
from bot.engine.registry import Registry
from bot.engine.steps import carry_on_row, fill, names_substances, values_for
from bot.engine.sweep import Sweep
from bot.engine.turn import Turn
from bot.engine.types import Handled, Incoming, Kind, Reply
from bot.features import build_registry
from bot.models import AlertKind, CheckIn, Participant, utcnow
from bot.rights.erasure import Mode
from bot.safety.screening import CrisisScreen, Danger
from bot.staff import store as staff_store
from bot.staff.delivery import AlertRoutes
from bot.staff.desk import Desk

log = logging.getLogger(__name__)
T = TypeVar("T")
Clock = Callable[[], datetime]
PREVIEW_LABEL = "preview-{}"
CRISIS = "crisis"  # the command, and the main menu's item, that ask for the crisis lines
CRISIS_BUTTON = cb.encode(cb.MENU, CRISIS)
SCREENED = (Kind.TEXT, Kind.EDITED, Kind.MEDIA, Kind.COMMAND)  # what may hold crisis language
PEOPLE_KEPT = 100_000  # people the crisis screen remembers things about
LATE = "recorded late: storage was down"  # where a crisis flag came from, when stored late


class _Kept(dict[int, T]):
    """A value per Telegram id, for the most recent PEOPLE_KEPT people."""

    def put(self, telegram_id: int, value: T) -> None:
        if self.get(telegram_id) == value:
            return
        if len(self) >= PEOPLE_KEPT:
            del self[next(iter(self))]
        self[telegram_id] = value


@dataclass(frozen=True)
class _LateAlert:
    """Crisis language seen while the database failed: stored as a flag once it is back."""

    telegram_id: int
    at: datetime


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
        invite_expiry_days: int = DEFAULT_INVITE_EXPIRY_DAYS,
        web_base_url: str | None = None,
    ) -> None:
        self._staff_chat = staff_chat
        self._default_timezone = default_timezone
        self._live = _Live.of(content)
        self._registry = registry
        self._sessions = sessions
        self._clock = clock
        self._content_dir = content_dir
        self._languages = _Kept[str]()  # Telegram id -> language, for the crisis lines
        self._first_aid = _Kept[int]()  # Telegram id -> the last update given the crisis lines
        self._naming = _Kept[bool]()  # Telegram id -> their step asks what they use (see screen)
        self._late: list[_LateAlert] = []
        self.desk = Desk(
            sessions=sessions, content=lambda: self._live.content, clock=clock,
            zone=ZoneInfo(default_timezone), bot_username=bot_username, graduate=self.graduate,
            reload=self.reload, invite_days=invite_expiry_days, web_base_url=web_base_url,
        )  # fmt: skip
        self.sweep = Sweep(
            registry=registry, content=lambda: self._live.content, sessions=sessions,
            clock=clock, default_timezone=default_timezone, staff_chat=staff_chat,
        )  # fmt: skip

    @property
    def content(self) -> Content:
        return self._live.content

    def screen(self, telegram_id: int, incoming: Incoming) -> tuple[Incoming, list[Reply]]:
        """Crisis first, before anything touches the database: crisis language anywhere, and
        /crisis, get the crisis lines from the content alone. The input comes back marked so
        that its turn only records the flag.

        At a step that asks what the person uses, two substances named together are an
        answer: this process remembers that from their last turn, and without it (another
        worker, a restart) every pattern counts."""
        if incoming.in_group:
            return incoming, []
        live = self._live
        typed = incoming.rest if incoming.kind is Kind.COMMAND else incoming.value
        naming = self._naming.get(telegram_id, False)
        danger = (
            live.screen.assess(typed, names_substances=naming)
            if incoming.kind in SCREENED
            else None
        )
        asked = (incoming.kind is Kind.COMMAND and incoming.value == CRISIS) or (
            incoming.kind is Kind.BUTTON and incoming.value == CRISIS_BUTTON
        )
        if danger is None and not asked:
            return incoming, []
        marked = dataclasses.replace(incoming, crisis=danger is not None, answered=True)
        if incoming.update_id is not None:
            if self._first_aid.get(telegram_id) == incoming.update_id:
                return marked, []  # Telegram sent it again: the lines went out already
            self._first_aid.put(telegram_id, incoming.update_id)
        lang = live.content.language(self._languages.get(telegram_id, incoming.language_code))
        someone = Participant(telegram_id=telegram_id, language=lang.code)
        text = getattr(lang.messages.texts, danger.text if danger else Danger.CRISIS.text)
        text = fill(text, values_for(live.content, lang, someone))
        return marked, [Reply(text, carry_on_row(lang))]

    def handle(self, telegram_id: int, incoming: Incoming) -> Handled:
        """Answer one thing someone sent: staff business first, without touching anything of a
        participant; otherwise a participant's turn, the position committed with the answer.

        When the crisis lines were already sent, a failing database loses nothing that
        matters: the crisis flag is kept here and stored once the database is back."""
        try:
            self.record_late_alerts()
            return self._handle(telegram_id, incoming)
        except sa.exc.SQLAlchemyError as error:
            if not incoming.answered:
                raise
            if incoming.crisis:
                self._late.append(_LateAlert(telegram_id, self._clock()))
            log.error("update %s: the database failed (%s) after the crisis lines were sent",
                      incoming.update_id, type(error).__name__)  # fmt: skip
            return Handled([])

    def record_late_alerts(self) -> None:
        """Store the crisis flags kept while the database failed; keep them if it still does."""
        late, self._late = self._late, []
        if not late:
            return
        try:
            with self._sessions() as session:
                for item in late:
                    mine = select(Participant).where(Participant.telegram_id == item.telegram_id)
                    person = session.exec(mine).first()
                    if person is not None and person.consented_at is not None:
                        assert person.id is not None
                        alerts.raise_alert(
                            session=session, participant_id=person.id,
                            kind=AlertKind.CRISIS_LANGUAGE, context=LATE, now=item.at,
                        )  # fmt: skip
                session.commit()
        except sa.exc.SQLAlchemyError as error:
            self._late[:0] = late
            log.warning("%s crisis flags wait for the database (%s)", len(late),
                        type(error).__name__)  # fmt: skip

    def _handle(self, telegram_id: int, incoming: Incoming) -> Handled:
        # A participant's typed text is asked about below, in the turn's own transaction.
        private_text = incoming.kind is Kind.TEXT and not incoming.in_group
        if not private_text and self.desk.claims(incoming):
            staff = self.desk.handle(telegram_id, incoming)
            if staff is not None:
                return Handled(staff)
        live = self._live  # one content for the whole turn, even if a reload lands meanwhile
        if incoming.in_group:  # the staff group: nobody is enrolled from there
            unknown = live.content.language(incoming.language_code).messages.texts.unknown_command
            return Handled([Reply(unknown)] if incoming.kind is Kind.COMMAND else [])
        with self._sessions() as session:
            # Typed text may be a staff member's note resolving an alert: asked in the turn's
            # own transaction, so a participant's text costs no other.
            if not private_text or not staff_store.noting(session=session, telegram_id=telegram_id):
                return self._turn(live, session, telegram_id, incoming)
        staff = self.desk.handle(telegram_id, incoming)
        if staff is not None:
            return Handled(staff)
        with self._sessions() as session:  # the note was taken meanwhile elsewhere
            return self._turn(live, session, telegram_id, incoming)

    def _turn(self, live: _Live, session: Session, telegram_id: int, incoming: Incoming) -> Handled:
        """A participant's turn, committed with their position."""
        participant = self._lock(session, telegram_id)
        last, update = participant.last_update_id, incoming.update_id
        seen = repeats.remembered(participant.recent_updates)
        if update is not None and repeats.is_repeat(update, last, seen):
            # Telegram delivered this update again; it was answered.
            log.info("update %s dropped: participant %s already had it", update, participant.id)
            if not participant.unsent:
                return Handled([])
            # The answer may never have gone out (a crash after the commit).
            ctx = self._context(live, session, participant, incoming.language_code)
            replies = Turn(self._registry, ctx).nav.current()
            session.commit()
            return Handled(replies)
        ctx = self._context(live, session, participant, incoming.language_code)
        replies = Turn(self._registry, ctx).run(incoming)
        if participant.erased_at is None:  # written with the turn's changes, at once
            if update is not None:
                participant.last_update_id, participant.recent_updates = repeats.after(
                    update, last, seen
                )
            participant.last_seen_at = ctx.now
        session.add(participant)
        session.commit()
        self._languages.put(telegram_id, ctx.lang.code)
        self._naming.put(telegram_id, names_substances(ctx.lang, participant))
        return Handled(replies, ctx.alerted)

    def tidy(self, swaps: Sequence[keyboards.Swap]) -> list[list[int]]:
        """After sending: remember which messages carry live buttons now, for several chats
        in one transaction (see keyboards.Swap); for each, the ones to take the buttons off.
        A failing database only leaves old buttons live."""
        try:
            with self._sessions() as session:
                strips = keyboards.swap_all(session=session, swaps=swaps)
                session.commit()
        except sa.exc.SQLAlchemyError as error:
            log.warning("live buttons not recorded: %s", type(error).__name__)
            return [[] for _ in swaps]
        return strips

    def pace(self, count: int, per_second: float) -> float:
        """Reserve the next `count` moments to send at, shared with every worker; the seconds
        until the first."""
        with self._sessions() as session:
            wait = pacing.take(session=session, count=count, per_second=per_second)
            session.commit()
            return wait

    def hold_sends(self, seconds: float) -> None:
        """Telegram asked to wait: every worker waits (this one does anyway, should the
        database fail)."""
        try:
            with self._sessions() as session:
                pacing.hold(session=session, seconds=seconds)
                session.commit()
        except sa.exc.SQLAlchemyError as error:
            log.warning("other workers were not held back: %s", type(error).__name__)

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
            # A preview label once past consent, so that `/start CODE` typed at consent can
            # still link the person to an invite (its label and stage), as on Telegram.
            if participant.label is None and (participant.consented_at or start is not None):
                participant.label = PREVIEW_LABEL.format(telegram_id)
            if language:
                participant.language = language
            ctx = self._context(live, session, participant, None)
            turn = Turn(self._registry, ctx)
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
    settings: Settings,
    sessions: SessionFactory,
    *,
    clock: Clock = utcnow,
    content: Content | None = None,
) -> Companion:
    """The companion as settings describe it, on `content` if it was loaded already; raises
    ContentError for broken content."""
    routes = AlertRoutes(
        staff_chat_id=settings.staff_chat_id, resend_minutes=settings.alert_resend_minutes,
        resend_max=settings.alert_resend_max, zone=settings.default_timezone,
    )  # fmt: skip
    registry = build_registry(routes, Mode(settings.delete_mode))
    content = content or load_content(settings.content_dir, registry.needs())
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
        invite_expiry_days=settings.invite_expiry_days,
        web_base_url=settings.web_base_url,
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
