"""What the clock sends: scheduled messages and check-ins, each claimed by one worker and run in
a transaction of its own, each result stored as soon as Telegram answers."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from bot import alerts, keyboards, scheduled
from bot import participants as people
from bot.checkins import feature as checkin_feature
from bot.checkins import store as checkins
from bot.checkins.conversation import where
from bot.content.loader import Content
from bot.db import SessionFactory
from bot.engine.context import TurnContext
from bot.engine.registry import Registry
from bot.engine.types import Delivered, Delivery, Outgoing
from bot.models import AlertKind, CheckInStatus, JobStatus, Participant

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
# Telegram id -> the messages whose buttons come off, now that newer ones carry buttons
Strips = dict[int, list[int]]
STAFF_RETRY_SECONDS = 30.0  # Telegram or the network down: try an alert again this soon
JOB_OUTCOMES = {
    Delivery.SENT: JobStatus.SENT,
    Delivery.BLOCKED: JobStatus.BLOCKED,
    Delivery.UNKNOWN: JobStatus.UNKNOWN,
    Delivery.FAILED: JobStatus.FAILED,
}


class Sweep:
    """One worker's share of what is due; any number of workers can sweep one database."""

    def __init__(
        self,
        *,
        registry: Registry,
        content: Callable[[], Content],
        sessions: SessionFactory,
        clock: Clock,
        default_timezone: str,
        staff_chat: bool = False,
    ) -> None:
        self._staff_chat = staff_chat
        self._registry = registry
        self._content = content
        self._sessions = sessions
        self._clock = clock
        self._default_timezone = default_timezone
        # Claims carry the worker's name, so a worker only ever sends what it claimed.
        self.worker = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"

    def _context(self, session: Session, person: Participant, content: Content) -> TurnContext:
        return TurnContext(
            session=session, participant=person, content=content,
            lang=content.language(person.language), now=self._clock(),
            default_timezone=self._default_timezone, staff_chat=self._staff_chat,
        )  # fmt: skip

    def upkeep(self) -> None:
        """Close what is late and what dead workers left, and raise the flags that go with it."""
        follow_up = self._content().follow_up
        with self._sessions() as session:
            now = self._clock()
            for job in scheduled.recover(session=session, now=now):
                log.warning("scheduled message %s (%s) was mid-send when its worker stopped",
                            job.id, job.kind)  # fmt: skip
            for row in checkins.stale_claims(session=session, now=now):
                alerts.raise_alert(
                    session=session, participant_id=row.participant_id,
                    kind=AlertKind.DELIVERY_UNKNOWN, context=where(row), now=now,
                )  # fmt: skip
            new = checkins.expire(session=session, now=now, follow_up=follow_up)
            for person_id, misses in sorted(new.items()):
                streak = checkins.missed_streak(session=session, participant_id=person_id)
                # Once per streak, when this sweep's misses (maybe several) reach the number.
                if streak >= follow_up.missed_in_a_row_alert > streak - misses:
                    alerts.raise_alert(
                        session=session, participant_id=person_id,
                        kind=AlertKind.MISSED_CHECKINS, context=f"{streak} in a row", now=now,
                    )  # fmt: skip
            session.commit()

    # ----- scheduled messages -----------------------------------------------------------------

    def claim_jobs(self, limit: int, *, telegram_id: int | None = None) -> list[int]:
        with self._sessions() as session:
            ids = scheduled.claim(
                session=session, now=self._clock(), limit=limit, worker=self.worker,
                telegram_id=telegram_id, unfiltered=self._registry.to_staff,
            )  # fmt: skip
            session.commit()
            return ids

    def run_job(self, job_id: int) -> Outgoing | None:
        """Run one claimed message's handler in its own transaction; say what to send.

        A handler that raises is rolled back, logged (ids and kind), marked failed and
        flagged; the other messages go on."""
        content = self._content()
        with self._sessions() as session:
            job = scheduled.take(session=session, job_id=job_id, worker=self.worker)
            if job is None:
                return None
            kind, person_id = job.kind, job.participant_id
            try:
                spec = self._registry.jobs[kind]
                person = people.lock_by_id(session=session, participant_id=person_id)
                ctx = self._context(session, person, content)
                replies = spec.run(self._registry.navigator(ctx), job)
                chat = spec.recipient(job) if spec.recipient else person.telegram_id
                session.flush()
            except Exception as error:
                session.rollback()
                self._failed(job_id, kind, person_id, error)
                return None
            job.attempts += 1
            job.status = JobStatus.SENDING if replies else JobStatus.DONE
            job.finished_at = None if replies else ctx.now
            session.add_all([job, person])
            session.commit()
            return Outgoing(chat, replies, job_id) if replies else None

    def _failed(self, job_id: int, kind: str, person_id: int, error: Exception) -> None:
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error("scheduled message %s (%s) for participant %s failed with %s\n%s",
                  job_id, kind, person_id, type(error).__name__, frames)  # fmt: skip
        with self._sessions() as session:
            now = self._clock()
            for job in scheduled.by_ids(session=session, ids=[job_id]):
                job.status, job.error, job.finished_at = JobStatus.FAILED, type(error).__name__, now
                session.add(job)
            alerts.raise_alert(
                session=session, participant_id=person_id, kind=AlertKind.JOB_FAILED,
                context=f"{kind} could not be sent", now=now,
            )  # fmt: skip
            session.commit()

    def job_results(self, results: Sequence[Delivered]) -> Strips:
        """Store what Telegram said about messages this worker sent, in one transaction; the
        buttons to take off older messages."""
        outcomes = {result.ref: result for result in results}
        strips: Strips = {}
        with self._sessions() as session:
            now = self._clock()
            for job in scheduled.by_ids(session=session, ids=list(outcomes)):
                if job.status != JobStatus.SENDING or job.claimed_by != self.worker:
                    continue
                result = outcomes[job.id or 0]
                outcome, wait = result.outcome, result.wait
                spec = self._registry.jobs.get(job.kind)
                to_staff = spec is not None and spec.to_staff
                if to_staff and outcome is not Delivery.SENT:
                    log.error("scheduled message %s (%s) to staff: %s", job.id, job.kind, outcome)
                if to_staff and outcome is Delivery.UNKNOWN:
                    outcome, wait = Delivery.RETRY, STAFF_RETRY_SECONDS
                if outcome is Delivery.RETRY:  # flood control: run again after the wait
                    job.status, job.claimed_at, job.claimed_by = JobStatus.SCHEDULED, None, None
                    job.due_at = now + _seconds(wait)
                else:
                    job.status, job.finished_at = JOB_OUTCOMES[outcome], now
                    job.error = "" if outcome is Delivery.SENT else outcome.value
                if outcome is Delivery.BLOCKED and not to_staff:
                    self._unreachable(session, job.participant_id, now)
                session.add(job)
            swaps = [keyboards.Swap(r.telegram_id, r.shown) for r in results if r.shown]
            for swap, gone in zip(
                swaps, keyboards.swap_all(session=session, swaps=swaps), strict=True
            ):
                strips.setdefault(swap.telegram_id, []).extend(gone)  # two jobs, one person
            session.commit()
        return strips

    def _unreachable(self, session: Session, person_id: int, now: datetime) -> None:
        """The participant blocked the bot: send nothing more until they write again."""
        person = session.get(Participant, person_id)
        if person is None or person.unreachable_at is not None:
            return
        person.unreachable_at = now
        session.add(person)
        if person.consented_at is not None:
            alerts.raise_alert(
                session=session, participant_id=person_id, kind=AlertKind.UNREACHABLE,
                context="blocked the bot", now=now,
            )  # fmt: skip

    # ----- check-ins --------------------------------------------------------------------------

    def claim_checkins(self, limit: int, *, telegram_id: int | None = None) -> list[int]:
        with self._sessions() as session:
            ids = checkins.claim_due(
                session=session, now=self._clock(), limit=limit, worker=self.worker,
                telegram_id=telegram_id,
            )  # fmt: skip
            session.commit()
            return ids

    def open_checkins(self, ids: Sequence[int]) -> list[Outgoing]:
        """Mark these claimed check-ins as being sent now and say what to send."""
        content = self._content()
        with self._sessions() as session:
            out = []
            for row, person in checkins.start_sending(session=session, ids=ids, worker=self.worker):
                replies = checkin_feature.opening(self._context(session, person, content), row)
                if replies:
                    out.append(Outgoing(person.telegram_id, replies, row.id or 0))
            session.commit()
            return out

    def checkin_results(self, results: Sequence[Delivered]) -> Strips:
        """Store what Telegram said about check-ins this worker sent, in one transaction; the
        buttons to take off older messages."""
        content = self._content()
        outcomes = {result.ref: result for result in results}
        strips: Strips = {}
        with self._sessions() as session:
            for row, person in checkins.with_participants(
                session=session, ids=list(outcomes), lock=True
            ):
                result = outcomes[row.id or 0]
                if result.shown:
                    gone = keyboards.swap_on(person, shown=result.shown)
                    strips.setdefault(person.telegram_id, []).extend(gone)
                if row.status == CheckInStatus.SENDING and row.claimed_by == self.worker:
                    ctx = self._context(session, person, content)
                    checkin_feature.record(ctx, row, result.outcome, result.wait)
                session.add(person)
            session.commit()
        return strips


def _seconds(wait: float) -> timedelta:
    return timedelta(seconds=max(wait, 1))
