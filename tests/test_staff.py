"""Clinic staff in Telegram: every flag reaches a person, who takes it, closes it and looks;
nobody else learns anything; what staff see is audited."""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.models import Alert, AuditEntry, Participant, ScheduledMessage, StaffMember
from bot.staff.texts import StaffTexts
from tests.conftest import ADMIN, STAFF_CHAT, BotFactory, RunningBot
from tests.fake_telegram import Person, Sent
from tests.journeys import agree, answer_checkin, enrol

COUNSELLOR = 901
GRADUATION = date(2026, 11, 30)
DAY_ONE = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # the first check-in, 18:00 in New York
CRISIS = "honestly I just want to DIE"


def words(bot: RunningBot) -> StaffTexts:
    return bot.companion.content.staff_texts("en")


def to_staff(bot: RunningBot) -> list[Sent]:
    return [s for s in bot.telegram.sent if s.chat_id == STAFF_CHAT]


async def graduate(bot: RunningBot, user_id: int = 300, label: str = "ana") -> Person:
    person = bot.person(user_id)
    await enrol(bot, person, label, zone="New York", time="6pm")
    bot.companion.graduate(label, GRADUATION)
    return person


async def crisis(bot: RunningBot, user_id: int = 4242) -> Person:
    """A participant writes crisis words during orientation; staff are told at once."""
    alex = bot.person(user_id)
    await agree(alex)
    got = await alex.send(CRISIS)
    assert "988" in got[0].text
    return alex


async def add_counsellor(bot: RunningBot) -> Person:
    got = await bot.person(ADMIN).send(f"/staff add {COUNSELLOR} counsellor")
    assert got[0].text == f"{COUNSELLOR} is now on staff as counsellor."
    return bot.in_staff_group(COUNSELLOR)


async def test_every_flag_reaches_the_staff_group_at_once(bot: RunningBot) -> None:
    await crisis(bot)
    [message] = to_staff(bot)  # sent with the participant's answer, not at the next tick
    assert message.text == "#1: Crisis words in a message (orientation:name), 2026-11-27 10:00"
    assert message.labels == ["Acknowledge", "Resolve", "Open timeline"]
    assert CRISIS not in message.text

    ana = await graduate(bot)
    await bot.run_until(DAY_ONE)
    await ana.tap("Yes")  # used since the last check-in
    assert to_staff(bot)[-1].text == (
        "ana: Reported alcohol or drug use (check-in day 1), 2026-12-01 18:00"
    )
    got = await ana.tap("Yes, please contact me", on=ana.inbox()[-2])
    assert got[0].text.startswith("Okay. Someone from the clinic will contact you soon.")
    assert to_staff(bot)[-1].text == "ana: Asked to be contacted (check-in day 1), 2026-12-01 18:00"

    # Check-ins go unanswered: the second miss in a row is flagged, in the sweep that marks it.
    await bot.run_until(DAY_ONE + timedelta(days=9, hours=1))
    missed = [s.text for s in to_staff(bot) if "Missed check-ins in a row" in s.text]
    assert set(missed) == {"ana: Missed check-ins in a row (2 in a row), 2026-12-06 18:00"}
    assert len(missed) == 1 + 3  # nobody took it: sent again three times
    assert {a.kind for a in bot.rows(Alert)} == {
        "crisis_language", "use_reported", "contact_request", "missed_checkins",
    }  # fmt: skip
    # Nothing for staff is left waiting, and none of it went to the participant.
    routes = [j for j in bot.rows(ScheduledMessage) if j.kind == "alert_delivery"]
    assert routes and all(j.status == "sent" for j in routes)
    assert not any("Missed check-ins" in s.text for s in ana.inbox())


async def test_a_counsellor_takes_and_resolves_an_alert(bot: RunningBot) -> None:
    group = await add_counsellor(bot)
    await crisis(bot)
    alert_message = to_staff(bot)[-1]
    got = await group.tap("Acknowledge", on=alert_message)
    assert got[0].text == words(bot).alerts.acknowledged
    bot.clock.advance(minutes=5)
    got = await group.tap("Resolve", on=alert_message)
    assert got[0].text == words(bot).alerts.resolve_prompt
    got = await group.reply("Called back, safe, seeing counsellor Tuesday", to=got[0])
    assert got[0].text == words(bot).alerts.resolved
    [alert] = bot.rows(Alert)
    assert (alert.status, alert.acknowledged_by, alert.resolved_by) == (
        "resolved", COUNSELLOR, COUNSELLOR,
    )  # fmt: skip
    assert alert.acknowledged_at is not None and alert.resolved_at is not None
    assert alert.resolved_at - alert.acknowledged_at == timedelta(minutes=5)
    assert alert.resolution_note == "Called back, safe, seeing counsellor Tuesday"
    got = await group.tap("Acknowledge", on=alert_message)  # a second tap, or a colleague's
    assert got[0].text == words(bot).alerts.taken
    # Participant data asked for in the group goes to the asker's private chat only.
    got = await group.tap("Open timeline", on=alert_message)
    assert [g.text for g in got] == [words(bot).replies.sent_privately]
    [timeline] = bot.telegram.texts_to(COUNSELLOR)
    assert timeline.startswith("Timeline for #1\nStatus: In orientation.")
    assert "Crisis words in a message (orientation:name): Resolved" in timeline
    bot.telegram.blocked.add(COUNSELLOR)  # as if they had never opened a chat with the bot
    got = await group.send("/participants")
    assert [g.text for g in got] == [words(bot).replies.open_private_chat]
    assert [e.action for e in bot.rows(AuditEntry) if e.staff_telegram_id == COUNSELLOR] == [
        "acknowledge", "resolve", "view_participant", "list_participants",
    ]  # fmt: skip
    bot.clock.advance(hours=2, minutes=5)
    await crisis(bot, user_id=4243)
    bot.clock.advance(minutes=7)
    got = await group.send("/alerts")
    assert [g.text for g in got] == [
        "Open alerts: 1, oldest first.",
        "#2: Crisis words in a message (orientation:name), 2026-11-27 12:10\nOpen for 0 h 7 min.",
    ]
    await group.tap("Acknowledge", on=got[1])
    # Talk in the group that is not for the bot gets no answer.
    assert await group.reply("thanks all", to=alert_message) == []
    bot.clock.advance(hours=3)
    await bot.tick()
    assert len(to_staff(bot)) == 1 + 6 + 1 + 2 + 1  # all of the above; nothing re-sent


async def test_an_ignored_alert_is_sent_again_until_someone_takes_it(
    bot: RunningBot, settings: Settings
) -> None:
    assert (settings.alert_resend_minutes, settings.alert_resend_max) == (30, 3)
    await crisis(bot)
    for minutes in (29, 1, 30, 30, 30, 120):
        bot.clock.advance(minutes=minutes)
        await bot.tick()
    sent = [s.text for s in to_staff(bot)]
    assert len(sent) == 1 + 3 and len(set(sent)) == 1  # first, then at most three times more

    await bot.person(4243).send("/start")
    await agree(bot.person(4243))
    await bot.person(4243).send(CRISIS)
    second = to_staff(bot)[-1]
    group = await add_counsellor(bot)
    bot.clock.advance(minutes=20)
    await group.tap("Acknowledge", on=second)
    bot.clock.advance(hours=3)
    await bot.tick()
    assert to_staff(bot)[-1].text == words(bot).alerts.acknowledged  # never re-sent once taken


async def test_nobody_else_learns_anything(bot: RunningBot) -> None:
    await crisis(bot)
    stranger = bot.person(555)
    unknown = (await stranger.send("/nonsense"))[0].text
    for command in (
        "/alerts", "/participants", "/participants graduated", "/participant #1", "/export",
        "/export 2026-01-01", "/invite X-1", "/graduate #1", "/staff", "/staff add 555 admin",
        "/staff remove 900", "/audit", "/reload",
    ):  # fmt: skip
        got = await stranger.send(command)
        assert [g.text for g in got] == [unknown], command
    forged_reply = (await stranger.tap_data("zz|nothing"))[0].text
    for data in ("x|ack|1", "x|res|1", "x|tl|1", "y|p|all|1", "y|t|1|1"):
        got = await stranger.tap_data(data)
        assert got[0].text == forged_reply, data
    # In the staff group, a member who is not staff gets the same, and is never enrolled.
    visitor = bot.in_staff_group(556)
    assert [g.text for g in await visitor.send("/alerts")] == [unknown]
    assert [g.text for g in await visitor.send("/crisis")] == [unknown]
    assert await visitor.reply("hello", to=to_staff(bot)[0]) == []
    assert await visitor.tap("Acknowledge", on=to_staff(bot)[0]) == []
    assert [s.telegram_id for s in bot.rows(StaffMember)] == [ADMIN]
    assert bot.rows(AuditEntry) == []
    assert [a.status for a in bot.rows(Alert)] == ["open"]
    assert 556 not in {p.telegram_id for p in bot.rows(Participant)}


async def test_staff_are_never_enrolled_and_counsellors_cannot_manage_staff(
    bot: RunningBot,
) -> None:
    admin = bot.person(ADMIN)
    await admin.send("/alerts")
    await admin.send("/participants")
    counsellor = bot.person(COUNSELLOR)
    await add_counsellor(bot)
    for command in ("/staff", f"/staff add {COUNSELLOR} admin", "/staff remove 900", "/audit"):
        got = await counsellor.send(command)
        assert [g.text for g in got] == [words(bot).replies.admins_only], command
    assert {(s.telegram_id, s.role) for s in bot.rows(StaffMember)} == {
        (ADMIN, "admin"), (COUNSELLOR, "counsellor"),
    }  # fmt: skip
    assert bot.rows(Participant) == []  # staff commands touch no participant row
    got = await admin.send("/staff")
    assert got[0].text == "Staff:\n900: admin\n901: counsellor"
    got = await admin.send(f"/staff remove {COUNSELLOR}")
    assert got[0].text == f"{COUNSELLOR} is no longer on staff."
    got = await counsellor.send("/alerts")  # no longer staff: like anyone else
    assert got[0].text.startswith("I don't know that command.")


async def test_every_view_leaves_an_audit_row(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE)
    await answer_checkin(ana)
    ana_id = bot.participant(300).id
    admin = bot.person(ADMIN)
    got = await admin.send("/participants")
    assert got[0].text.startswith("Participants: 1\n\nana: Graduated. Last contact 2026-12-01.")
    got = await admin.send("/participants paused")
    assert got[0].text == words(bot).participants.empty
    got = await admin.send("/participant ana")
    assert got[0].text.startswith("Timeline for ana\nStatus: Graduated.")
    got = await admin.send("/participant nobody")
    assert got[0].text == "No participant has the label nobody. Check it and try again."
    await admin.send("/alerts")
    got = await admin.send("/export")
    name, data = got[0].document or ("", b"")
    assert name == "checkins-2026-12-01.csv" and got[0].text == words(bot).export_caption
    lines = data.decode().splitlines()
    assert lines[0] == "# NOTICE: 42 CFR Part 2 confidentiality."
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    assert rows[0][:3] == ["label", "checkin_day", "checkin_due_date"]
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [  # one row per answer
        ("ana", "1", q) for q in ("use", "craving", "mood", "meetings", "confidence", "contact",
                                  "note")
    ]  # fmt: skip
    got = await admin.send("/audit")
    assert [(e.action, e.participant_id) for e in bot.rows(AuditEntry)] == [
        ("list_participants", None), ("list_participants", None),
        ("view_participant", ana_id), ("view_alerts", None), ("export", None),
        ("view_audit", None),
    ]  # fmt: skip
    assert got[0].text.splitlines()[1:4] == [
        "2026-12-01 18:00 900 exported check-ins since start, 7 rows",
        "2026-12-01 18:00 900 looked at open alerts 0 open",
        "2026-12-01 18:00 900 opened the timeline of ana page 1",
    ]
    assert all(e.staff_telegram_id == ADMIN and e.at == bot.clock.now for e in bot.rows(AuditEntry))


async def test_invite_and_graduate_in_telegram(bot: RunningBot) -> None:
    admin = bot.person(ADMIN)
    got = await admin.send("/invite B-7")
    code = got[0].text.split("code ")[1].split()[0]
    assert got[0].text == (
        f"Invite for B-7: code {code}\nhttps://t.me/iop_test_bot?start={code}\n"
        "It works once, until 2026-12-11 10:00."  # INVITE_EXPIRY_DAYS later, in New York
    )
    got = await admin.send("/graduate B-7")
    assert got[0].text == "No participant has the label B-7. Check it and try again."
    await bot.person(310).send(f"/start {code}")
    got = await admin.send("/graduate B-7")
    assert got[0].text == "B-7 has not agreed to the privacy notice yet, so they cannot graduate."
    await agree(bot.person(310))
    got = await admin.send("/invite B-7")
    assert got[0].text == "B-7 is already taken by a participant. Choose another label."
    got = await admin.send("/graduate B-7 30-11-2026")
    assert got[0].text == words(bot).replies.bad_date
    got = await admin.send("/graduate B-7 2026-11-30")
    assert got[0].text == "B-7 graduated on 2026-11-30. 9 check-ins planned."
    got = await admin.send("/graduate B-7 2026-12-01")
    assert got[0].text == "B-7 already graduated on 2026-11-30."


async def test_an_alert_raised_while_sending_fails_arrives_later(start_bot: BotFactory) -> None:
    bot = await start_bot()
    bot.telegram.trouble[STAFF_CHAT] = "timeout"
    await crisis(bot)
    assert to_staff(bot) == []  # the send timed out; the participant still got help
    bot.telegram.trouble[STAFF_CHAT] = "flood"
    bot.clock.advance(seconds=31)
    await bot.tick()
    assert to_staff(bot) == []
    # The process restarts meanwhile; the delivery is in the database, not in memory.
    await bot.app.shutdown()
    bot = await start_bot()
    bot.clock.advance(seconds=31)
    await bot.tick()
    [message] = to_staff(bot)
    assert message.text.startswith("#1: Crisis words in a message")
    bot.clock.advance(minutes=10)
    await bot.tick()
    assert len(to_staff(bot)) == 1  # sent once


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The conftest settings, with the changes a test asks for."""
    return dataclasses.replace(settings, **getattr(request, "param", {}))


@pytest.mark.parametrize("settings", [{"staff_chat_id": None}], indirect=True)
async def test_without_a_staff_group_every_admin_hears_privately(bot: RunningBot) -> None:
    admin = bot.person(ADMIN)
    got = await admin.send("/staff add 902 admin")
    assert got[0].text == "902 is now on staff as admin."
    await crisis(bot)
    assert admin.last.text.startswith("#1: Crisis words in a message")
    assert bot.telegram.texts_to(902) == [admin.last.text]
    assert to_staff(bot) == []


@pytest.mark.parametrize(
    "settings", [{"staff_chat_id": None, "staff_ids": frozenset()}], indirect=True
)
async def test_with_no_staff_nobody_is_promised_contact(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE)
    got = await ana.tap("Yes")
    got = await ana.tap("Yes, please contact me", on=got[0])
    assert got[0].text == (
        "I can't pass this on to the clinic from here right now. Please call Riverside Recovery "
        "Center at (555) 010-2400 (Monday to Friday, 8 am to 6 pm). If you need help right "
        "now, send /crisis."
    )
    assert "contact you soon" not in "".join(s.text for s in ana.inbox())


async def test_command_menus_for_participants_and_staff(bot: RunningBot) -> None:
    menus = {
        (c.get("language_code"), c.get("scope", {}).get("chat_id")): c["commands"]
        for c in bot.telegram.commands
    }
    assert set(menus) == {(None, None), ("es", None), (None, ADMIN), (None, STAFF_CHAT)}
    english = [c["command"] for c in menus[None, None]]
    assert english == ["start", "menu", "craving", "crisis", "myplan", "progress", "language",
                       "help", "stop", "mydata", "delete"]  # fmt: skip
    staff = [c["command"] for c in menus[None, STAFF_CHAT]]
    assert staff == ["alerts", "participants", "participant", "export", "invite", "graduate",
                     "staff", "audit", "dashboard"]  # fmt: skip
    assert menus[None, ADMIN] == menus[None, STAFF_CHAT]
