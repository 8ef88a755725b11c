"""Staff in Telegram: their commands and buttons, answered before anything about a participant
is created or locked. Everyone else gets exactly what an unknown command gets."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import participants as people
from bot.checkins.feature import GraduationRefused, Refusal
from bot.config import DEFAULT_INVITE_EXPIRY_DAYS
from bot.content.loader import DEFAULT_LANGUAGE, Content
from bot.db import SessionFactory
from bot.engine import callbacks as cb
from bot.engine.types import Button, Incoming, Kind, Reply
from bot.models import (
    Alert,
    AuditAction,
    CheckIn,
    InviteStage,
    Participant,
    StaffMember,
    StaffRole,
)
from bot.staff import ratings, review, signin, store, views
from bot.staff.export import write_checkin_csv
from bot.staff.texts import StaffTexts, fill

COMMANDS = (
    "alerts",
    "participants",
    "participant",
    "export",
    "invite",
    "graduate",
    "staff",
    "audit",
    "dashboard",
)
ALERT = "x"  # x|ack|alert id, x|res|alert id, x|tl|participant id
PAGE = "y"  # y|p|status|page: the participant list; y|t|participant id|page: a timeline
ACK, RESOLVE, TIMELINE = "ack", "res", "tl"
LIST, HISTORY = "p", "t"
ALL = "all"
# What may be answered in the staff group itself; anything showing participant data goes to
# the asker privately, so the group holds no more than the alerts.
IN_THE_GROUP = frozenset({"alerts", "graduate", "help", ACK, RESOLVE})
MAX_ALERTS_SHOWN = 10  # /alerts sends one message per alert, up to this many
AUDIT_ROWS = 30


@dataclass(frozen=True)
class Desk:
    """The staff side of the companion, over the same database and content."""

    sessions: SessionFactory
    content: Callable[[], Content]
    clock: Callable[[], datetime]
    zone: ZoneInfo
    bot_username: str | None
    graduate: Callable[[str, date], list[CheckIn]]
    reload: Callable[[], list[Reply]]
    invite_days: int = DEFAULT_INVITE_EXPIRY_DAYS  # how long an invite link works
    web_base_url: str | None = None  # the dashboard's public address; None: not set up

    def export(
        self, session: Session, member: StaffMember, *, since: date | None, now: datetime
    ) -> tuple[str, str]:
        """The check-in answers as CSV, for /export and the dashboard alike: a file name and
        the text; the audit log records it."""
        out = io.StringIO()
        content = self.content()
        rows = write_checkin_csv(
            session=session, out=out, since=since, zone=self.zone, content=content,
            questionnaires=content.language(DEFAULT_LANGUAGE).questionnaires,
        )  # fmt: skip
        store.audit(
            session=session, staff_telegram_id=member.telegram_id, action=AuditAction.EXPORT,
            detail=f"since {since or 'start'}, {rows} rows", now=now,
        )  # fmt: skip
        return f"checkins-{now.astimezone(self.zone):%Y-%m-%d}.csv", out.getvalue()

    def staff_ids(self) -> list[int]:
        """Everyone on staff, for their command menu."""
        with self.sessions() as session:
            return [m.telegram_id for m in store.list_staff(session=session)]

    def claims(self, incoming: Incoming) -> bool:
        """Could this be staff business? (Typed text may be a note that resolves an alert.)"""
        if incoming.kind is Kind.COMMAND:
            names = (*COMMANDS, "reload", *(["help"] if incoming.in_group else []))
            return incoming.value in names
        if incoming.kind is Kind.BUTTON:
            return incoming.value.split(cb.SEP, 1)[0] in (ALERT, PAGE)
        return incoming.kind is Kind.TEXT

    def handle(self, telegram_id: int, incoming: Incoming) -> list[Reply] | None:
        """Staff replies, or None when the sender is not staff (or their text is not a note)."""
        if incoming.kind is Kind.COMMAND and incoming.value == "reload":
            with self.sessions() as session:  # closed before the reload reads stored answers
                if store.member(session=session, telegram_id=telegram_id) is None:
                    return None
            return self.reload()
        with self.sessions() as session:
            member = store.member(session=session, telegram_id=telegram_id)
            if member is None:
                return None
            texts = self.content().staff_texts(incoming.language_code)
            work = _Work(self, session, member, texts, self.clock())
            if incoming.kind is Kind.TEXT and member.resolving_alert_id is None:
                return None
            if incoming.kind is Kind.TEXT:
                replies, what = work.note(incoming.value), RESOLVE
            elif incoming.kind is Kind.COMMAND and incoming.value == "help":
                replies, what = work.say(texts.replies.help), "help"
            elif incoming.kind is Kind.COMMAND:
                replies, what = work.command(incoming.value, incoming.args), incoming.value
            else:
                parts = incoming.value.split(cb.SEP)
                replies, what = work.button(parts), parts[1] if len(parts) > 1 else ""
            session.commit()
        if incoming.in_group and what not in IN_THE_GROUP:
            return [dataclasses.replace(reply, private=True) for reply in replies]
        return replies


@dataclass
class _Work:
    """One staff request: who asks, in which language, and what they may see."""

    desk: Desk
    session: Session
    member: StaffMember
    texts: StaffTexts
    now: datetime

    def say(self, text: str, **values: object) -> list[Reply]:
        return [Reply(fill(text, values))]

    def audit(
        self, action: AuditAction, participant_id: int | None = None, detail: str = ""
    ) -> None:
        store.audit(
            session=self.session, staff_telegram_id=self.member.telegram_id, action=action,
            participant_id=participant_id, detail=detail, now=self.now,
        )  # fmt: skip

    def command(self, name: str, args: Sequence[str]) -> list[Reply]:
        replies = self.texts.replies
        if name == "alerts":
            return self.alerts()
        if name == "participants":
            status = args[0] if args and args[0] in set(review.ParticipantStatus) else ALL
            return self.participants(status, 1)
        if name == "participant":
            found = self.find(args[0]) if args else None
            if not args:
                return self.say(replies.usage_participant)
            if found is None:
                return self.say(self.texts.participants.not_found, label=args[0])
            return self.timeline(found, 1)
        if name == "export":
            return self.export(args)
        if name == "invite":
            return self.invite(args) if args else self.say(replies.usage_invite)
        if name == "graduate":
            return self.graduate(args) if args else self.say(replies.usage_graduate)
        if name == "dashboard":
            return self.dashboard()
        action = AuditAction.ADD_STAFF if name == "staff" else AuditAction.VIEW_AUDIT
        if not store.allowed(self.member, action):
            return self.say(replies.admins_only)
        if name == "staff":
            return self.staff(args)
        return self.audit_log()

    def button(self, parts: Sequence[str]) -> list[Reply]:
        if len(parts) == 3 and parts[0] == ALERT and parts[2].isdigit():
            action, number = parts[1], int(parts[2])
            if action == ACK:
                return self.acknowledge(number)
            if action == RESOLVE:
                return self.start_resolving(number)
            if action == TIMELINE and (found := self.session.get(Participant, number)):
                return self.timeline(found, 1)
        if len(parts) == 4 and parts[0] == PAGE and parts[3].isdigit():
            view, argument, page = parts[1], parts[2], int(parts[3])
            if view == LIST:
                return self.participants(argument, page)
            if view == HISTORY and argument.isdigit():
                found = self.session.get(Participant, int(argument))
                if found is not None:
                    return self.timeline(found, page)
        return [Reply(self.texts.replies.help)]

    def find(self, label: str) -> Participant | None:
        return store.participant_by_label(session=self.session, label=label)

    # ----- alerts -------------------------------------------------------------------------------

    def alerts(self) -> list[Reply]:
        found = store.open_alerts(session=self.session)
        self.audit(AuditAction.VIEW_ALERTS, detail=f"{len(found)} open")
        if not found:
            return self.say(self.texts.alerts.empty)
        head = self.say(self.texts.alerts.header, count=len(found))
        return head + [self.alert(a, p) for a, p in found[:MAX_ALERTS_SHOWN]]

    def alert(self, alert: Alert, participant: Participant) -> Reply:
        """An alert as delivered, and how long it has been open."""
        reply = alert_reply(alert, participant, texts=self.texts, zone=self.desk.zone)
        minutes = max(int((self.now - alert.created_at).total_seconds() // 60), 0)
        age = fill(self.texts.alerts.age, {"hours": minutes // 60, "minutes": minutes % 60})
        return dataclasses.replace(reply, text=f"{reply.text}\n{age}")

    def acknowledge(self, alert_id: int) -> list[Reply]:
        taken = store.acknowledge(
            session=self.session, alert_id=alert_id, by=self.member.telegram_id, now=self.now
        )
        if taken is None:
            return self.say(self.texts.alerts.taken)
        self.audit(AuditAction.ACKNOWLEDGE, taken.participant_id, f"alert {alert_id}")
        return self.say(self.texts.alerts.acknowledged)

    def start_resolving(self, alert_id: int) -> list[Reply]:
        alert = self.session.get(Alert, alert_id)
        if alert is None or alert.resolved_at is not None:
            return self.say(self.texts.alerts.taken)
        self.member.resolving_alert_id = alert_id
        self.session.add(self.member)
        return [Reply(self.texts.alerts.resolve_prompt, force_reply=True)]

    def note(self, text: str) -> list[Reply]:
        alert_id = self.member.resolving_alert_id
        assert alert_id is not None
        self.member.resolving_alert_id = None
        self.session.add(self.member)
        done = store.resolve(
            session=self.session, alert_id=alert_id, by=self.member.telegram_id, note=text,
            now=self.now,
        )  # fmt: skip
        if done is None:
            return self.say(self.texts.alerts.taken)
        self.audit(AuditAction.RESOLVE, done.participant_id, f"alert {alert_id}")
        return self.say(self.texts.alerts.resolved)

    # ----- review -------------------------------------------------------------------------------

    def participants(self, status: str, page: int) -> list[Reply]:
        wanted = (
            review.ParticipantStatus(status) if status in set(review.ParticipantStatus) else None
        )
        rows = review.overview(session=self.session, now=self.now, status=wanted)
        shown = views.overview_page(rows, texts=self.texts, zone=self.desk.zone, page=page)
        self.audit(AuditAction.LIST_PARTICIPANTS, detail=f"{status} page {shown.number}")
        nav = self.paging(shown.number, shown.pages, lambda n: cb.encode(PAGE, LIST, status, n))
        return [Reply(shown.text, nav)]

    def timeline(self, participant: Participant, page: int) -> list[Reply]:
        pages = review.timeline(
            session=self.session, participant=participant, now=self.now, texts=self.texts,
            zone=self.desk.zone, content=self.desk.content(),
        )  # fmt: skip
        number = min(max(page, 1), len(pages))
        self.audit(AuditAction.VIEW_PARTICIPANT, participant.id, f"page {number}")
        nav = self.paging(
            number, len(pages), lambda n: cb.encode(PAGE, HISTORY, participant.id or 0, n)
        )
        replies = [Reply(pages[number - 1], nav)]
        if number == 1:
            chart = ratings.timeline_chart(
                session=self.session, participant=participant, now=self.now, texts=self.texts
            )
            if chart is not None:
                title = fill(
                    self.texts.timeline.chart_title, {"label": store.label_of(participant)}
                )
                replies.append(Reply(title, image=chart))
        return replies

    def paging(
        self, number: int, pages: int, data: Callable[[int], str]
    ) -> tuple[tuple[Button, ...], ...]:
        labels = self.texts.buttons
        row = []
        if number > 1:
            row.append(Button(labels.previous_page, data(number - 1)))
        if number < pages:
            row.append(Button(labels.next_page, data(number + 1)))
        return (tuple(row),) if row else ()

    def export(self, args: Sequence[str]) -> list[Reply]:
        since = _date(args[0]) if args else None
        if args and since is None:
            return self.say(self.texts.replies.bad_date)
        name, text = self.desk.export(self.session, self.member, since=since, now=self.now)
        return [Reply(self.texts.export_caption, document=(name, text.encode()))]

    # ----- people -------------------------------------------------------------------------------

    def invite(self, args: Sequence[str]) -> list[Reply]:
        """A one-time invite; `/invite LABEL intake` starts them with the intake questions."""
        replies = self.texts.replies
        label, stages = args[0], {s.value: s for s in InviteStage}
        if len(args) > 2 or (len(args) == 2 and args[1] not in stages):
            return self.say(replies.usage_invite)
        try:
            made = people.create_invite(
                session=self.session, label=label, now=self.now,
                valid_for=timedelta(days=self.desk.invite_days),
                stage=stages[args[1]] if len(args) == 2 else InviteStage.ORIENTATION,
            )  # fmt: skip
        except ValueError:
            return self.say(replies.label_taken, label=label)
        username = self.desk.bot_username
        link = f"https://t.me/{username}?start={made.code}" if username else f"/start {made.code}"
        expires = (made.expires_at or self.now).astimezone(self.desk.zone).strftime(views.CLOCK)
        return self.say(
            replies.invite_made, label=label, code=made.code, link=link, expires=expires
        )

    def graduate(self, args: Sequence[str]) -> list[Reply]:
        replies = self.texts.replies
        on = _date(args[1]) if len(args) > 1 else self.now.astimezone(self.desk.zone).date()
        if on is None:
            return self.say(replies.bad_date)
        self.session.commit()  # the companion opens its own transaction
        try:
            planned = self.desk.graduate(args[0], on)
        except GraduationRefused as refused:
            if refused.why is Refusal.UNKNOWN:
                return self.say(self.texts.participants.not_found, label=args[0])
            if refused.why is Refusal.NO_CONSENT:
                return self.say(replies.not_consented, label=args[0])
            return self.say(replies.already_graduated, label=args[0], date=refused.graduated_on)
        return self.say(replies.graduated, label=args[0], date=on, count=len(planned))

    def staff(self, args: Sequence[str]) -> list[Reply]:
        words = self.texts.staff
        roles = {role.value for role in StaffRole}
        if not args:
            members = store.list_staff(session=self.session)
            return [Reply(views.staff_list(members, texts=self.texts))]
        if args[0] == "add" and len(args) == 3 and args[1].isdigit() and args[2] in roles:
            who, role = int(args[1]), StaffRole(args[2])
            store.add_staff(
                session=self.session, telegram_id=who, role=role, added_by=self.member.telegram_id,
                now=self.now,
            )  # fmt: skip
            self.audit(AuditAction.ADD_STAFF, detail=f"{who} as {role.value}")
            return self.say(words.added, telegram_id=who, role=getattr(self.texts.roles, role))
        if args[0] == "remove" and len(args) == 2 and args[1].isdigit():
            who = int(args[1])
            if not store.remove_staff(session=self.session, telegram_id=who):
                return self.say(words.not_staff, telegram_id=who)
            self.audit(AuditAction.REMOVE_STAFF, detail=str(who))
            return self.say(words.removed, telegram_id=who)
        return self.say(self.texts.replies.usage_staff)

    def dashboard(self) -> list[Reply]:
        base = self.desk.web_base_url
        if base is None:
            return self.say(self.texts.replies.dashboard_off)
        link = signin.make_link(
            session=self.session, member=self.member, base_url=base, now=self.now
        )
        return self.say(self.texts.replies.dashboard_link, link=link)

    def audit_log(self) -> list[Reply]:
        entries = store.audit_log(session=self.session, limit=AUDIT_ROWS)
        self.audit(AuditAction.VIEW_AUDIT)
        return [Reply(views.audit_text(entries, texts=self.texts, zone=self.desk.zone))]


def alert_reply(
    alert: Alert, participant: Participant, *, texts: StaffTexts, zone: ZoneInfo
) -> Reply:
    """An alert as staff get it: who, why, where, when; buttons to take it, close it, look."""
    labels = texts.buttons
    rows = (
        (
            Button(labels.acknowledge, cb.encode(ALERT, ACK, alert.id or 0)),
            Button(labels.resolve, cb.encode(ALERT, RESOLVE, alert.id or 0)),
        ),
        (Button(labels.open_timeline, cb.encode(ALERT, TIMELINE, participant.id or 0)),),
    )
    return Reply(views.alert_message(alert, participant, texts=texts, zone=zone), rows)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
