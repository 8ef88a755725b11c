"""Two web processes on one PostgreSQL database: updates posted to either are answered in
order, and a sign-in link works once whichever process it reaches."""

from __future__ import annotations

import dataclasses

import pytest

from bot.config import Settings
from bot.models import ConsentRecord, DashboardSession
from bot.web.webhook import SECRET_HEADER, WEBHOOK_PATH
from tests.conftest import ADMIN, POSTGRES_URL, TEST_KEYS, BotFactory
from tests.test_polling import message
from tests.test_webhook import answer_from_queue
from tests.web import BASE, SECRET, client, dashboard_link, sign_in, web_app

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="set IOP_TEST_POSTGRES_URL (as .ci/run does) to test on PostgreSQL"
)


@pytest.fixture
def settings(settings: Settings, postgres_url: str) -> Settings:
    return dataclasses.replace(
        settings, database_url=postgres_url, encryption_keys=TEST_KEYS, web_base_url=BASE
    )


def tap(update_id: int, data: str) -> dict[str, object]:
    """A button tap as Telegram posts it to the webhook."""
    user = {"id": 55, "is_bot": False, "first_name": "Rio", "language_code": "en"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id), "from": user, "chat_instance": "1", "data": data,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 55, "type": "private"},
                        "text": "…"},
        },
    }  # fmt: skip


async def test_two_web_processes_on_postgres(start_bot: BotFactory) -> None:
    one, two = await start_bot(), await start_bot()
    updates = [
        message(1, 55, "/start"),
        tap(2, "s|consent|welcome|n"),
        tap(3, "s|consent|what_i_am|n"),
        tap(4, "s|consent|privacy|n"),
        tap(5, "s|consent|decide|0"),
    ]
    said: list[str] = []
    async with client(web_app(one)) as first, client(web_app(two)) as second:
        for number, update in enumerate(updates):
            bot, web = (one, first) if number % 2 == 0 else (two, second)
            got = await web.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: SECRET})
            assert got.status_code == 200
            said += [sent.text for sent in await answer_from_queue(bot)]
    assert "Thank you! Let's get started." in said
    assert len(one.rows(ConsentRecord)) == 1

    link = await dashboard_link(one, ADMIN)
    async with client(web_app(two)) as first, client(web_app(one)) as second:
        assert (await sign_in(first, link)).status_code == 303
        assert (await sign_in(second, link)).status_code == 403
    assert len(one.rows(DashboardSession)) == 1
