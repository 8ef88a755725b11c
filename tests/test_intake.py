"""Before the first day: an intake invite leads through the intake questions into orientation;
screeners are scored for staff only; barriers and withdrawal risk flag staff; paperwork ticks
stay, and the day before the first session the bot lists only what is still open."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.content.schema import Flow
from bot.intake.screeners import score
from bot.models import Alert, Answer, Completion, Invite, InviteStage, PlanItem, Tick
from tests.conftest import ADMIN, STAFF_CHAT, BotFactory, RunningBot
from tests.fake_telegram import Person
from tests.journeys import invite, orient
from tests.test_invite import invite_by_command

# Orientation ends on Friday 2026-11-27; the first session a day ahead or more is Monday's
# group at 18:00 in New York, so the paperwork reminder comes on Sunday at 18:00 there.
DAY_BEFORE = datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


def intake_flow(bot: RunningBot) -> Flow:
    return bot.companion.content.language("en").flows["intake"]


def intake_rows(text: str) -> list[list[str]]:
    rows = csv.reader(io.StringIO(text), strict=True)
    return [r for r in rows if len(r) > 3 and r[3] == "intake"]


async def consent(person: Person, code: str) -> None:
    """Open the invite link and agree to the privacy notice."""
    await person.send(f"/start {code}")
    for _ in range(3):
        await person.tap("Next ▶")
    await person.tap("Yes, I agree")


async def answer_intake(bot: RunningBot, sam: Person) -> None:
    """The whole intake as Sam answers it, with the lesson, a question and one barrier."""
    texts, clinic = bot.texts(), bot.companion.content.clinic
    assert sam.last.text == intake_flow(bot).steps[0].text
    await sam.tap("Next ▶")
    await sam.tap("A text message")
    await sam.send("I want to stop drinking before I lose my job")
    await sam.send("beer, and pills my friend gave me")
    await sam.tap("In the last 3 days")
    got = await sam.tap("Yes")  # benzos most days
    assert got[1].text == f"{texts.withdrawal}\n\n" + texts.withdrawal_staff.replace(
        "{clinic_name}", clinic.name
    )
    await sam.tap("No")  # opioids
    await sam.tap("Yes, a program like this one")
    await sam.send("Metformin, and the pills for sleep")
    await sam.tap("Next ▶")
    # AUDIT-C by hand: 3 + 1 + 2 = 6 of 12. NIDA: once or twice in the past year, positive.
    await sam.tap("2 or 3 times a week")
    await sam.tap("3 or 4")
    await sam.tap("Once a month")
    await sam.tap("Once or twice")
    got = await sam.tap("Yes, show me")
    assert "levels" in got[-1].text
    for _ in range(5):
        await sam.tap("Next ▶")
    await sam.send("Can I keep my evening job?")
    await sam.tap("No, let's go on")
    barriers = sam.last
    assert barriers.labels[:6] == [
        "Getting here", "Care for my kids", "My work hours", "Phone or data", "The cost",
        "A safe place to live",
    ]  # fmt: skip
    got = await sam.tap("Getting here")
    assert got[0].labels[0] == "✓ Getting here"  # the list itself, in place
    transport = next(b for b in clinic.barriers if b.id == "transport")
    assert got[1].text == texts.barrier_help.replace("{clinic_name}", clinic.name).replace(
        "{value}", transport.help["en"]
    )
    await sam.tap("The cost")
    await sam.tap("✓ The cost")  # changed their mind: off again
    await sam.tap("Next ▶")
    got = await sam.tap("Next ▶")
    assert got[-1].text.startswith("What would you like me to call you?")  # orientation


async def invited_through_intake(
    start_bot: BotFactory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[RunningBot, Person]:
    """chart-7 is invited with `--stage intake`, opens the link, agrees and answers intake."""
    code = invite_by_command("chart-7", settings, monkeypatch, capsys, "--stage", "intake")
    bot = await start_bot()
    sam = bot.person(700)
    await consent(sam, code)
    await answer_intake(bot, sam)
    return bot, sam


async def test_an_intake_invite_leads_through_intake_into_orientation(
    start_bot: BotFactory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot, sam = await invited_through_intake(start_bot, settings, monkeypatch, capsys)
    assert main(["invite", "chart-8", "--stage", "later"]) == 2
    assert capsys.readouterr().err == "error: --stage must be orientation or intake (not 'later')\n"
    [invite] = bot.rows(Invite)
    assert invite.stage == "intake"

    given = {a.question: a for a in bot.rows(Answer) if a.flow == "intake"}
    assert given["contact"].value == "text"
    assert given["help_with"].value == "I want to stop drinking before I lose my job"
    assert given["audit_often"].value == "2_3_a_week"
    assert given["drugs"].value == "once_twice"
    version = bot.companion.content.language("en").versions["intake"]
    assert version.startswith("1+") and {a.content_version for a in given.values()} == {version}
    [question] = [i for i in bot.rows(PlanItem) if i.section == "questions"]
    assert question.text == "Can I keep my evening job?"
    assert [(t.checklist, t.item) for t in bot.rows(Tick)] == [("barriers", "transport")]
    assert [c.flow for c in bot.rows(Completion)] == ["lesson_levels", "intake"]
    flags = [(a.kind, a.context, a.status) for a in bot.rows(Alert)]
    assert flags == [
        ("withdrawal_risk", "intake:benzos", "open"),
        ("barrier", "intake:transport", "open"),
        ("barrier", "intake:cost", "resolved"),  # tapped off again
    ]
    staff_group = [s.text for s in bot.telegram.sent if s.chat_id == STAFF_CHAT]
    assert any("withdrawal risk" in text for text in staff_group)
    # No score or screener result is ever read back to the person.
    assert not any(re.search(r"AUDIT|NIDA|score|positive", s.text) for s in sam.inbox())

    [page, *_] = [s.text for s in await bot.person(ADMIN).send("/participant chart-7")]
    asked = {step.id: step.text.split("?")[0] + "?" for step in intake_flow(bot).steps}
    for line in [
        f"{asked['contact']} ➤ A text message",
        f"{asked['help_with']} ➤ I want to stop drinking before I lose my job",
        f"{asked['benzos']} ➤ Yes",
        "AUDIT-C: 6 of 12, 3 of 3 answered; positive at 3+ (women), check 4+ for men",
        "NIDA single question: positive (answer level 1 of 4)",
        "Barriers they tapped:\nGetting here",
        "Their questions for the assessment:\nCan I keep my evening job?",
        "Paperwork still missing:\nA photo ID",
    ]:
        assert line in page, line

    [export] = await bot.person(ADMIN).send("/export")
    assert export.document is not None
    intake = {r[4]: r for r in intake_rows(export.document[1].decode())}
    assert intake["audit_often"][5:8] == [
        "How often do you have a drink with alcohol in it?", "2 or 3 times a week", "3",
    ]  # fmt: skip
    assert intake["audit_c_total"][6:8] == ["positive", "6"]
    assert intake["nida_total"][6:8] == ["positive", "1"]
    assert intake["barrier:transport"][6] == "yes"
    assert intake["questions"][6] == "Can I keep my evening job?"
    assert intake["paperwork:photo_id"][6] == "missing"
    when = intake["drugs"][8]  # answered at, in UTC: the total with its latest answer
    assert when and intake["nida_total"][8] == when and intake["barrier:transport"][8] >= when
    assert intake["paperwork:photo_id"][8] == ""  # not ticked: no time


async def test_an_export_since_a_day_has_the_intake_given_since(
    start_bot: BotFactory,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot, sam = await invited_through_intake(start_bot, settings, monkeypatch, capsys)
    bot.clock.advance(days=2)
    await sam.send("Sam")
    for _ in range(5):
        await sam.tap("Next ▶")
    await sam.tap("A photo ID")  # two days after the intake questions
    today = bot.clock.now.astimezone(bot.companion.desk.zone).date()

    [export] = await bot.person(ADMIN).send(f"/export {today}")
    assert export.document is not None
    rows = intake_rows(export.document[1].decode())
    assert [(r[4], r[6], r[8]) for r in rows] == [
        ("paperwork:photo_id", "ready", bot.clock.now.isoformat())
    ]
    assert main(["export", "--since", str(today)]) == 0
    assert intake_rows(capsys.readouterr().out) == rows
    assert main(["export", "--since", str(today - timedelta(days=2))]) == 0
    earlier = [r[4] for r in intake_rows(capsys.readouterr().out)]
    assert {"contact", "audit_c_total", "barrier:transport", "questions"} <= set(earlier)
    assert "paperwork:insurance_card" not in earlier  # still missing: no time, so not since a day


async def test_staff_invite_with_the_intake_stage(bot: RunningBot) -> None:
    admin = bot.person(ADMIN)
    [made] = await admin.send("/invite chart-8 intake")
    assert made.text.startswith("Invite for chart-8")
    [usage] = await admin.send("/invite chart-9 later")
    assert usage.text == bot.companion.content.staff_texts("en").replies.usage_invite
    await admin.send("/invite chart-10")
    assert {i.label: i.stage for i in bot.rows(Invite)} == {
        "chart-8": "intake", "chart-10": "orientation",
    }  # fmt: skip
    # Without the intake stage, consent leads straight into orientation, as before.
    [code] = [i.code for i in bot.rows(Invite) if i.label == "chart-10"]
    lee = bot.person(701)
    await consent(lee, code)
    assert "call you" in lee.last.text


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The conftest settings, with the changes a test asks for."""
    return dataclasses.replace(settings, **getattr(request, "param", {}))


@pytest.mark.parametrize(
    "settings", [{"staff_chat_id": None, "staff_ids": frozenset()}], indirect=True
)
async def test_with_no_staff_withdrawal_risk_says_to_call_the_clinic(bot: RunningBot) -> None:
    code = invite(bot, "chart-3", InviteStage.INTAKE)
    kim = bot.person(702)
    await consent(kim, code)
    await kim.tap("Next ▶")
    await kim.tap("Here in this chat")
    await kim.tap("Skip")
    await kim.tap("Skip")
    await kim.tap("Today")
    got = await kim.tap("Yes")  # benzos most days
    clinic = bot.companion.content.clinic
    call = bot.texts().withdrawal_call.replace("{clinic_phone}", clinic.phone)
    assert got[1].text == f"{bot.texts().withdrawal}\n\n" + call.replace(
        "{clinic_hours}", clinic.hours["en"]
    )
    told_staff = bot.texts().withdrawal_staff.split("{")[0]
    assert not any(told_staff in s.text for s in kim.inbox())
    await kim.tap("◀ Back")  # from the opioids question
    got = await kim.tap("Yes")  # the same answer again: told again, flagged once
    assert got[1].text.startswith(bot.texts().withdrawal)
    [flag] = bot.rows(Alert)  # stored all the same, for whoever looks at the timeline
    assert flag.kind == "withdrawal_risk"


def test_screener_scores_on_hand_worked_examples(bot: RunningBot) -> None:
    flow = intake_flow(bot)

    def scores(**answers: str) -> dict[str, tuple[int, int, bool]]:
        return {s.screener: (s.score, s.answered, s.positive) for s in score(flow, answers)}

    # AUDIT-C: 4 + 4 + 4 = 12, the most.
    assert scores(audit_often="4_plus_a_week", audit_amount="10_plus", audit_six="daily") == {
        "audit_c": (12, 3, True)
    }
    # 2 + 0 + 1 = 3: positive at the lower cut-off.
    assert scores(audit_often="2_4_a_month", audit_amount="1_2", audit_six="less_than_monthly") == {
        "audit_c": (3, 3, True)
    }
    # 1 + 0 + 0 = 1.
    assert scores(audit_often="monthly_or_less", audit_amount="1_2", audit_six="never") == {
        "audit_c": (1, 3, False)
    }
    # "Never" skips the other two: 0, and all three count as answered.
    assert scores(audit_often="never") == {"audit_c": (0, 3, False)}
    # ... even when Back left answers to them from before.
    assert scores(audit_often="never", audit_amount="10_plus") == {"audit_c": (0, 3, False)}
    # Half done: what there is, and how much of it.
    assert scores(audit_often="4_plus_a_week") == {"audit_c": (4, 1, True)}
    # NIDA: any use in the past year is positive.
    assert scores(drugs="never") == {"nida": (0, 1, False)}
    assert scores(drugs="once_twice", audit_often="never") == {
        "audit_c": (0, 3, False),
        "nida": (1, 1, True),
    }
    assert scores() == {}


async def test_paperwork_ticks_stay_and_the_day_before_only_what_is_open(
    start_bot: BotFactory,
) -> None:
    bot = await start_bot()
    ana = bot.person(300)
    await ana.send("/start")
    for _ in range(3):
        await ana.tap("Next ▶")
    await ana.tap("Yes, I agree")
    await ana.send("Ana")
    for _ in range(5):
        await ana.tap("Next ▶")
    assert ana.last.text.startswith("Please bring these in your first week.")
    got = await ana.tap("A photo ID")
    assert got[0].labels[:2] == ["✓ A photo ID", "Your insurance card, if you have one"]
    assert got[0].message_id == ana.last.message_id  # the same card, ticked in place
    for _ in range(3):
        await ana.tap("Next ▶")
    await ana.tap("Call the clinic before it starts")
    await ana.tap("Come anyway and tell their counselor")
    await ana.tap("988 or 911")
    await ana.tap("Eastern (New York)")
    await ana.send("6pm")
    await ana.tap("Finish ✔")
    assert bot.due("paperwork", 300) == DAY_BEFORE

    # A second person ticks everything from the menu: no reminder for them.
    ben = bot.person(301)
    await orient(ben, "Ben")
    got = await ben.tap("📋 My paperwork")
    assert got[0].text == bot.texts().paperwork_list
    for label in list(got[0].labels[:-1]):
        await ben.tap(label)
    assert all(label.startswith("✓ ") for label in ben.last.labels[:-1])

    bot = await start_bot()  # a restart: the ticks are in the database
    got = await bot.person(300).send("/menu")
    got = await bot.person(300).tap("📋 My paperwork")
    assert got[0].labels[0] == "✓ A photo ID"
    got = await bot.person(300).tap("Your insurance card, if you have one")
    assert got[0].labels[:2] == ["✓ A photo ID", "✓ Your insurance card, if you have one"]

    await bot.run_until(DAY_BEFORE)
    reminder = bot.person(300).last
    head = bot.texts().paperwork_reminder.split("{value}")[0]
    assert reminder.text.startswith(
        head.replace("{clinic_name}", bot.companion.content.clinic.name)
    )
    listed = [line for line in reminder.text.splitlines() if line.startswith("☐ ")]
    assert listed == [
        "☐ A list of the medicines you take",
        "☐ The signed consent for treatment form",
        "☐ The signed release form, if you want us to talk with family or a doctor",
        "☐ Your emergency contact's name and phone number",
    ]
    assert not any(s.text.startswith("Tomorrow") for s in bot.person(301).inbox())
    page = (await bot.person(ADMIN).send("/participant #1"))[0].text
    assert "Paperwork still missing:\nA list of the medicines you take" in page
    page = (await bot.person(ADMIN).send("/participant #2"))[0].text
    assert "Paperwork still missing:\nAll ready." in page
    [mydata] = await bot.person(300).send("/mydata")
    assert "• 2026-11-27: A photo ID\n" in mydata.text


STICKER = {
    "file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512, "is_animated": False,
    "is_video": False, "type": "regular",
}  # fmt: skip


async def test_bad_input_in_intake_keeps_the_question_and_stores_nothing(bot: RunningBot) -> None:
    code = invite(bot, "chart-6", InviteStage.INTAKE)
    texts, steps = bot.texts(), {s.id: s for s in intake_flow(bot).steps}
    lee = bot.person(706)
    await consent(lee, code)
    await lee.tap("Next ▶")
    got = await lee.send_media(sticker=STICKER)  # at a button question
    assert got[0].text == texts.not_text and got[-1].text == steps["contact"].text
    got = await lee.send("maybe")
    assert got[-1].text == steps["contact"].text
    got = await lee.tap_data("br|transport")  # a barrier button before the barriers step
    assert got[0].text == texts.stale_button and got[-1].text == steps["contact"].text
    await lee.tap("A phone call")
    got = await lee.send_media(sticker=STICKER)  # at a typed question
    assert got[-1].text == steps["help_with"].text
    got = await lee.send("I want help. " * 400)
    assert got[0].text.startswith(texts.too_long.split("{")[0])
    assert got[-1].text == steps["help_with"].text
    got = await lee.tap("◀ Back")
    assert got[-1].text == steps["contact"].text
    assert [a.question for a in bot.rows(Answer)] == ["contact"]
    assert bot.rows(Tick) == [] and bot.rows(Alert) == []
