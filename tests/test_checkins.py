"""Graduation, the aftercare plan, and check-in answers, flags and choices, end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.content.checkin_schema import Questionnaire
from bot.engine.steps import fill
from bot.models import Alert, Answer, CheckIn, PlanItem
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import answer_checkin, enrol

GRADUATION = date(2026, 11, 30)
DAY_ONE = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # 18:00 in New York


def questionnaire(bot: RunningBot, name: str, language: str = "en") -> Questionnaire:
    return bot.companion.content.language(language).questionnaires[name]


async def graduate(bot: RunningBot, user_id: int = 300, label: str = "ana") -> Person:
    person = bot.person(user_id)
    await enrol(bot, person, label, zone="New York", time="6pm")
    bot.companion.graduate(label, GRADUATION)
    return person


async def test_graduate_command_and_aftercare_plan(
    bot: RunningBot, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    ana = bot.person(300)
    await enrol(bot, ana, "ana", zone="New York", time="6pm")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["graduate", "ana", "--date", "2026-11-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ana graduated on 2026-11-30; 9 check-ins planned:")
    assert "day   1  first  2026-12-01 23:00 UTC" in out
    assert "day 365  bam    2027-11-30 23:00 UTC" in out
    assert main(["graduate", "nobody"]) == 1
    assert capsys.readouterr().err.strip() == "error: no participant has the label 'nobody'"

    await bot.tick()
    assert not ana.last.text.startswith("Congratulations")  # the command ran on today's clock
    bot.clock.now = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # 9:00 in New York
    await bot.tick()
    congratulations, intro = ana.inbox()[-2:]
    assert congratulations.text.startswith("Congratulations, Ana! 🎓")
    assert intro.text.startswith("Your aftercare plan has four parts")
    await ana.tap("Next ▶")
    got = await ana.send("Dr. Lee, Tuesdays at 5 pm")
    assert got[0].text == "Saved: Dr. Lee, Tuesdays at 5 pm"
    await ana.tap("SMART Recovery")
    await ana.tap("Add another group")
    await ana.send("NA at St. Mark's, Mondays")
    await ana.tap("No, next part")
    got = await ana.tap("A recovery community center")  # ticked in place, stored once
    assert "✓ A recovery community center" in got[0].labels and len(got) == 1
    await ana.tap("Next part")
    await ana.send("Maria 555-0100")
    got = await ana.tap("No, I'm done")
    assert got[0].text.endswith("➤ No, I'm done") and not got[0].buttons
    assert "Your aftercare plan is saved, Ana" in got[1].text

    got = await ana.send("/myplan")
    assert "Therapy and counseling:\n• Dr. Lee, Tuesdays at 5 pm" in got[0].text
    assert "Support groups:\n• SMART Recovery\n• NA at St. Mark's, Mondays" in got[0].text
    assert "Community resources:\n• A recovery community center" in got[0].text
    assert "People I can call:\n• Maria 555-0100" in got[0].text
    got = await ana.tap("Take something off")
    got = await ana.tap("SMART Recovery")
    assert got[0].text == "Done. I took this off your plan: SMART Recovery"
    assert "SMART Recovery" not in got[1].text
    assert sorted(i.section for i in bot.rows(PlanItem)) == [
        "groups",
        "people",
        "resources",
        "therapy",
    ]
    # Someone else's item, or a forged one, cannot be removed.
    got = await ana.tap_data("p|delete|99999")
    assert got[0].text.startswith("Sorry, that button doesn't work here")


async def test_answers_signals_and_scores(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE)
    first = questionnaire(bot, "first")
    assert ana.last.text == (
        f"{fill(first.intro, {'name': 'Ana'})}\n\n(1/7) {first.questions[0].text}"
    )
    assert "since your last check-in" not in ana.last.text.lower()  # there was none yet
    got = await ana.tap("Yes")
    assert got[0].text.startswith("Thank you for telling me. That takes courage.")
    assert "doesn't erase your progress" in got[0].text
    assert got[0].labels == ["Yes, please contact me"]
    assert got[1].text.startswith("(2/7) How strong were your cravings")
    assert got[1].labels == [str(n) for n in range(11)]
    support, craving = got
    seven = craving.data_for("7")
    got = await ana.tap("Yes, please contact me", on=support)
    assert got[0].text.startswith("Okay. Someone from the clinic will contact you soon.")
    assert got[1].text == craving.text  # the question still open comes back
    got = await ana.tap_data(seven, on=got[1])
    got = await ana.tap_data(seven, on=craving)  # a second tap on an answered question
    assert got[0].text == "You already answered that one. Here is the next question."
    await ana.tap("🙂 Good")
    await ana.tap("1 or 2")
    await ana.tap("6")
    got = await ana.tap("Not right now")
    got = await ana.send("I want to die some days")  # crisis words inside a check-in
    assert "988" in got[0].text
    assert bot.telegram.live_keyboards(ana.chat_id) == 1  # the crisis lines' own
    got = await ana.tap("Carry on")  # back to the check-in, not the aftercare plan
    assert got[-1].text == f"(7/7) {first.questions[6].text}"
    got = await ana.tap("Skip")
    assert got[0].text.startswith("Thank you, Ana. Your answers are saved")
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "answered" and day_one.content_version.startswith("1+")
    answers = {a.question: a.value for a in bot.rows(Answer) if a.checkin_id == day_one.id}
    assert answers == {"use": "yes", "craving": "7", "mood": "4", "meetings": "1-2",
                       "confidence": "6", "contact": "no", "note": ""}  # fmt: skip
    flags = sorted((a.kind, a.context) for a in bot.rows(Alert))
    assert flags == [("contact_request", "check-in day 1"), ("crisis_language", "check-in day 1"),
                     ("use_reported", "check-in day 1")]  # fmt: skip
    await bot.run_until(DAY_ONE + timedelta(days=2))
    assert ana.last.text.endswith(f"(1/7) {questionnaire(bot, 'short').questions[0].text}")
    assert "since your last check-in" in ana.last.text.lower()


async def test_bam_scores_and_a_rise_in_risk(bot: RunningBot) -> None:
    ana = await graduate(bot)
    for day in (1, 3, 7, 14):
        await bot.run_until(DAY_ONE + timedelta(days=day - 1))
        await answer_checkin(ana)
    await bot.run_until(DAY_ONE + timedelta(days=29))
    assert "\n\n(1/18) In the past 30 days, how would you rate your physical" in ana.last.text
    await answer_checkin(ana)  # all first answers: lowest risk, no use
    month = next(r for r in bot.rows(CheckIn) if r.day == 30)
    # First answers: no use, lowest risk; protective only from "enough money: yes" (4).
    assert (month.score_use, month.score_risk, month.score_protective) == (0, 0, 4)
    await bot.run_until(DAY_ONE + timedelta(days=59))
    await ana.tap(ana.last.labels[4])  # health, sleep, mood: the worst answers
    sleep = ana.last  # BAM item 2 counts nights, and its buttons say so
    assert "nights" in sleep.text and all(label.endswith("nights") for label in sleep.labels)
    for _ in range(2):
        await ana.tap(ana.last.labels[4])
    for _ in range(4):  # no alcohol, no heavy drinking, no drugs, which drugs: skip
        await ana.tap(ana.last.labels[0])
    await answer_checkin(ana)
    second = next(r for r in bot.rows(CheckIn) if r.day == 60)
    assert (second.score_use, second.score_risk) == (0, 12)
    assert [a.kind for a in bot.rows(Alert)] == ["risk_rise"]


async def test_half_answered_then_reminded_then_missed(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE)
    await ana.tap("No")
    await bot.run_until(DAY_ONE + timedelta(hours=24))
    question = ana.last
    late = question.data_for("3")
    assert question.text.startswith("Hi Ana, your check-in is still open.")
    assert "\n\n(2/7) How strong were your cravings" in question.text
    await bot.run_until(DAY_ONE + timedelta(hours=73))
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert (day_one.status, day_one.note) == ("missed", "no answer")
    assert [a.question for a in bot.rows(Answer) if a.checkin_id == day_one.id] == ["use"]
    # Newer check-ins took the buttons off; a late tap (sent before that) is still welcome,
    # and completes the check-in.
    assert not question.buttons
    await ana.tap_data(late, on=question)
    await answer_checkin(ana)
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "answered"


async def test_pause_stop_change_time_and_resume(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await ana.send("/menu")
    await ana.tap("⚙️ Settings")
    got = await ana.tap("Pause check-ins for 2 weeks")
    assert (
        got[1].text
        == "Okay. I'll pause check-ins for 14 days. Send /start any time to turn them back on."
    )
    await bot.run_until(DAY_ONE + timedelta(days=14))
    days = {r.day: (r.status, r.note) for r in bot.rows(CheckIn)}
    assert days[1] == days[3] == days[7] == ("missed", "paused")
    assert days[14] == ("sent", "")  # the pause ended on day 14, just before it was due
    assert not any(a.kind == "missed_checkins" for a in bot.rows(Alert))

    await answer_checkin(ana)
    await ana.send("/menu")
    await ana.tap("⚙️ Settings")
    await ana.tap("My time zone")
    got = await ana.tap("Pacific (Los Angeles)")
    assert got[0].text.endswith("➤ Pacific (Los Angeles)")
    assert got[1].text == "Got it: Pacific (Los Angeles)."
    month = next(r for r in bot.rows(CheckIn) if r.day == 30)
    assert month.due_at == datetime(2026, 12, 31, 2, 0, tzinfo=UTC)  # 18:00 in Los Angeles
    await ana.tap("Stop check-ins")
    await ana.tap("Yes, stop check-ins")
    assert [(a.kind, a.context) for a in bot.rows(Alert)] == [
        ("checkins_stopped", "settings:stop_checkins")
    ]
    await bot.run_until(DAY_ONE + timedelta(days=31))
    month = next(r for r in bot.rows(CheckIn) if r.day == 30)
    assert (month.status, month.note) == ("missed", "stopped")
    ask = bot.companion.content.language("en").flows["checkins_back"].steps[0]
    got = await ana.send("/start")  # asks, and changes nothing until the answer
    assert got[-1].text == fill(ask.text, {"name": "Ana"})
    assert bot.participant(ana.user_id).checkins_stopped_at is not None
    got = await ana.tap("Yes, turn them on")
    assert got[1].text == ask.options[0].reply
    await bot.run_until(DAY_ONE + timedelta(days=59, hours=3))
    sixty = next(r for r in bot.rows(CheckIn) if r.day == 60)
    assert sixty.status == "sent"


@pytest.mark.parametrize(
    ("trouble", "status", "flag"),
    [("timeout", "unknown", "delivery_unknown"), ("bad", "failed", "delivery_failed")],
)
async def test_telegram_errors(bot: RunningBot, trouble: str, status: str, flag: str) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE - timedelta(hours=1))  # congratulated; aftercare begins
    bot.telegram.trouble[ana.user_id] = trouble
    before = len(ana.inbox())
    await bot.run_until(DAY_ONE)
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == status
    assert [a.kind for a in bot.rows(Alert)] == [flag]
    await bot.run_until(DAY_ONE + timedelta(hours=1))
    # Not resent blindly: the outcome is for a person to review.
    assert not any("check-in. " in s.text for s in ana.inbox()[before:])


async def test_flood_control_retries_later(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE - timedelta(hours=1))
    bot.telegram.trouble[ana.user_id] = "flood"
    await bot.run_until(DAY_ONE)
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "scheduled" and day_one.due_at == DAY_ONE + timedelta(seconds=30)
    await bot.run_until(DAY_ONE + timedelta(minutes=1))
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert day_one.status == "sent"
    assert sum("check-in. " in s.text for s in ana.inbox()) == 1
    assert bot.rows(Alert) == []


async def test_blocked_bot_stops_everything_and_flags_staff(bot: RunningBot) -> None:
    ana = await graduate(bot)
    await bot.run_until(DAY_ONE - timedelta(hours=1))
    bot.telegram.blocked.add(ana.user_id)
    await bot.run_until(DAY_ONE + timedelta(days=3))
    statuses = {r.day: r.status for r in bot.rows(CheckIn)}
    assert statuses[1] == statuses[3] == "blocked"
    assert statuses[7] == "scheduled"
    assert [a.kind for a in bot.rows(Alert)] == ["unreachable"]
    assert bot.participant(ana.user_id).unreachable_at is not None


async def test_a_worker_that_died_mid_send(bot: RunningBot) -> None:
    await graduate(bot)
    bot.clock.now = DAY_ONE
    sweep = bot.companion.sweep
    opened = sweep.open_checkins(sweep.claim_checkins(10))  # being sent, then the process died
    assert [o.telegram_id for o in opened] == [300]
    await bot.run_until(DAY_ONE + timedelta(minutes=11))
    [day_one] = [r for r in bot.rows(CheckIn) if r.day == 1]
    assert (day_one.status, day_one.note) == ("unknown", "worker stopped while sending")
    assert [a.kind for a in bot.rows(Alert)] == ["delivery_unknown"]


async def test_downtime_sends_late_ones_and_misses_very_late_ones(bot: RunningBot) -> None:
    await graduate(bot)
    bot.clock.now = DAY_ONE + timedelta(days=2, hours=1)  # down from before day 1 to after day 3
    await bot.tick()
    statuses = {r.day: (r.status, r.note) for r in bot.rows(CheckIn)}
    assert statuses[1] == ("missed", "too late to send")  # 49 hours late: over the window
    assert statuses[3] == ("sent", "")


async def test_four_check_ins_missed_in_one_sweep_raise_the_missed_flag(bot: RunningBot) -> None:
    await graduate(bot)
    bot.clock.now = DAY_ONE + timedelta(days=16)  # down from before day 1 to after day 14
    await bot.tick()
    missed = sorted(r.day for r in bot.rows(CheckIn) if r.status == "missed")
    assert missed == [1, 3, 7, 14]
    flags = [(a.kind, a.context) for a in bot.rows(Alert) if a.kind == "missed_checkins"]
    assert flags == [("missed_checkins", "4 in a row")]
    bot.clock.advance(minutes=1)
    await bot.tick()  # once per streak
    assert sum(a.kind == "missed_checkins" for a in bot.rows(Alert)) == 1
