"""The conversation engine: one participant's input in, replies out, position in the database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from bot import participants as store
from bot import sessions
from bot.checkins import store as checkin_store
from bot.checkins.conversation import CheckInTalk
from bot.checkins.schedule import next_allowed
from bot.config import DEFAULT_TIMEZONE, Settings
from bot.content.checks import MAX_TEXT
from bot.content.loader import CONSENT, ORIENTATION, Content, ContentError, load_content
from bot.db import SessionFactory
from bot.engine import steps
from bot.engine.steps import fill
from bot.engine.turn import Turn
from bot.engine.types import Delivery, Incoming, Kind, Outgoing, Reply
from bot.models import CheckIn, Participant, utcnow
from bot.models import CheckInStatus as S
from bot.plans import AFTERCARE, PlanView
from bot.safety.screening import CrisisScreen

Clock = Callable[[], datetime]
RELOAD = "reload"
REFLECTION = "reflection"  # the flow sent after a session
# A failed check-in: its status, and the flag raised for staff.
RESULT_FLAGS = {
    Delivery.BLOCKED: (S.BLOCKED, "unreachable"),
    Delivery.UNKNOWN: (S.UNKNOWN, "delivery_unknown"),
    Delivery.FAILED: (S.FAILED, "delivery_failed"),
}
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
        default_timezone: str = DEFAULT_TIMEZONE,
    ) -> None:
        self._default_timezone = default_timezone
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
            due = store.claim_due(
                session=session, column="remind_at", now=self._clock(), telegram_id=telegram_id
            )
            out = []
            for participant in due:
                turn = self._turn(live, session, participant, Incoming(Kind.TEXT))
                _, step = turn.position()
                paced = step is not None and step.wait_minutes is not None
                # A paced step arrives on its own; a 'remind me later' says hello first.
                hello = [] if paced else [turn.say("reminder")]
                out.append((participant.telegram_id, [*hello, *turn.current()]))
            session.commit()
            return out

    # ----- after graduation -------------------------------------------------------------------

    def graduate(self, label: str, on: date) -> list[CheckIn]:
        """Mark the participant with this label graduated and plan their check-ins."""
        with self._sessions() as session:
            person = session.exec(select(Participant).where(Participant.label == label)).first()
            if person is None:
                raise LookupError(f"no participant has the label {label!r}")
            if person.consented_at is None:
                raise LookupError(f"{label!r} has not agreed to the privacy notice yet")
            if person.graduated_on is not None and person.graduated_on != on:
                raise LookupError(f"{label!r} graduated on {person.graduated_on} already")
            person.graduated_on = on
            # Daily and session reminders are for the program; check-ins follow it.
            person.daily_at = person.session_reminder_at = None
            rows = checkin_store.plan(
                session=session, participant=person, follow_up=self.content.follow_up,
                default_timezone=self._default_timezone,
            )  # fmt: skip
            session.add(person)
            session.commit()
            return rows

    def claim_checkins(self, limit: int, *, telegram_id: int | None = None) -> list[Outgoing]:
        """Take due check-ins for this worker and say what to send; report back each result."""
        live = self._live
        quiet = live.content.follow_up.quiet_hours
        with self._sessions() as session:
            now = self._clock()
            out = []
            claimed = checkin_store.claim_due(
                session=session, now=now, limit=limit, telegram_id=telegram_id
            )
            for row, person in claimed:
                zone = checkin_store.zone_of(person, self._default_timezone)
                allowed = next_allowed(now, zone, quiet)
                if allowed > now:  # back from downtime during the night: wait for morning
                    row.status, row.due_at, row.claimed_at = S.SCHEDULED, allowed, None
                    session.add(row)
                    continue
                talk = CheckInTalk(self._turn(live, session, person, Incoming(Kind.TEXT)))
                out.append(Outgoing(person.telegram_id, talk.opening(row), row.id))
            session.commit()
            return out

    def checkin_results(self, results: Sequence[tuple[int, Delivery, float]]) -> None:
        """Record what Telegram said about check-ins this worker claimed, in one transaction:
        (check-in id, outcome, seconds to wait before retrying) each."""
        outcomes = {checkin_id: (outcome, wait) for checkin_id, outcome, wait in results}
        with self._sessions() as session:
            now = self._clock()
            for row, person in checkin_store.with_participants(session=session, ids=list(outcomes)):
                if row.status != S.SENDING:
                    continue
                outcome, wait = outcomes[_id(row)]
                if outcome is Delivery.SENT:
                    language = self.content.language(person.language)
                    row.status, row.sent_at = S.SENT, now
                    row.content_version = language.versions[f"checkin:{row.questionnaire}"]
                elif outcome is Delivery.RETRY:
                    row.status, row.claimed_at = S.SCHEDULED, None
                    row.due_at = now + timedelta(seconds=max(wait, 1))
                else:
                    status, flag = RESULT_FLAGS[outcome]
                    row.status = status
                    if outcome is Delivery.BLOCKED:
                        person.unreachable_at = now
                    store.raise_alert(
                        session=session, participant=person, kind=flag,
                        context=f"check-in day {row.day}", now=now,
                    )  # fmt: skip
                session.add_all([row, person])
            session.commit()

    def upkeep(self, *, telegram_id: int | None = None) -> list[Outgoing]:
        """On each tick: close what is late, raise flags, and return reminders and greetings."""
        live = self._live
        follow_up = live.content.follow_up
        with self._sessions() as session:
            now = self._clock()
            for row in checkin_store.stale_claims(session=session, now=now):
                self._flag(session, row.participant_id, "delivery_unknown", row.day, now)
            for person_id in checkin_store.expire(session=session, now=now, follow_up=follow_up):
                streak = checkin_store.missed_streak(session=session, participant_id=person_id)
                if streak == follow_up.missed_in_a_row_alert:  # once per streak
                    self._flag(session, person_id, "missed_checkins", streak, now)
            out: list[Outgoing] = []
            for person in store.claim_due(
                session=session, column="daily_at", now=now, telegram_id=telegram_id
            ):
                turn = self._turn(live, session, person, Incoming(Kind.TEXT))
                person.daily_at = turn.next_daily()
                session.add(person)
                out.append(Outgoing(person.telegram_id, [turn.daily()]))
            for person in store.claim_due(
                session=session, column="session_reminder_at", now=now, telegram_id=telegram_id
            ):
                turn = self._turn(live, session, person, Incoming(Kind.TEXT))
                upcoming = sessions.upcoming(live.content.clinic, turn.clinic_zone(), now)
                if upcoming:
                    start, meeting = upcoming[0]
                    person.reflection_at = sessions.end_of(meeting, start, turn.clinic_zone())
                    what = f"{meeting.title.get(turn.lang.code) or meeting.title['en']}, "
                    what += start.astimezone(turn.clinic_zone()).strftime("%H:%M")
                    text = steps.fill(
                        turn.lang.messages.texts.session_reminder, {**turn.values(), "value": what}
                    )
                    out.append(Outgoing(person.telegram_id, [Reply(text)]))
                turn.plan_session_reminder()
                session.add(person)
            for person in store.claim_due(
                session=session, column="reflection_at", now=now, telegram_id=telegram_id
            ):
                turn = self._turn(live, session, person, Incoming(Kind.TEXT))
                out.append(Outgoing(person.telegram_id, turn.enter(REFLECTION)))
                session.add(person)
            for person in store.claim_due(
                session=session, column="goals_nudge_at", now=now, telegram_id=telegram_id
            ):
                view = PlanView(self._turn(live, session, person, Incoming(Kind.TEXT)))
                nudges = view.goal_nudges()
                if nudges:  # no goals left: the weekly question stops
                    person.goals_nudge_at = now + timedelta(days=7)
                    out.append(Outgoing(person.telegram_id, nudges))
                session.add(person)
            for person in store.claim_graduations(
                session=session, now=now, telegram_id=telegram_id
            ):
                zone = checkin_store.zone_of(person, self._default_timezone)
                if next_allowed(now, zone, follow_up.quiet_hours) > now:
                    person.graduation_sent_at = None  # congratulate in the morning
                    session.add(person)
                    continue
                turn = self._turn(live, session, person, Incoming(Kind.TEXT))
                out.append(
                    Outgoing(person.telegram_id, [turn.say("graduation"), *turn.enter(AFTERCARE)])
                )
            for row in checkin_store.reminder_candidates(
                session=session, now=now, follow_up=follow_up
            ):
                person = checkin_store.participant_of(session=session, checkin=row)
                zone = checkin_store.zone_of(person, self._default_timezone)
                if (
                    person.stopped_at
                    or person.unreachable_at
                    or telegram_id not in (None, person.telegram_id)
                    or next_allowed(now, zone, follow_up.quiet_hours) > now
                ):
                    continue
                if checkin_store.claim_reminder(session=session, checkin_id=row.id or 0, now=now):
                    talk = CheckInTalk(self._turn(live, session, person, Incoming(Kind.TEXT)))
                    out.append(Outgoing(person.telegram_id, talk.reminder(row)))
            session.commit()
            return out

    def _flag(self, session: Session, person_id: int, kind: str, day: int, now: datetime) -> None:
        person = session.get(Participant, person_id)
        assert person is not None
        store.raise_alert(
            session=session, participant=person, kind=kind, context=f"check-in day {day}", now=now
        )

    def mark_unreachable(self, telegram_id: int) -> None:
        """The participant blocked the bot: send nothing more until they write again."""
        with self._sessions() as session:
            participant = self._lock(session, telegram_id)
            participant.unreachable_at = now = self._clock()
            if participant.consented_at is not None:
                store.raise_alert(
                    session=session, participant=participant, kind="unreachable",
                    context="blocked the bot", now=now,
                )  # fmt: skip
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
        return Turn(
            live.content, live.screen, session, participant, incoming, self._clock(),
            self._default_timezone,
        )  # fmt: skip


def _id(row: CheckIn) -> int:
    assert row.id is not None
    return row.id


def build_companion(
    settings: Settings, sessions: SessionFactory, *, clock: Clock = utcnow
) -> Companion:
    """The companion as settings describe it; raises ContentError for broken content."""
    return Companion(
        content=load_content(settings.content_dir),
        sessions=sessions,
        clock=clock,
        staff_ids=settings.staff_ids,
        content_dir=settings.content_dir,
        default_timezone=settings.default_timezone,
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
