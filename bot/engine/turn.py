"""One participant's turn: read the input, move the position, collect the replies."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import participants as store
from bot import sessions
from bot.checkins import store as checkins
from bot.checkins.conversation import CheckInTalk
from bot.checkins.schedule import next_daily
from bot.content.loader import CONSENT, ORIENTATION, Content, Language
from bot.content.schema import Action, ClinicSession, Flow, Option, Step
from bot.engine import callbacks as cb
from bot.engine import steps
from bot.engine.fields import format_time, parse_name, parse_time, parse_timezone
from bot.engine.types import Button, Incoming, Kind, Reply
from bot.models import Participant
from bot.plans import PlanView
from bot.progress import ProgressView
from bot.safety.screening import CrisisScreen

HELP, MENU, CRISIS, STOP, LANGUAGE = "help", "menu", "crisis", "stop", "language"
MYPLAN, PROGRESS, CRAVING = "myplan", "progress", "craving"
CRISIS_ALERT = "crisis_language"
HELP_REQUEST = "help_request"  # the participant asked that the clinic be told
TRAIL_SEP = ","
MAX_TRAIL = 16  # how many steps Back can retrace
MAX_PLAN_ITEM = 200
DONE_MARK, NEXT_MARK = "✓ ", "👉 "


class Turn:
    """One participant's turn: reads the input, moves the position, collects the replies."""

    def __init__(
        self,
        content: Content,
        screen: CrisisScreen,
        session: Session,
        participant: Participant,
        incoming: Incoming,
        now: datetime,
        default_timezone: str,
    ) -> None:
        self.default_timezone = default_timezone
        self.content = content
        self.screen = screen
        self.session = session
        self.p = participant
        self.incoming = incoming
        self.now = now
        self.lang: Language = content.language(participant.language or incoming.language_code)

    # ----- dispatch -------------------------------------------------------------------------

    def run(self) -> list[Reply]:
        kind, value = self.incoming.kind, self.incoming.value
        self.p.remind_at = None
        self.p.unreachable_at = None
        if kind in {Kind.TEXT, Kind.EDITED, Kind.MEDIA} and value and self.screen.is_crisis(value):
            return self.crisis(alert=True)
        if kind is Kind.START:
            return self.start(value)
        if kind is Kind.COMMAND:
            return self.command(value)
        if self.p.stopped_at is not None:
            return [self.say("paused_reply")]
        if kind is Kind.BUTTON:
            return self.button(value)
        if kind is Kind.EDITED:
            return [self.say("edited"), *self.current()]
        if kind is Kind.MEDIA:
            return [self.say("not_text"), *self.current()]
        return self.text(value)

    def command(self, name: str) -> list[Reply]:
        if name == CRISIS:
            return self.crisis(alert=False)
        if name == HELP:
            return [self.say("help", carry_on=True)]
        if name == STOP:
            return self.stop()
        if name == MENU:
            return self.menu()
        if name == LANGUAGE:
            return self.language_choice()
        if name == MYPLAN:
            return self.plan()
        if name == PROGRESS:
            return self.progress()
        if name == CRAVING and CRAVING in self.lang.flows:
            # From any step once consent is given: ratings are stored. What was left halfway
            # (orientation, a lesson) is bookmarked and picks up again afterwards.
            if self.p.consented_at is None:
                return [self.say("crisis", carry_on=True)]
            return self.enter(CRAVING)
        return [self.say("unknown_command", carry_on=True)]

    def start(self, payload: str) -> list[Reply]:
        replies: list[Reply] = []
        if payload:
            outcome = store.redeem_invite(
                session=self.session, code=payload, participant=self.p, now=self.now
            )
            replies.append(self.say(f"invite_{outcome}"))
        paused = (
            self.p.checkins_paused_until is not None and self.p.checkins_paused_until > self.now
        )
        if self.p.stopped_at is not None or self.p.checkins_stopped_at is not None or paused:
            self.p.stopped_at = self.p.checkins_stopped_at = self.p.checkins_paused_until = None
            replies.append(self.say("resumed"))
        if self.p.consented_at is None:
            return [*replies, *self.enter(CONSENT)]
        if self.p.flow is None:
            return [*replies, *self.menu()]
        return [*replies, self.say("welcome_back"), *self.current()]

    def button(self, data: str) -> list[Reply]:
        parsed = cb.decode(data)
        if parsed is None:
            return [self.say("unknown_button"), *self.current()]
        if parsed.prefix == cb.CARRY_ON:
            return self.current()
        if parsed.prefix == cb.MENU:
            return self.menu_item(parsed.args[0])
        if parsed.prefix == cb.LANGUAGE:
            return self.set_language(parsed.args[0])
        if parsed.prefix == cb.CHECKIN:
            return CheckInTalk(self).button(*parsed.args)
        if parsed.prefix == cb.CONTACT:
            return CheckInTalk(self).contact(parsed.args[0])
        if parsed.prefix == cb.PLAN:
            return self.plan_button(*parsed.args)
        if parsed.prefix == cb.GOAL:
            return PlanView(self).rate_goal(*parsed.args)
        flow_id, step_id, key = parsed.args
        if (flow_id, step_id) != (self.p.flow, self.p.step):
            return [self.say("stale_button"), *self.current()]
        flow, step = self.position()
        if flow is None or step is None:
            return [self.say("stale_button"), *self.current()]
        if parsed.prefix == cb.REMIND:
            return self.remind(key)
        return self.step_button(flow, step, key)

    def text(self, text: str) -> list[Reply]:
        flow, step = self.position()
        if flow is None or step is None or step.kind != "ask":
            answered = CheckInTalk(self).text(text) if self.p.graduated_on else None
            if answered is not None:
                return answered
            return [self.say("use_buttons"), *self.current()]
        return self.answer_ask(flow, step, text, option=None)

    # ----- flows ----------------------------------------------------------------------------

    def position(self) -> tuple[Flow | None, Step | None]:
        flow = self.lang.flows.get(self.p.flow or "")
        return flow, (steps.find_step(flow, self.p.step) if flow else None)

    def current(self) -> list[Reply]:
        """Show where the participant is, repairing a position the content no longer has."""
        flow, step = self.position()
        if flow is not None and step is not None:
            return [self.render(flow, step)]
        if flow is not None:
            # The step was removed: go back the way they came to one that still exists.
            trail = self.trail()
            while trail:
                if steps.find_step(flow, before := trail.pop()) is not None:
                    self.p.step, self.p.trail = before, TRAIL_SEP.join(trail)
                    return self.current()
            return self.enter(flow.id)
        if self.p.consented_at is None:
            return self.enter(CONSENT)
        if self.p.oriented_at is None:
            return self.enter(ORIENTATION)
        return self.menu()

    def enter(self, flow_id: str, step_id: str | None = None) -> list[Reply]:
        flow = self.lang.flows[flow_id]
        step = steps.find_step(flow, step_id) if step_id else flow.steps[0]
        assert step is not None, "the content check guarantees every link"
        trail = self.trail() if self.p.flow == flow.id else []
        if self.p.flow == flow.id and self.p.step and self.p.step != step.id:
            trail = [*trail, self.p.step][-MAX_TRAIL:]
        if self.p.flow != flow.id:
            self.leave()
            mark = store.take_bookmark(session=self.session, participant=self.p, flow=flow.id)
            resumed = steps.find_step(flow, mark.step) if mark and step_id is None else None
            if mark and resumed:  # a lesson or practice left halfway opens where it was left
                step, trail = resumed, mark.trail.split(TRAIL_SEP) if mark.trail else []
        self.p.flow, self.p.step, self.p.trail = flow.id, step.id, TRAIL_SEP.join(trail)
        return [self.render(flow, step)]

    def leave(self) -> None:
        """Bookmark a lesson or practice (a flow one can pause) left halfway."""
        flow, step = self.position()
        if flow is None or step is None or not flow.can_pause or step is flow.steps[0]:
            return
        store.set_bookmark(
            session=self.session, participant=self.p, flow=flow.id, step=step.id,
            trail=self.p.trail or "", now=self.now,
        )  # fmt: skip

    def back(self) -> list[Reply]:
        """Return to the step the participant came from, the way they came."""
        *trail, before = self.trail()
        self.p.step, self.p.trail = before, TRAIL_SEP.join(trail)
        return self.current()

    def trail(self) -> list[str]:
        return [s for s in (self.p.trail or "").split(TRAIL_SEP) if s]

    def render(self, flow: Flow, step: Step) -> Reply:
        marks: dict[int, str] = {}
        targets = [
            (i, o.goto.removeprefix("flow:"))
            for i, o in enumerate(step.options)
            if step.progress and o.goto and o.goto.startswith("flow:")
        ]
        if targets:  # a list of lessons: ✓ for done, 👉 for the one to do next
            done = store.completed_flows(session=self.session, participant=self.p)
            marks = {i: DONE_MARK for i, target in targets if target in done}
            suggested = next((i for i, target in targets if target not in done), None)
            if suggested is not None:
                marks[suggested] = NEXT_MARK
        return steps.render(
            flow, step, self.lang, self.values(), can_go_back=bool(self.trail()), marks=marks
        )

    def go(self, flow: Flow | None, target: str) -> list[Reply]:
        """Follow a link: a step of this flow, another flow, the menu, or the flow's end."""
        if flow is not None and target == steps.END:
            return self.finish(flow)
        if target == "menu":
            return self.menu()
        if target == "help":
            return [self.say("help", carry_on=True)]
        if target == "plan":
            return self.plan()
        if target.startswith("flow:") or flow is None:
            return self.enter(target.removeprefix("flow:"))
        step = steps.find_step(flow, target)
        if step is not None and step.wait_minutes:
            return self.wait(flow, step)
        return self.enter(flow.id, target)

    def finish(self, flow: Flow) -> list[Reply]:
        self.p.flow = self.p.step = None  # finished, so nothing to bookmark
        store.take_bookmark(session=self.session, participant=self.p, flow=flow.id)
        store.record_completion(
            session=self.session,
            participant=self.p,
            flow=flow.id,
            version=self.lang.versions[flow.id],
            now=self.now,
        )
        if flow.id == ORIENTATION and self.p.oriented_at is None:
            self.p.oriented_at = self.now
        return self.menu()

    def step_button(self, flow: Flow, step: Step, key: str) -> list[Reply]:
        if key == cb.BACK and self.trail():
            return self.back()
        if key == cb.NEXT and step.kind == "card":
            return self.go(flow, steps.following(flow, step))
        if key == cb.LATER and flow.can_pause:
            return [self.remind_choice(flow, step)]
        if key == cb.SKIP and step.kind == "ask" and step.skip:
            return self.go(flow, steps.following(flow, step))
        if step.kind == "scale" and key.isdigit() and int(key) in steps.SCALE:
            return self.rate(flow, step, int(key))
        if key.isdigit() and int(key) < len(step.options):
            option = step.options[int(key)]
            if step.kind == "ask":
                return self.answer_ask(flow, step, option.value or option.label, option=option)
            return self.choose(flow, step, option)
        return [self.say("unknown_button"), *self.current()]

    def rate(self, flow: Flow, step: Step, value: int) -> list[Reply]:
        """A 0 to 10 rating, stored; a high one may lead somewhere else."""
        store.record_answer(
            session=self.session, participant=self.p, flow=flow.id, question=step.id,
            value=str(value), version=self.lang.versions[flow.id], now=self.now,
        )  # fmt: skip
        said = {**self.values(), "value": str(value)}
        replies = [Reply(steps.fill(step.reply, said))] if step.reply else []
        high = step.high is not None and value >= step.high
        if step.repeat_at is not None:
            today = store.answers_since(
                session=self.session, participant=self.p, flow=flow.id, question=step.id,
                since=self.now - timedelta(days=1),
            )  # fmt: skip
            high = high or today >= step.repeat_at
        target = step.high_goto if high and step.high_goto else steps.following(flow, step)
        return [*replies, *self.go(flow, target)]

    def wait(self, flow: Flow, step: Step) -> list[Reply]:
        """A paced step: move there now, but let the clock send it after the pause."""
        assert step.wait_minutes is not None and step.wait_text is not None
        self.enter(flow.id, step.id)
        self.p.remind_at = self.now + timedelta(minutes=step.wait_minutes)
        labels = self.lang.messages.buttons
        rows = (
            (Button(labels.carry_on, cb.CARRY_ON),),
            (Button(labels.menu, cb.encode(cb.MENU, "menu")),),
        )
        return [Reply(steps.fill(step.wait_text, self.values()), rows)]

    def choose(self, flow: Flow, step: Step, option: Option) -> list[Reply]:
        if step.kind == "quiz" or option.value:
            store.record_answer(
                session=self.session,
                participant=self.p,
                flow=flow.id,
                question=step.id,
                value=option.value or option.label,
                version=self.lang.versions[flow.id],
                now=self.now,
            )
        replies: list[Reply] = []
        if option.save:
            self.save_to_plan(option.save, option.label, flow)
        if option.do:
            replies += self.act(option.do, flow, option)
        if option.reply:
            replies.append(Reply(steps.fill(option.reply, self.values())))
        if option.do == "stop_messages":
            return replies
        return [*replies, *self.go(flow, option.goto or steps.following(flow, step))]

    def act(self, action: Action, flow: Flow, option: Option | None = None) -> list[Reply]:
        if action in {"consent_agree", "consent_decline"}:
            agreed = action == "consent_agree"
            store.record_consent(
                session=self.session,
                participant=self.p,
                agreed=agreed,
                version=self.lang.versions[flow.id],
                now=self.now,
            )
            if agreed and self.p.consented_at is None:
                self.p.consented_at = self.now
                self.p.language = self.lang.code
            return []
        if action == "pause_checkins":
            days = self.content.follow_up.pause_days
            self.p.checkins_paused_until = self.now + timedelta(days=days)
            return [
                Reply(steps.fill(self.lang.messages.texts.checkins_paused, {"value": str(days)}))
            ]
        if action == "stop_checkins":
            self.p.checkins_stopped_at = self.now
            return [self.say("checkins_stopped")]
        if action == "session_reminders":
            minutes = option.value if option and option.value else ""
            self.p.session_lead_minutes = int(minutes) if minutes.isdigit() else None
            self.plan_session_reminder()
            key = "session_reminders_on" if self.p.session_lead_minutes else "session_reminders_off"
            return [self.say(key)]
        if action == "daily_on":
            self.p.daily_at = self.next_daily()
            return [self.say("daily_on")]
        if action == "daily_off":
            self.p.daily_at = None
            return [self.say("daily_off")]
        if action == "tell_clinic":
            context = f"{flow.id}:{self.p.step or ''}"
            store.raise_alert(
                session=self.session, participant=self.p, kind=HELP_REQUEST, context=context,
                now=self.now,
            )  # fmt: skip
            return []
        return self.stop()

    def answer_ask(self, flow: Flow, step: Step, text: str, option: Option | None) -> list[Reply]:
        field = step.ask
        if field == "preferred_name":
            name = parse_name(text)
            if name is None:
                return [self.say("name_invalid"), *self.current()]
            self.p.preferred_name = name
            shown = name
        elif field == "timezone":
            zone = parse_timezone(text)
            if zone is None:
                return [self.say("timezone_invalid"), *self.current()]
            self.p.timezone = shown = zone
            self.replan()
        elif field == "note":
            shown = " ".join(text.split())[:MAX_PLAN_ITEM]
            if not shown or shown.startswith("/"):
                return [self.say("use_buttons"), *self.current()]
            store.record_answer(
                session=self.session, participant=self.p, flow=flow.id, question=step.id,
                value=shown, version=self.lang.versions[flow.id], now=self.now,
            )  # fmt: skip
        elif field == "message_time":
            minute = parse_time(text)
            if minute is None:
                return [self.say("time_invalid"), *self.current()]
            self.p.message_minute = minute
            shown = format_time(minute)
            self.replan()
        else:
            shown = " ".join(text.split())[:MAX_PLAN_ITEM]
            if not shown or shown.startswith("/"):
                return [self.say("use_buttons"), *self.current()]
            assert step.section is not None, "the content check requires a section"
            if not PlanView(self).has_room(step.section):
                return [self.say("goals_full"), *self.plan()]
            self.save_to_plan(step.section, shown, flow)
        replies = (
            [Reply(steps.fill(step.reply, {**self.values(), "value": shown}))] if step.reply else []
        )
        target = option.goto if option and option.goto else steps.following(flow, step)
        return [*replies, *self.go(flow, target)]

    def plan_session_reminder(self) -> ClinicSession | None:
        """Set when to remind of the next session; returns that session, if any."""
        self.p.session_reminder_at = None
        if not self.p.session_lead_minutes or self.p.graduated_on is not None:
            return None
        lead = timedelta(minutes=self.p.session_lead_minutes)
        found = sessions.next_reminder(self.content.clinic, self.clinic_zone(), self.now, lead)
        if found is None:
            return None
        self.p.session_reminder_at = found[0]
        return found[1]

    def clinic_zone(self) -> ZoneInfo:
        """The clinic's schedule is in the program's time zone."""
        return ZoneInfo(self.default_timezone)

    def next_daily(self) -> datetime:
        zone = checkins.zone_of(self.p, self.default_timezone)
        return next_daily(
            self.now, zone=zone, minute=self.p.message_minute, follow_up=self.content.follow_up
        )

    def replan(self) -> None:
        """A new time zone or time moves the daily reminder and every check-in not sent yet."""
        if self.p.daily_at is not None:
            self.p.daily_at = self.next_daily()
        checkins.replan(
            session=self.session, participant=self.p, follow_up=self.content.follow_up,
            default_timezone=self.default_timezone,
        )  # fmt: skip

    # ----- my plan ----------------------------------------------------------------------------

    def save_to_plan(self, section: str, text: str, flow: Flow) -> None:
        PlanView(self).save(section, text, version=self.lang.versions[flow.id])

    def plan(self) -> list[Reply]:
        return PlanView(self).show()

    def plan_button(self, action: str, argument: str) -> list[Reply]:
        return PlanView(self).button(action, argument)

    def progress(self) -> list[Reply]:
        return ProgressView(self).show()

    # ----- menu, reminders, settings ----------------------------------------------------------

    def menu(self) -> list[Reply]:
        if self.p.oriented_at is None:
            return [self.say("menu_locked"), *self.current()]
        self.leave()
        self.p.flow = self.p.step = self.p.trail = None
        return [Reply(self.text_of("menu"), self.menu_rows())]

    def menu_rows(self) -> tuple[tuple[Button, ...], ...]:
        items = [Button(i.label, cb.encode(cb.MENU, i.id)) for i in self.lang.messages.menu]
        return tuple(tuple(items[i : i + 2]) for i in range(0, len(items), 2))

    def menu_item(self, item_id: str) -> list[Reply]:
        item = next((i for i in self.lang.messages.menu if i.id == item_id), None)
        if item_id == "menu":
            return self.menu()
        if item is None:
            return [self.say("unknown_button"), *self.current()]
        if self.p.oriented_at is None:
            return [self.say("menu_locked"), *self.current()]
        return self.go(None, item.goto)

    def daily(self) -> Reply:
        """The daily reminder: a kind word and the menu's buttons."""
        return Reply(self.text_of("daily"), self.menu_rows())

    def remind_choice(self, flow: Flow, step: Step) -> Reply:
        choices = tuple(
            (Button(c.label, cb.encode(cb.REMIND, flow.id, step.id, c.hours)),)
            for c in self.lang.messages.remind_choices
        )
        return Reply(self.text_of("remind_when"), choices)

    def remind(self, hours: str) -> list[Reply]:
        choice = next((c for c in self.lang.messages.remind_choices if str(c.hours) == hours), None)
        if choice is None:
            return [self.say("unknown_button"), *self.current()]
        self.p.remind_at = self.now + timedelta(hours=choice.hours)
        return [
            Reply(steps.fill(self.lang.messages.texts.remind_set, {"value": choice.label.lower()}))
        ]

    def stop(self) -> list[Reply]:
        self.p.stopped_at = self.now
        return [self.say("stopped")]

    def crisis(self, *, alert: bool) -> list[Reply]:
        # Before consent nothing about the person may be kept, so no alert is stored then.
        if alert and self.p.consented_at is not None:
            store.raise_alert(
                session=self.session,
                participant=self.p,
                kind=CRISIS_ALERT,
                context=f"{self.p.flow or 'menu'}:{self.p.step or ''}",
                now=self.now,
            )
        return [self.say("crisis", carry_on=True)]

    def language_choice(self) -> list[Reply]:
        if len(self.content.languages) < 2:
            return [self.say("language_only", carry_on=True)]
        if self.p.consented_at is None:
            return [self.say("language_after_consent", carry_on=True)]
        rows = tuple(
            (Button(lang.messages.language_name, cb.encode(cb.LANGUAGE, code)),)
            for code, lang in sorted(self.content.languages.items())
        )
        return [Reply(self.text_of("language_pick"), rows)]

    def set_language(self, code: str) -> list[Reply]:
        if code not in self.content.languages or self.p.consented_at is None:
            return [self.say("unknown_button"), *self.current()]
        self.p.language = code
        self.lang = self.content.languages[code]
        return [self.say("language_set"), *self.current()]

    # ----- text -----------------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return steps.values_for(self.content, self.lang, self.p)

    def text_of(self, key: str) -> str:
        return steps.fill(getattr(self.lang.messages.texts, key), self.values())

    def say(self, key: str, *, carry_on: bool = False) -> Reply:
        """A message from messages.yaml, optionally with a button back to where we were."""
        return Reply(self.text_of(key), self.carry_on_row() if carry_on else ())

    def carry_on_row(self) -> tuple[tuple[Button, ...], ...]:
        return ((Button(self.lang.messages.buttons.carry_on, cb.CARRY_ON),),)
