"""Follow-up check-ins as a feature: graduation, answers by button or text, reminders, results."""

from __future__ import annotations

from datetime import date, time, timedelta
from enum import StrEnum

from bot.checkins import store
from bot.checkins.conversation import CHECKIN, CONTACT, CheckInTalk, where
from bot.checkins.schedule import local_moment, next_allowed
from bot.content.schema import Flow, Option
from bot.engine.context import TurnContext
from bot.engine.navigator import Navigator
from bot.engine.registry import Action, Feature, Job, Tap
from bot.engine.types import Delivery, Reply
from bot.models import AlertKind, CheckIn, ScheduledMessage
from bot.models import CheckInStatus as S

AFTERCARE = "aftercare"  # the flow graduation opens
GRADUATION, CHECKIN_REMINDER = "graduation", "checkin_reminder"  # scheduled kinds
CHECKINS_BACK = "checkins_back"  # the flow /start opens when check-ins were stopped
# A failed check-in: its status, and the flag raised for staff.
FAILURES = {
    Delivery.BLOCKED: (S.BLOCKED, AlertKind.UNREACHABLE),
    Delivery.UNKNOWN: (S.UNKNOWN, AlertKind.DELIVERY_UNKNOWN),
    Delivery.FAILED: (S.FAILED, AlertKind.DELIVERY_FAILED),
}


class Refusal(StrEnum):
    UNKNOWN = "unknown"  # no participant has the label
    NO_CONSENT = "no_consent"
    ALREADY = "already"  # graduated on another day


class GraduationRefused(Exception):
    """A participant cannot be marked graduated; `why` says which reason applies."""

    def __init__(self, why: Refusal, label: str, graduated_on: date | None = None) -> None:
        super().__init__(why.value)
        self.why, self.label, self.graduated_on = why, label, graduated_on

    def plain(self) -> str:
        """The reason in English, for the command line."""
        if self.why is Refusal.UNKNOWN:
            return f"no participant has the label {self.label!r}"
        if self.why is Refusal.NO_CONSENT:
            return f"{self.label!r} has not agreed to the privacy notice yet"
        return f"{self.label!r} graduated on {self.graduated_on} already"


def graduate(ctx: TurnContext, on: date) -> list[CheckIn]:
    """Mark the participant graduated, plan their check-ins, and congratulate them at once."""
    p = ctx.participant
    first = p.graduated_on is None
    p.graduated_on = on
    rows = store.plan(
        session=ctx.session, participant=p, follow_up=ctx.content.follow_up,
        default_timezone=ctx.default_timezone,
    )  # fmt: skip
    if first:
        # Due now, and never after the day itself began: a graduation recorded by another
        # process (the command line) is greeted by the running bot whatever its clock says.
        ctx.schedule(GRADUATION, min(ctx.now, local_moment(on, time(0), ctx.zone())))
    return rows


def congratulate(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """Graduation: well done, and the aftercare plan; in the morning if it is night there."""
    ctx = nav.ctx
    allowed = next_allowed(ctx.now, ctx.zone(), ctx.content.follow_up.quiet_hours)
    if allowed > ctx.now:
        ctx.schedule(GRADUATION, allowed)
        return []
    return [ctx.say("graduation"), *nav.enter(AFTERCARE)]


def opening(ctx: TurnContext, checkin: CheckIn) -> list[Reply]:
    """The first message of a due check-in, or none (and due again in the morning) at night."""
    allowed = next_allowed(ctx.now, ctx.zone(), ctx.content.follow_up.quiet_hours)
    if allowed > ctx.now:  # back from downtime during the night: wait for morning
        checkin.status, checkin.due_at, checkin.claimed_at = S.SCHEDULED, allowed, None
        ctx.session.add(checkin)
        return []
    return CheckInTalk(ctx).opening(checkin)


def record(ctx: TurnContext, checkin: CheckIn, outcome: Delivery, wait: float) -> None:
    """What Telegram said about a check-in this worker sent."""
    follow_up = ctx.content.follow_up
    if outcome is Delivery.SENT:
        checkin.status, checkin.sent_at = S.SENT, ctx.now
        checkin.content_version = ctx.version(f"checkin:{checkin.questionnaire}")
        at = ctx.now + timedelta(hours=follow_up.remind_after_hours)
        ctx.schedule(CHECKIN_REMINDER, at, payload=str(checkin.id))
    elif outcome is Delivery.RETRY:
        checkin.status, checkin.claimed_at = S.SCHEDULED, None
        checkin.due_at = ctx.now + timedelta(seconds=max(wait, 1))
    else:
        checkin.status, flag = FAILURES[outcome]
        if outcome is Delivery.BLOCKED:
            ctx.participant.unreachable_at = ctx.now
        ctx.alert(flag, where(checkin))
    ctx.session.add(checkin)


def remind(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """No answer yet: a gentle nudge with the first question still open."""
    ctx = nav.ctx
    checkin = ctx.session.get(CheckIn, int(job.payload)) if job.payload.isdigit() else None
    if checkin is None or checkin.status != S.SENT or checkin.answered_at is not None:
        return []
    allowed = next_allowed(ctx.now, ctx.zone(), ctx.content.follow_up.quiet_hours)
    if allowed > ctx.now:
        ctx.schedule(CHECKIN_REMINDER, allowed, payload=job.payload)
        return []
    return CheckInTalk(ctx).reminder(checkin)


def pause(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    days = nav.ctx.content.follow_up.pause_days
    nav.ctx.participant.checkins_paused_until = nav.ctx.now + timedelta(days=days)
    return [nav.ctx.say("checkins_paused", value=str(days))]


def stop(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """Check-ins stopped (after a yes to 'are you sure?'): staff are told, to stay in touch."""
    ctx = nav.ctx
    ctx.participant.checkins_stopped_at = ctx.now
    ctx.alert(AlertKind.CHECKINS_STOPPED, f"{flow.id}:{ctx.participant.step or ''}")
    return [ctx.say("checkins_stopped")]


def resume(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    """Check-ins back on, from a pause or a stop; the option's reply says so."""
    p = nav.ctx.participant
    p.checkins_stopped_at = p.checkins_paused_until = None
    return []


def ask_to_resume(nav: Navigator) -> list[Reply]:
    """/start with check-ins stopped: ask, rather than turn them back on unasked."""
    p = nav.ctx.participant
    if p.graduated_on is None or p.checkins_stopped_at is None:
        return []
    return nav.enter(CHECKINS_BACK)


def answer_text(nav: Navigator, text: str) -> list[Reply] | None:
    """Typed text after graduation may answer the open check-in."""
    if nav.ctx.participant.graduated_on is None:
        return None
    return CheckInTalk(nav.ctx).text(text)


FEATURE = Feature(
    name="check-ins",
    buttons={
        CHECKIN: Tap(3, lambda nav, *args: CheckInTalk(nav.ctx).button(*args)),
        CONTACT: Tap(1, lambda nav, checkin_id: CheckInTalk(nav.ctx).contact(checkin_id)),
    },
    actions={
        "pause_checkins": Action(pause),
        "stop_checkins": Action(stop),
        "resume_checkins": Action(resume),
    },
    jobs={GRADUATION: Job(congratulate), CHECKIN_REMINDER: Job(remind)},
    flows=(AFTERCARE, CHECKINS_BACK),
    text=answer_text,
    pending=lambda nav: CheckInTalk(nav.ctx).pending(),
    on_start=ask_to_resume,
)
