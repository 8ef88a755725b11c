"""Settings show what is on now; check-in choices appear after graduation; stopping them asks
first and tells the clinic; /start asks before turning stopped check-ins back on."""

from __future__ import annotations

from datetime import date

from bot.content.schema import Flow
from bot.engine.steps import fill
from bot.models import Alert
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import enrol

CHECKIN_LABELS = {"Check-ins on", "Pause check-ins for 2 weeks", "Stop check-ins"}


def settings(bot: RunningBot) -> Flow:
    return bot.companion.content.language("en").flows["settings"]


async def open_settings(person: Person) -> list[str]:
    await person.send("/menu")
    got = await person.tap("⚙️ Settings")
    return got[0].labels


async def test_settings_mark_what_is_on_and_hide_check_ins_before_graduation(
    bot: RunningBot,
) -> None:
    ana = bot.person(300)
    await enrol(bot, ana, "ana", zone="New York", time="6pm")
    labels = await open_settings(ana)
    assert not CHECKIN_LABELS & set(labels)  # no check-ins before graduation
    assert "✓ Session reminders off" in labels and "✓ Daily reminder off" in labels
    got = await ana.tap("Session reminders 3 hours before")
    got = await ana.tap("Daily reminder on")
    labels = got[-1].labels
    assert "✓ Session reminders 3 hours before" in labels and "✓ Daily reminder on" in labels
    assert "Session reminders off" in labels and "Daily reminder off" in labels
    await ana.tap("My name")
    got = await ana.tap("◀ Back")  # the list looks the same however one comes back to it
    assert got[0].labels == labels

    bot.companion.graduate("ana", date(2026, 11, 30))
    labels = await open_settings(ana)
    assert {"✓ Check-ins on", "Pause check-ins for 2 weeks", "Stop check-ins"} <= set(labels)
    got = await ana.tap("Pause check-ins for 2 weeks")
    assert "✓ Pause check-ins for 2 weeks" in got[-1].labels and "Check-ins on" in got[-1].labels


async def test_stopping_check_ins_asks_first_and_tells_the_clinic(bot: RunningBot) -> None:
    ana = bot.person(300)
    await enrol(bot, ana, "ana", zone="New York", time="6pm")
    bot.companion.graduate("ana", date(2026, 11, 30))
    await bot.tick()  # congratulations, and the aftercare plan
    await open_settings(ana)
    got = await ana.tap("Stop check-ins")
    confirm = next(s for s in settings(bot).steps if s.id == "stop_checkins")
    assert got[1].text == confirm.text  # got[0]: the settings, answered
    got = await ana.tap("No, keep them")
    assert "✓ Check-ins on" in got[-1].labels
    assert bot.participant(300).checkins_stopped_at is None and bot.rows(Alert) == []
    await ana.tap("Stop check-ins")
    got = await ana.tap("Yes, stop check-ins")
    texts = bot.companion.content.language("en").messages.texts
    assert got[0].text.endswith("➤ Yes, stop check-ins") and got[0].buttons == []
    assert got[1].text == fill(texts.checkins_stopped, {})
    assert "✓ Stop check-ins" in got[-1].labels
    assert [a.kind for a in bot.rows(Alert)] == ["checkins_stopped"]

    ask = bot.companion.content.language("en").flows["checkins_back"].steps[0]
    got = await ana.send("/start")
    assert got[-1].text == fill(ask.text, {"name": "Ana"})
    got = await ana.tap("No, keep them off")
    assert got[0].text.endswith("➤ No, keep them off") and got[0].buttons == []
    assert got[1].text == ask.options[1].reply
    assert bot.participant(300).checkins_stopped_at is not None
    got = await ana.send("/start")
    got = await ana.tap("Yes, turn them on")
    assert got[0].text.endswith("➤ Yes, turn them on") and got[0].buttons == []
    assert got[1].text == ask.options[0].reply
    assert bot.participant(300).checkins_stopped_at is None
    labels = await open_settings(ana)
    assert "✓ Check-ins on" in labels
