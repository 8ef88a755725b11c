"""An editor's new crisis pattern works as soon as staff reload the content."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot.config import Settings
from bot.models import Alert
from tests.conftest import RunningBot
from tests.journeys import orient

ROOT = Path(__file__).resolve().parent.parent
STAFF_ID = 9001
NEW_WORDS = "I want to go to the other side of the veil"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return dataclasses.replace(settings, content_dir=content, staff_ids=frozenset({STAFF_ID}))


async def test_a_new_pattern_catches_after_reload(bot: RunningBot, settings: Settings) -> None:
    texts = bot.companion.content.language("en").messages.texts
    alex = bot.person()
    await orient(alex)
    got = await alex.send(NEW_WORDS)
    assert got[0].text == texts.use_buttons
    crisis = settings.content_dir / "en" / "crisis.yaml"
    added = crisis.read_text().replace("\ncrisis:\n", "\ncrisis:\n  - other side ... veil\n")
    crisis.write_text(added)
    got = await bot.person(user_id=STAFF_ID).send("/reload")
    assert got[0].text.startswith(texts.reload_ok.split("{")[0])
    got = await alex.send(NEW_WORDS)
    assert got[0].text.splitlines()[0] == texts.crisis.splitlines()[0]
    assert [a.kind for a in bot.rows(Alert)] == ["crisis_language"]
