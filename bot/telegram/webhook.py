"""Telegram's side of the webhook: updates posted by Telegram into the application's queue
(as in PTB's custom-webhook example), and setting or deleting the webhook."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.config import Settings
from bot.telegram.app import App
from bot.telegram.updates import readable


class Refused(Exception):
    """Telegram refused; the message names the kind of error, never the token."""


async def feed(application: App, body: Any) -> None:
    """Queue a posted update for the handlers; one the library cannot read goes on with its id
    alone, as in polling."""
    update = readable(body)
    if update is not None:
        await application.update_queue.put(Update.de_json(update, application.bot))


async def set_webhook(settings: Settings, *, token: str, secret: str, url: str) -> None:
    """Tell Telegram to post every update to `url`, with the secret header."""
    try:
        async with Bot(token, base_url=f"{settings.api_base_url}/bot") as bot:
            await bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    except TelegramError as error:
        raise Refused(type(error).__name__) from None


async def delete_webhook(settings: Settings, *, token: str) -> None:
    """Back to polling: Telegram keeps updates for getUpdates again."""
    try:
        async with Bot(token, base_url=f"{settings.api_base_url}/bot") as bot:
            await bot.delete_webhook()
    except TelegramError as error:
        raise Refused(type(error).__name__) from None
