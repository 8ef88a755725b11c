"""Staff reload content without a restart; broken content never replaces working content."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from tests.conftest import RunningBot
from tests.fake_telegram import Person
from tests.journeys import agree

ROOT = Path(__file__).resolve().parent.parent
STAFF_ID = 9001


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return dataclasses.replace(settings, content_dir=content, staff_ids=frozenset({STAFF_ID}))


async def _at_rules(bot: RunningBot) -> Person:
    alex = bot.person()
    await agree(alex)
    await alex.send("Sam")
    for _ in range(3):
        await alex.tap("Next ▶")
    assert "A few rules" in alex.last.text
    return alex


async def test_broken_reload_keeps_the_old_content(bot: RunningBot, settings: Settings) -> None:
    alex = await _at_rules(bot)
    rules = settings.content_dir / "en" / "flows" / "orientation.yaml"
    rules.write_text(
        rules.read_text().replace(
            "  - id: expectations\n", "  - id: expectations\n    nxet: done\n"
        )
    )
    staff = bot.person(user_id=STAFF_ID)
    got = await staff.send("/reload")
    line = next(i for i, text in enumerate(rules.read_text().splitlines(), 1) if "nxet" in text)
    assert got[0].text == (
        "The new content has problems, so I kept the old content. Please fix these:\n"
        f"content/en/flows/orientation.yaml:{line}: 'steps.5.nxet' is not a known field here; "
        "check the spelling"
    )
    got = await alex.tap("Next ▶")
    assert "What we ask of you" in got[0].text
    # Staff are not participants: nothing was stored about them.
    assert [p.telegram_id for p in bot.rows(type(bot.participant()))] == [alex.user_id]


async def test_reload_swaps_at_once_and_moves_people_off_removed_steps(
    bot: RunningBot, settings: Settings
) -> None:
    alex = await _at_rules(bot)
    for language in ("en", "es"):
        flow = settings.content_dir / language / "flows" / "orientation.yaml"
        text = flow.read_text()
        start = text.index("  - id: rules\n")
        end = text.index("  - id: expectations\n")
        flow.write_text(text[:start] + text[end:])
    welcome = settings.content_dir / "en" / "messages.yaml"
    welcome.write_text(welcome.read_text().replace("Welcome back, {name}!", "Hello again, {name}!"))
    got = await bot.person(user_id=STAFF_ID).send("/reload")
    assert got[0].text == "New content is live: 2 languages, 64 flows."

    got = await alex.tap("Next ▶")  # the step this button belongs to is gone
    assert got[0].text == "That button is from an earlier message. Here is where we are now."
    assert "three kinds of sessions" in got[1].text  # back the way they came
    got = await alex.send("/start")
    assert got[0].text == "Hello again, Sam! Here is where we left off."


async def test_reload_is_only_for_staff(bot: RunningBot) -> None:
    got = await bot.person().send("/reload")
    assert got[0].text.startswith("I don't know that command")
