"""Replies as Telegram messages: keyboards, pages of a long text, sending, editing in place,
taking buttons off."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from typing import Any

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.engine.sweep import Strips
from bot.engine.types import Button, Reply
from bot.telegram.limiter import URGENT

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption
TEXT_LIMIT = 4096  # Telegram's limit for a message's text
KEYBOARDS_KEPT = 1024  # keyboards kept ready to send
NOT_MODIFIED = "message is not modified"  # an edit that changes nothing: it is there already


class _Keyboard(InlineKeyboardMarkup):
    """An inline keyboard turned into the Bot API's JSON once, not at every message: the same
    rows (a 0 to 10 scale, the menu) go out again and again."""

    __slots__ = ("_json",)

    def __init__(self, rows: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        super().__init__(rows)
        with self._unfrozen():
            self._json = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        return dict(self._json)


@functools.lru_cache(maxsize=KEYBOARDS_KEPT)
def _keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return _Keyboard(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Rows of buttons as an inline keyboard."""
    return _keyboard(reply.buttons) if reply.buttons else None


def markup(reply: Reply) -> InlineKeyboardMarkup | ForceReply | None:
    """Rows of buttons as an inline keyboard, or a request for a typed reply."""
    return ForceReply() if reply.force_reply else keyboard(reply)


def pages(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """A text in pieces Telegram accepts: cut at line breaks, a very long line at a space."""
    done: list[str] = []
    page = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit) + 1 or limit
            done += [page, line[:cut]]
            page, line = "", line[cut:]
        joined = f"{page}\n{line}" if page else line
        if len(joined) > limit:
            done.append(page)
            joined = line
        page = joined
    done.append(page)
    return [p for p in done if p.strip()] or [text]


async def send(context: Context, chat_id: int, reply: Reply, *, urgent: bool = False) -> Message:
    """A message (in pages when it is long, the buttons on the last), or a picture or file with
    the text as its caption; returns the message that carries the buttons. `urgent` (the
    crisis lines) never waits for the database's rate limit."""
    limit: dict[str, Any] = {}
    if urgent and context.bot.rate_limiter is not None:
        limit["rate_limit_args"] = URGENT
    if reply.image is not None:
        return await context.bot.send_photo(
            chat_id, reply.image, caption=reply.text[:CAPTION_LIMIT], reply_markup=markup(reply),
            **limit,
        )  # fmt: skip
    if reply.document is not None:
        name, data = reply.document
        return await context.bot.send_document(
            chat_id, InputFile(data, filename=name), caption=reply.text[:CAPTION_LIMIT], **limit
        )
    *first, last = pages(reply.text)
    for page in first:
        await context.bot.send_message(chat_id, page, **limit)
    return await context.bot.send_message(chat_id, last, reply_markup=markup(reply), **limit)


async def edit(context: Context, chat_id: int, message_id: int, reply: Reply) -> bool:
    """Show a reply in place of an earlier message; False when it cannot be (too old, gone,
    too long, not text): then it is sent anew."""
    if reply.image or reply.document or reply.force_reply or len(reply.text) > TEXT_LIMIT:
        return False
    try:
        await context.bot.edit_message_text(
            reply.text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard(reply)
        )
    except BadRequest as error:
        return NOT_MODIFIED in error.message.lower()
    except TelegramError as error:
        log.info("a message was not edited: %s", type(error).__name__)
        return False
    return True


async def strip(context: Context, chat_id: int, message_ids: Sequence[int]) -> None:
    """Take the buttons off messages that are done; one too old or gone is left as it is."""
    for message_id in message_ids:
        try:
            await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError as error:
            log.info("buttons not taken off a message: %s", type(error).__name__)


async def strip_all(context: Context, strips: Strips) -> None:
    """Take the buttons off older messages in several chats at once."""
    await asyncio.gather(*(strip(context, chat, ids) for chat, ids in strips.items() if ids))
