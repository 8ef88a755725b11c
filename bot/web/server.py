"""`python -m bot web`: the bot on a webhook and the staff dashboard in one process, served by
uvicorn."""

from __future__ import annotations

import asyncio

import uvicorn

from bot.config import Settings
from bot.engine.companion import Companion
from bot.telegram.app import build_application
from bot.telegram.heartbeat import Heartbeat
from bot.web.app import create_app
from bot.web.webhook import WEBHOOK_PATH


def run_web(settings: Settings, companion: Companion, secret: str) -> None:
    """Serve until interrupted: the Application runs without polling (Telegram posts the
    updates), and its clock runs the sweep here too."""
    heartbeat = Heartbeat()
    application = build_application(settings, companion, heartbeat=heartbeat)
    web = create_app(companion.desk, application=application, secret=secret, heartbeat=heartbeat)
    # No access log: paths carry sign-in links and participant labels.
    config = uvicorn.Config(
        web, host="0.0.0.0", port=settings.port, access_log=False, proxy_headers=True
    )

    async def serve() -> None:
        async with application:
            assert application.post_init is not None
            await application.post_init(application)  # as run_polling does once initialised
            await application.start()
            await uvicorn.Server(config).serve()
            await application.stop()
            assert application.post_stop is not None
            await application.post_stop(application)  # as run_polling does once stopped

    asyncio.run(serve())


def webhook_url(base: str) -> str:
    """Where Telegram posts updates, under the web server's public address."""
    return f"{base.rstrip('/')}{WEBHOOK_PATH}"
