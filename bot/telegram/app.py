"""Wiring: one function builds the Telegram application from settings and a companion."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import signal
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.content.loader import DEFAULT_LANGUAGE
from bot.engine.companion import Companion
from bot.telegram.afterwards import Afterwards
from bot.telegram.handlers import Front
from bot.telegram.heartbeat import Heartbeat
from bot.telegram.limiter import SharedRateLimiter
from bot.telegram.ordering import PerChatUpdates
from bot.telegram.threads import for_database
from bot.telegram.updates import ReadableUpdates

log = logging.getLogger(__name__)
App = Application[Any, Any, Any, Any, Any, Any]

SWEEP = "sweep"
SWEEP_SECONDS = 60


def build_application(
    settings: Settings,
    companion: Companion,
    *,
    request: BaseRequest | None = None,
    token: str | None = None,
    heartbeat: Heartbeat | None = None,
    afterwards: Afterwards | None = None,
) -> App:
    """The bot: handlers in the order they must win, and the reminder clock. What follows a
    turn's answer goes to `afterwards` (a test awaits it); `post_stop` waits for it."""
    afterwards = afterwards or Afterwards()
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(token or settings.telegram_token or "")
        .base_url(f"{settings.api_base_url}/bot")
        .base_file_url(f"{settings.api_base_url}/file/bot")
        # Many people at once, each person's updates in order; polling and webhooks alike.
        .concurrent_updates(PerChatUpdates())
    )
    threads = for_database(settings.database_url)
    if settings.rate_limit:  # one limit for all workers together, kept in the database
        builder = builder.rate_limiter(SharedRateLimiter(companion, settings.rate_limit, threads))
    if request is not None:
        builder = builder.request(request)
    polling = request or HTTPXRequest(connection_pool_size=1)  # as the library's default
    builder = builder.get_updates_request(ReadableUpdates(polling))

    async def post_init(application: App) -> None:
        # Invite links name the bot; Telegram says its username when none is configured.
        username = settings.bot_username or application.bot.username
        companion.desk = dataclasses.replace(companion.desk, bot_username=username)
        await register_commands(application.bot, companion, settings.staff_chat_id)

    async def post_stop(_: App) -> None:
        await afterwards.settled()

    async def post_shutdown(_: App) -> None:
        threads.close()

    application = (
        builder.post_init(post_init).post_stop(post_stop).post_shutdown(post_shutdown).build()
    )
    front = Front(companion, threads, afterwards, settings.staff_chat_id)
    # Only new messages in private chats; edits are answered by their own handler.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    edited = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE

    # Group 0, first match wins. Commands come before anything else, so /crisis, /help,
    # /stop and the rest always win over whatever step the participant is on.
    application.add_handler(CommandHandler("start", front.start, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, front.command))
    application.add_handler(CallbackQueryHandler(front.button))
    application.add_handler(MessageHandler(edited, front.edited))
    application.add_handler(MessageHandler(private & filters.TEXT, front.text))
    application.add_handler(MessageHandler(private, front.other))
    if settings.staff_chat_id is not None:
        # In the staff group: commands, and typed replies to the bot (a note that resolves an
        # alert); Telegram's privacy mode keeps other group talk away from the bot.
        group = filters.Chat(settings.staff_chat_id) & filters.UpdateType.MESSAGE
        application.add_handler(MessageHandler(group & filters.COMMAND, front.command))
        application.add_handler(MessageHandler(group & filters.TEXT & filters.REPLY, front.text))
    application.add_error_handler(front.error)

    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    # The scheduler is only a clock: the sweep asks the database what is due.
    sweep = front.sweep if heartbeat is None else heartbeat.around(front.sweep)
    application.job_queue.run_repeating(sweep, interval=SWEEP_SECONDS, first=5, name=SWEEP)
    return application


async def register_commands(bot: Bot, companion: Companion, staff_chat_id: int | None) -> None:
    """The command menus: participants' in every language, staff's in staff chats only."""
    content = companion.content
    try:
        for code, language in sorted(content.languages.items()):
            commands = [BotCommand(name, words) for name, words in language.messages.commands]
            await bot.set_my_commands(
                commands, language_code=None if code == DEFAULT_LANGUAGE else code
            )
        staff = [BotCommand(n, w) for n, w in content.staff_texts(DEFAULT_LANGUAGE).commands]
        chats = await asyncio.to_thread(companion.desk.staff_ids)
        for chat in sorted({*chats, *([staff_chat_id] if staff_chat_id is not None else [])}):
            await bot.set_my_commands(staff, scope=BotCommandScopeChat(chat))
    except TelegramError as error:  # the bot works without menus; say so and go on
        log.warning("could not register the command menus: %s", type(error).__name__)


def run_polling(settings: Settings, companion: Companion) -> None:
    """Run on Telegram until interrupted."""
    build_application(settings, companion).run_polling(allowed_updates=Update.ALL_TYPES)


def run_sweeper(settings: Settings, companion: Companion) -> None:
    """Only the clock and the sweep, no polling: extra workers beside the one that polls."""

    async def sweep_until_stopped() -> None:
        application = build_application(settings, companion)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with application:
            await application.start()
            await stop.wait()
            await application.stop()

    asyncio.run(sweep_until_stopped())
