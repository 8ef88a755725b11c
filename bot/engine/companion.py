"""The conversation engine: one participant's input in, replies out, position in the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from bot import participants as store
from bot.content.checks import MAX_TEXT
from bot.content.loader import CONSENT, ORIENTATION, Content, ContentError, load_content
from bot.db import SessionFactory
from bot.engine.steps import fill
from bot.engine.turn import Turn
from bot.engine.types import Incoming, Kind, Reply
from bot.models import Participant, utcnow
from bot.safety.screening import CrisisScreen

Clock = Callable[[], datetime]
RELOAD = "reload"
PREVIEW_LABEL = "preview-{}"


@dataclass(frozen=True)
class _Live:
    """Content and the crisis screen built from it, swapped together on reload."""

    content: Content
    screen: CrisisScreen

    @classmethod
    def of(cls, content: Content) -> _Live:
        phrases = (p for lang in content.languages.values() for p in lang.crisis_phrases)
        return cls(content, CrisisScreen(phrases))


class Companion:
    """Holds the content and the database; every turn runs in one transaction."""

    def __init__(
        self,
        *,
        content: Content,
        sessions: SessionFactory,
        clock: Clock = utcnow,
        staff_ids: frozenset[int] = frozenset(),
        content_dir: Path | None = None,
    ) -> None:
        self._live = _Live.of(content)
        self._sessions = sessions
        self._clock = clock
        self._staff_ids = staff_ids
        self._content_dir = content_dir

    @property
    def content(self) -> Content:
        return self._live.content

    def handle(self, telegram_id: int, incoming: Incoming) -> list[Reply]:
        """Answer one thing a participant sent; the position is committed with the answer."""
        is_reload = incoming.kind is Kind.COMMAND and incoming.value == RELOAD
        if is_reload and telegram_id in self._staff_ids:
            return self.reload()
        live = self._live  # one content for the whole turn, even if a reload lands meanwhile
        with self._sessions() as session:
            participant = self._lock(session, telegram_id)
            last = participant.last_update_id
            if incoming.update_id is not None:
                if last is not None and incoming.update_id <= last:
                    return []  # Telegram delivered this update again; it was answered.
                participant.last_update_id = incoming.update_id
            replies = self._turn(live, session, participant, incoming).run()
            session.add(participant)
            session.commit()
            return replies

    def due_reminders(self, *, telegram_id: int | None = None) -> list[tuple[int, list[Reply]]]:
        """Claim every due 'remind me later' (or one person's) and say what to send to whom."""
        live = self._live
        with self._sessions() as session:
            due = store.claim_due_reminders(
                session=session, now=self._clock(), telegram_id=telegram_id
            )
            out = []
            for participant in due:
                turn = self._turn(live, session, participant, Incoming(Kind.TEXT))
                out.append((participant.telegram_id, [turn.say("reminder"), *turn.current()]))
            session.commit()
            return out

    def mark_unreachable(self, telegram_id: int) -> None:
        """The participant blocked the bot: send nothing more until they write again."""
        with self._sessions() as session:
            participant = self._lock(session, telegram_id)
            participant.unreachable_at = self._clock()
            session.add(participant)
            session.commit()

    def reload(self) -> list[Reply]:
        """Load the content folder again; swap it in only if it is free of problems."""
        texts = self.content.language(None).messages.texts
        assert self._content_dir is not None, "reload needs the content folder"
        try:
            content = load_content(self._content_dir)
            with self._sessions() as session:
                problems = content.check_stored_answers(store.answered_questions(session=session))
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
            turn = self._turn(live, session, participant, Incoming(Kind.START))
            if start is None:
                replies = turn.run()
            else:
                flow_id, step_id = resolve_start(live.content, start, language)
                now = self._clock()
                # The preview participant skips what comes before the part being previewed.
                if flow_id != CONSENT:
                    participant.consented_at = participant.consented_at or now
                if flow_id not in (CONSENT, ORIENTATION):
                    participant.oriented_at = participant.oriented_at or now
                replies = turn.enter(flow_id, step_id)
            session.add(participant)
            session.commit()
            return replies

    def _lock(self, session: Session, telegram_id: int) -> Participant:
        return store.lock_participant(session=session, telegram_id=telegram_id, now=self._clock())

    def _turn(
        self, live: _Live, session: Session, participant: Participant, incoming: Incoming
    ) -> Turn:
        return Turn(live.content, live.screen, session, participant, incoming, self._clock())


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
