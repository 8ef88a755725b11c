"""The common ways a participant gets somewhere, as a person would tap through them."""

from __future__ import annotations

from tests.fake_telegram import Person


async def agree(person: Person) -> None:
    """From /start through the welcome and privacy cards to 'Yes, I agree'."""
    await person.send("/start")
    for _ in range(3):
        await person.tap("Next ▶")
    await person.tap("Yes, I agree")
    assert "call you" in person.last.text


async def orient(person: Person, name: str = "Sam") -> None:
    """Consent, then the whole orientation with right answers, ending at the menu."""
    await agree(person)
    await person.send(name)
    for _ in range(8):
        await person.tap("Next ▶")
    await person.tap("Call the clinic before it starts")
    await person.tap("Come anyway and tell their counselor")
    await person.tap("988 or 911")
    await person.tap("Eastern (New York)")
    await person.send("9am")
    await person.tap("Finish ✔")
    assert person.last.text == f"What would you like to do, {name}?"
