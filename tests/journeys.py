"""The common ways a participant gets somewhere, as a person would tap through them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from bot.config import DEFAULT_INVITE_EXPIRY_DAYS
from bot.models import InviteStage
from bot.participants import create_invite
from tests.conftest import RunningBot
from tests.fake_telegram import Person


async def agree(person: Person, start: str = "/start") -> None:
    """From /start through the welcome and privacy cards to 'Yes, I agree'."""
    await person.send(start)
    for _ in range(3):
        await person.tap("Next ▶")
    await person.tap("Yes, I agree")
    assert "call you" in person.last.text


async def orient(
    person: Person, name: str = "Sam", *, zone: str | None = None, time: str = "9am",
    start: str = "/start",
) -> None:  # fmt: skip
    """Consent, then the whole orientation with right answers, ending at the menu; the time
    zone is the Eastern button unless one is typed."""
    await agree(person, start)
    await person.send(name)
    for _ in range(8):
        await person.tap("Next ▶")
    await person.tap("Call the clinic before it starts")
    await person.tap("Come anyway and tell their counselor")
    await person.tap("988 or 911")
    if zone is None:
        await person.tap("Eastern (New York)")
    else:
        await person.send(zone)
    await person.send(time)
    await person.tap("Finish ✔")
    assert person.last.text == f"What would you like to do, {name}?"


def invite(bot: RunningBot, label: str, stage: InviteStage = InviteStage.ORIENTATION) -> str:
    """Staff invite a participant known as `label`; the invite's code."""
    with Session(bot.engine) as session:
        made = create_invite(
            session=session, label=label, now=bot.clock.now,
            valid_for=timedelta(days=DEFAULT_INVITE_EXPIRY_DAYS), stage=stage,
        )  # fmt: skip
        session.commit()
        return made.code


async def enrol(bot: RunningBot, person: Person, label: str, *, zone: str, time: str) -> None:
    """Staff invite a participant, who opens the link, agrees and finishes orientation."""
    code = invite(bot, label)
    await orient(person, label.title(), zone=zone, time=time, start=f"/start {code}")


async def answer_checkin(person: Person, *, note: str = "All good") -> None:
    """Answer every question of the open check-in with its first button (or a note)."""
    while True:
        question = person.last
        if question.text.startswith("Thank you") or question.text.startswith("Thanks"):
            return
        if question.labels == ["Skip"]:
            await person.send(note)
        elif question.buttons and question.buttons[0][0][1].startswith("q|"):
            polite = "Not right now" if "Not right now" in question.labels else question.labels[0]
            await person.tap(polite)
        else:
            raise AssertionError(f"not a check-in question: {question.text!r}")
