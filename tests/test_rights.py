"""A participant's data rights: /mydata shows everything kept, /delete removes it (erased or
anonymised), the retention purge does the same for the long silent; invites expire."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.__main__ import main
from bot.config import Settings, SettingsError
from bot.content.schema import Rights
from bot.engine.fields import format_time
from bot.engine.steps import fill
from bot.models import (
    Alert,
    Answer,
    AuditEntry,
    Bookmark,
    CheckIn,
    Completion,
    ConsentRecord,
    Invite,
    Participant,
    PlanItem,
    ScheduledMessage,
    utcnow,
)
from bot.participants import create_invite
from bot.plans.store import add_plan_item
from tests.conftest import ADMIN, STAFF_CHAT, RunningBot
from tests.fake_telegram import Person
from tests.journeys import agree, answer_checkin, enrol, orient

GRADUATION = datetime(2026, 11, 30).date()
DAY_ONE = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # the first check-in, 18:00 in New York
CRISIS = "honestly I just want to DIE"
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The conftest settings, with the changes a test asks for."""
    return dataclasses.replace(settings, **getattr(request, "param", {}))


def rights(bot: RunningBot, language: str = "en") -> Rights:
    return bot.companion.content.language(language).messages.rights


def clinic(bot: RunningBot) -> dict[str, str]:
    return {"clinic_name": bot.companion.content.clinic.name}


def welcome(bot: RunningBot) -> str:
    """The first thing a new person reads."""
    return fill(bot.companion.content.language("en").flows["consent"].steps[0].text, clinic(bot))


async def graduated(bot: RunningBot, user_id: int = 300, label: str = "ana") -> Person:
    person = bot.person(user_id)
    await enrol(bot, person, label, zone="New York", time="6pm")
    bot.companion.graduate(label, GRADUATION)
    return person


async def test_mydata_shows_what_is_stored_in_the_persons_language(bot: RunningBot) -> None:
    words = rights(bot)
    ana = bot.person(300)
    await enrol(bot, ana, "ana", zone="New York", time="6pm")
    await ana.send(CRISIS)  # a flag for the clinic, delivered at once and sent again later
    await bot.person(ADMIN).send("/participant ana")  # an admin looks at her record

    [reply] = await ana.send("/mydata")
    text = reply.text
    assert text.startswith(fill(words.mydata_title, {"name": "Ana"}))
    assert text.endswith(words.mydata_end)
    assert reply.labels == [bot.companion.content.language("en").messages.buttons.carry_on]
    for line in [
        f"{words.telegram_id}: 300",
        f"{words.label}: ana",
        f"{words.name}: Ana",
        f"{words.timezone}: Eastern (New York)",
        f"{words.time}: 6:00 PM",
        f"{words.consented}: 2026-11-27",
        "2026-11-27: " + fill(words.finished, {"value": "Getting to know the program"}),
        "2026-11-27: Crisis words in a message. Open",
        "2026-11-27: " + fill(words.viewed, {"value": "admin"}),
    ]:
        assert f"• {line}\n" in text, line
    [consent] = bot.rows(ConsentRecord)
    assert "• 2026-11-27: " + fill(words.consent_yes, {"value": consent.content_version}) in text
    answers = bot.rows(Answer)
    assert answers and all(f"{a.question}: {a.value}" in text for a in answers)
    [resend] = [
        j for j in bot.rows(ScheduledMessage) if j.status == "scheduled" and j.kind == "alert"
    ]
    local = resend.due_at.astimezone(NEW_YORK)
    at = f"{local:%Y-%m-%d} {format_time(local.hour * 60 + local.minute, 12)}"
    planned = f"• {at}: {words.planned_kinds.alert}"
    assert planned in text
    assert str(ADMIN) not in text  # the role, never who

    spanish = bot.companion.content.language("es").messages
    await ana.send("/language")
    await ana.tap(spanish.language_name)
    [reply] = await ana.send("/mydata")
    assert reply.text.startswith(fill(spanish.rights.mydata_title, {"name": "Ana"}))
    assert f"• {spanish.rights.language}: {spanish.language_name}\n" in reply.text
    assert "2026-11-27: Palabras de crisis" in reply.text  # staff words in the same language


async def test_long_mydata_comes_as_a_file_with_nothing_cut(bot: RunningBot) -> None:
    words = rights(bot)
    sam = bot.person()
    await orient(sam)
    person = bot.participant()
    items = [f"Walk to the park with my sister, number {n}" for n in range(120)]
    with Session(bot.engine) as session:
        for item in items:
            add_plan_item(
                session=session, participant_id=person.id or 0, section="coping", text=item,
                version="1", now=bot.clock.now,
            )  # fmt: skip
        session.commit()

    file, after = await sam.send("/mydata")
    assert file.text == words.mydata_file
    assert file.document is not None
    name, data = file.document
    assert name == "my-data-2026-11-27.txt"
    text = data.decode()
    assert len(text) > 4096
    assert text.startswith(fill(words.mydata_title, {"name": "Sam"}))
    assert all(f"• What I can do instead: {item}\n" in text for item in items)
    assert text.endswith(words.mydata_end)
    assert after.labels == ["Carry on"]


async def test_delete_asks_then_erases_all_but_the_audit_log(bot: RunningBot) -> None:
    words = rights(bot)
    ana = await graduated(bot)
    await ana.send(CRISIS)
    alert_message = [s for s in bot.telegram.sent if s.chat_id == STAFF_CHAT][-1]
    await bot.person(ADMIN).send("/participant ana")
    person_id = bot.participant(300).id

    got = await ana.tap_data("del|yes|forged")  # a Yes nobody asked for
    assert got[0].text == words.delete_stale
    [question] = await ana.send("/delete")
    assert question.text == fill(words.delete_ask, clinic(bot))  # nothing is kept: no scores
    assert question.labels == [words.yes_delete, words.no_keep]
    got = await ana.tap(words.no_keep, on=question)
    assert got[0].text == words.delete_kept
    got = await ana.tap(words.yes_delete, on=question)  # that question is closed now
    assert got[0].text == words.delete_stale
    assert bot.participant(300).label == "ana"

    await ana.send("/stop")  # leaving never needs /start first
    [question] = await ana.send("/delete")
    got = await ana.tap(words.yes_delete, on=question)
    assert [g.text for g in got] == [words.delete_done]

    [emptied] = bot.rows(Participant)
    assert (emptied.id, emptied.telegram_id, emptied.erased_at) == (
        person_id, -(person_id or 0), bot.clock.now,
    )  # fmt: skip
    assert (emptied.label, emptied.preferred_name, emptied.consented_at, emptied.flow) == (
        None, None, None, None,
    )  # fmt: skip
    for model in (Answer, CheckIn, ConsentRecord, PlanItem, Completion, Bookmark, Alert,
                  ScheduledMessage, Invite):  # fmt: skip
        assert bot.rows(model) == [], model.__name__
    assert [e.participant_id for e in bot.rows(AuditEntry)] == [person_id]

    seen = len(ana.inbox())
    await bot.run_until(DAY_ONE + timedelta(days=40))  # check-ins would have gone out
    assert len(ana.inbox()) == seen

    got = await ana.tap(words.yes_delete, on=question)  # the old Yes, after deletion
    assert got[0].text == words.delete_stale
    assert got[1].text == welcome(bot)  # a new person, at the very beginning
    assert bot.participant(300).id != person_id

    # Staff: the old alert's buttons and the timeline cope; the list no longer shows her.
    group = bot.in_staff_group(ADMIN)
    await group.tap("Open timeline", on=alert_message)
    deleted = bot.companion.content.staff_texts("en").statuses.deleted
    assert bot.telegram.texts_to(ADMIN)[-1].startswith(
        f"Timeline for #{person_id}\nStatus: {deleted}. Last contact: none."
    )
    got = await group.tap("Acknowledge", on=alert_message)
    assert got[0].text == bot.companion.content.staff_texts("en").alerts.taken
    await bot.person(ADMIN).send("/participants")
    assert "ana" not in bot.telegram.texts_to(ADMIN)[-1]


@pytest.mark.parametrize("settings", [{"delete_mode": "anonymise"}], indirect=True)
async def test_anonymise_keeps_check_in_results_that_lead_to_nobody(bot: RunningBot) -> None:
    words = rights(bot)
    ana = await graduated(bot)
    await bot.run_until(DAY_ONE)
    await answer_checkin(ana)
    person_id = bot.participant(300).id

    [question] = await ana.send("/delete")
    assert question.text == f"{fill(words.delete_ask, clinic(bot))}\n\n{words.delete_keeps_scores}"
    got = await ana.tap(words.yes_delete, on=question)
    assert got[0].text == f"{words.delete_done}\n\n{words.delete_done_scores}"

    [kept] = bot.rows(CheckIn)  # the answered one; those still ahead are gone
    assert (kept.day, kept.status, kept.due_at) == (
        1,
        "answered",
        datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert (kept.sent_at, kept.answered_at, kept.claimed_by) == (None, None, None)
    holder = next(p for p in bot.rows(Participant) if p.id == kept.participant_id)
    assert holder.id != person_id and holder.telegram_id == -(holder.id or 0)
    assert holder.erased_at is not None and holder.label is None
    assert bot.rows(Answer) == []
    assert all(e.participant_id == person_id for e in bot.rows(AuditEntry))
    seen = len(ana.inbox())
    await bot.run_until(DAY_ONE + timedelta(days=40))
    assert len(ana.inbox()) == seen


async def test_purge_counts_then_deletes_only_the_long_silent(
    bot: RunningBot,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    now = utcnow()  # the command line runs on the real clock
    bot.clock.now = now - timedelta(days=400)
    await orient(bot.person(601), "Lee")  # silent ever since: the one to go
    await agree(bot.person(602))
    await bot.person(602).send(CRISIS)  # silent too, but with a flag nobody resolved
    await enrol(bot, bot.person(603), "b-2", zone="New York", time="6pm")
    with Session(bot.engine) as session:
        create_invite(
            session=session, label="never-used", now=bot.clock.now, valid_for=timedelta(days=14)
        )
        session.commit()
    bot.clock.now = now - timedelta(days=10)
    bot.companion.graduate("b-2", bot.clock.now.date())  # silent, with check-ins ahead
    await orient(bot.person(604), "Kim")  # in touch lately

    assert main(["purge", "--older-than", "365", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "participants with no contact for 365 days and nothing ahead: 1 (would be erased)",
        "unused invites older than 365 days: 1 (would be removed)",
        "dashboard links and sessions used up or ended: 0 (would be removed)",
        "dry run: nothing was changed",
    ]
    assert all(p.erased_at is None for p in bot.rows(Participant))

    assert main(["purge", "--older-than", "365"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "participants with no contact for 365 days and nothing ahead: 1 (erased)",
        "unused invites older than 365 days: 1 (removed)",
        "dashboard links and sessions used up or ended: 0 (removed)",
    ]
    remaining = {p.telegram_id for p in bot.rows(Participant)}
    assert 601 not in remaining and {602, 603, 604} <= remaining
    assert [i.label for i in bot.rows(Invite)] == ["b-2"]
    assert main(["purge", "--older-than", "365"]) == 0
    assert "nothing ahead: 0 (erased)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [[], ["--older-than", "soon"], ["--older-than", "0"], ["--older-than"]]
)
def test_purge_with_bad_arguments_is_one_plain_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["purge", *argv]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: --older-than must be a whole number of days, at least 1")


async def test_invites_expire(
    bot: RunningBot,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    texts = bot.companion.content.language("en").messages.texts
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    bot.clock.now = utcnow()
    assert main(["invite", "chart-1"]) == 0
    out = capsys.readouterr().out
    match = re.search(r"code:  (\S+)", out)
    assert match is not None
    [invite] = bot.rows(Invite)
    assert invite.expires_at is not None
    assert invite.expires_at - invite.created_at == timedelta(days=14)
    expires = invite.expires_at.astimezone(NEW_YORK)
    assert f"expires: {expires:%Y-%m-%d %H:%M} (America/New_York), unless used before" in out
    got = await bot.person(501).send(f"/start {match[1]}")  # fresh: it works
    assert got[0].text == fill(texts.invite_linked, clinic(bot))
    assert bot.participant(501).label == "chart-1"

    got = await bot.person(ADMIN).send("/invite chart-2")
    code = got[0].text.split("code ")[1].split()[0]
    until = (bot.clock.now + timedelta(days=14)).astimezone(NEW_YORK)
    assert got[0].text.endswith(f"It works once, until {until:%Y-%m-%d %H:%M}.")
    bot.clock.advance(days=14, seconds=1)
    got = await bot.person(502).send(f"/start {code}")  # too late: a kind word, and go on
    assert got[0].text == fill(texts.invite_expired, clinic(bot))
    assert got[1].text == welcome(bot)
    assert bot.participant(502).label is None


async def test_both_commands_are_in_help_and_the_menus(bot: RunningBot) -> None:
    for language in ("en", "es"):
        messages = bot.companion.content.language(language).messages
        assert "/mydata" in messages.texts.help and "/delete" in messages.texts.help
        menu = next(
            c["commands"]
            for c in bot.telegram.commands
            if c.get("language_code") == (None if language == "en" else language)
            and "scope" not in c
        )
        described = {c["command"]: c["description"] for c in menu}
        assert described["mydata"] == messages.commands.mydata
        assert described["delete"] == messages.commands.delete


def test_settings_for_deleting_and_invites() -> None:
    plain = Settings.from_env({})
    assert (plain.delete_mode, plain.invite_expiry_days) == ("erase", 14)
    chosen = Settings.from_env({"DELETE_MODE": "Anonymise", "INVITE_EXPIRY_DAYS": "3"})
    assert (chosen.delete_mode, chosen.invite_expiry_days) == ("anonymise", 3)
    with pytest.raises(SettingsError, match=r"^DELETE_MODE must be erase or anonymise"):
        Settings.from_env({"DELETE_MODE": "shred"})
    with pytest.raises(SettingsError, match=r"^INVITE_EXPIRY_DAYS must be a whole number"):
        Settings.from_env({"INVITE_EXPIRY_DAYS": "0"})
