"""Settings the participant chooses: name, time zone, time for messages, language, daily nudge."""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta

from bot.checkins import store as checkins
from bot.checkins.schedule import in_quiet_hours, quiet_span
from bot.checkins.schedule import next_daily as next_daily_at
from bot.content.schema import Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine import steps
from bot.engine.context import TurnContext
from bot.engine.fields import (
    Ambiguous,
    clock_minutes,
    format_time,
    parse_name,
    parse_time,
    parse_timezone,
)
from bot.engine.navigator import DONE_MARK, Navigator
from bot.engine.registry import Action, Feature, Job, Tap
from bot.engine.steps import find_step
from bot.engine.types import Button, Reply
from bot.models import ScheduledMessage

LANGUAGE = "g"  # g|code: a language chosen
TIME = "tm"  # tm|minutes: morning or evening, for an hour typed without saying which
DAILY = "daily"  # the scheduled kind of the daily reminder
SETTINGS = "settings"  # the flow of Settings; its list of choices shows their state
# Actions of the check-in choices, shown only after graduation.
CHECKIN_CHOICES = frozenset({"resume_checkins", "pause_checkins", "stop_checkins"})
LATE = timedelta(hours=12)  # a daily reminder this late (the bot was down) is skipped


def next_daily(ctx: TurnContext) -> datetime:
    """The next time, after now, at the participant's time of day in their zone."""
    p = ctx.participant
    return next_daily_at(
        ctx.now, zone=ctx.zone(), minute=p.message_minute, follow_up=ctx.content.follow_up
    )


def replan(ctx: TurnContext) -> None:
    """A new time zone or time moves the daily reminder and every check-in not sent yet."""
    if ctx.waiting(DAILY) is not None:
        ctx.schedule(DAILY, next_daily(ctx), replace=True)
    checkins.replan(
        session=ctx.session, participant=ctx.participant, follow_up=ctx.content.follow_up,
        default_timezone=ctx.default_timezone,
    )  # fmt: skip


def preferred_name(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    name = parse_name(text)
    if name is None:
        return [nav.ctx.say("name_invalid"), *nav.current()]
    nav.ctx.participant.preferred_name = name
    return name


def timezone(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    """A zone from a button, a place typed in either language, or an IANA name; said back as
    the place ('Eastern (New York)')."""
    ctx = nav.ctx
    labels = [pair for lang in ctx.content.languages.values() for pair in steps.zone_labels(lang)]
    zone = parse_timezone(text, labels)
    if zone is None:
        return [ctx.say("timezone_invalid"), *nav.current()]
    ctx.participant.timezone = zone
    replan(ctx)
    return ctx.values()["timezone"]


def message_time(nav: Navigator, flow: Flow, step: Step, text: str) -> str | list[Reply]:
    """A time of day; an hour that could be morning or evening is asked about, and a time in
    the quiet hours becomes their end, said plainly, so the promise is the real time."""
    ctx = nav.ctx
    minute = parse_time(text)
    if minute is None:
        return [ctx.say("time_invalid"), *nav.current()]
    clock = ctx.lang.messages.clock
    if isinstance(minute, Ambiguous):
        halves = (minute.morning, minute.evening)
        rows = (tuple(Button(format_time(m, clock), cb.encode(TIME, m)) for m in halves),)
        return [Reply(ctx.text_of("time_which"), rows)]
    quiet = ctx.content.follow_up.quiet_hours
    if in_quiet_hours(time(minute // 60, minute % 60), quiet):
        ctx.participant.message_minute = clock_minutes(quiet.end)
        replan(ctx)
        later = ctx.say("time_quiet", value=quiet_span(quiet, clock))
        return [later, *nav.go(flow, steps.following(flow, step))]
    ctx.participant.message_minute = minute
    replan(ctx)
    return format_time(minute, clock)


def pick_time(nav: Navigator, minute: str) -> list[Reply]:
    """A tap on 'morning' or 'evening' after an hour typed alone answers the time step."""
    flow, step = nav.position()
    if flow is None or step is None or step.ask != "message_time" or not minute.isdigit():
        return [nav.ctx.say("stale_button"), *nav.current()]
    shown = message_time(nav, flow, step, format_time(int(minute)))
    if not isinstance(shown, str):
        return shown
    said = {**nav.ctx.values(), "value": shown}
    replies = [Reply(steps.fill(step.reply, said))] if step.reply else []
    return [*replies, *nav.go(flow, steps.following(flow, step))]


def language_choice(nav: Navigator) -> list[Reply]:
    """/language: a button per language the content has."""
    ctx = nav.ctx
    if len(ctx.content.languages) < 2:
        return [ctx.say("language_only", carry_on=True)]
    if ctx.participant.consented_at is None:
        return [ctx.say("language_after_consent", carry_on=True)]
    rows = tuple(
        (Button(lang.messages.language_name, cb.encode(LANGUAGE, code)),)
        for code, lang in sorted(ctx.content.languages.items())
    )
    return [Reply(ctx.text_of("language_pick"), rows)]


def set_language(nav: Navigator, code: str) -> list[Reply]:
    ctx = nav.ctx
    if code not in ctx.content.languages or ctx.participant.consented_at is None:
        return [ctx.say("unknown_button"), *nav.current()]
    ctx.participant.language = code
    ctx.lang = ctx.content.languages[code]
    return [ctx.say("language_set"), *nav.current()]


def daily_on(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    nav.ctx.schedule(DAILY, next_daily(nav.ctx), replace=True)
    return [nav.ctx.say("daily_on")]


def daily_off(nav: Navigator, flow: Flow, option: Option) -> list[Reply]:
    nav.ctx.cancel(DAILY)
    return [nav.ctx.say("daily_off")]


def daily(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
    """The daily reminder, while in the program: a kind word and the menu's buttons."""
    ctx = nav.ctx
    if ctx.participant.graduated_on is not None:
        return []  # the program is over; check-ins follow it
    ctx.schedule(DAILY, next_daily(ctx), replace=True)
    if ctx.now - job.due_at > LATE:
        return []
    return [Reply(ctx.text_of("daily"), nav.menu_rows())]


def settings_view(nav: Navigator, flow: Flow, step: Step, reply: Reply) -> Reply:
    """Settings as they are now: ✓ on the choices that are on; the check-in choices only
    after graduation, when there are check-ins."""
    p = nav.ctx.participant
    rows = list(reply.buttons)
    for index, option in reversed(list(enumerate(step.options))):
        does = _does(flow, step, option)
        if p.graduated_on is None and does & CHECKIN_CHOICES:
            del rows[index]
        elif _is_on(nav.ctx, option, does):
            rows[index] = tuple(Button(DONE_MARK + b.label, b.data) for b in rows[index])
    return dataclasses.replace(reply, buttons=tuple(rows))


def _does(flow: Flow, step: Step, option: Option) -> set[str]:
    """What an option does: its own action, or the actions of the step it opens ("are you
    sure?" before stopping check-ins)."""
    if option.do:
        return {option.do}
    target = find_step(flow, option.goto) if option.goto else None
    return {o.do for o in target.options if o.do} if target and target is not step else set()


def _is_on(ctx: TurnContext, option: Option, does: set[str]) -> bool:
    p = ctx.participant
    paused = p.checkins_paused_until is not None and p.checkins_paused_until > ctx.now
    lead = str(p.session_lead_minutes) if p.session_lead_minutes else None
    states = {
        "session_reminders": (option.value or None) == lead,
        "daily_on": ctx.waiting(DAILY) is not None,
        "daily_off": ctx.waiting(DAILY) is None,
        "resume_checkins": p.checkins_stopped_at is None and not paused,
        "pause_checkins": p.checkins_stopped_at is None and paused,
        "stop_checkins": p.checkins_stopped_at is not None,
    }
    return any(states.get(action, False) for action in does)


FEATURE = Feature(
    name="preferences",
    commands={"language": language_choice},
    buttons={LANGUAGE: Tap(1, set_language), TIME: Tap(1, pick_time)},
    actions={"daily_on": Action(daily_on), "daily_off": Action(daily_off)},
    fields={"preferred_name": preferred_name, "timezone": timezone, "message_time": message_time},
    jobs={DAILY: Job(daily)},
    views={f"{SETTINGS}:choose": settings_view},
    flows=(SETTINGS,),
)
