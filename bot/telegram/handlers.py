"""Thin handlers: read the update, ask the companion, send what it says."""

from __future__ import annotations

import asyncio
import logging
import traceback
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.engine.companion import Companion
from bot.engine.types import Delivery, Incoming, Kind, Outgoing, Reply

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
CAPTION_LIMIT = 1024  # Telegram's limit for a photo's caption
CHECKIN_BATCH = 100  # check-ins claimed at a time; the rest wait for the next batch


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """Rows of buttons as an inline keyboard."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send(context: Context, chat_id: int, reply: Reply) -> None:
    """A message, or a picture with the text as its caption."""
    if reply.image is not None:
        await context.bot.send_photo(
            chat_id, reply.image, caption=reply.text[:CAPTION_LIMIT], reply_markup=markup(reply)
        )
    else:
        await context.bot.send_message(chat_id, reply.text, reply_markup=markup(reply))


class Front:
    """The Telegram side of the companion."""

    def __init__(self, companion: Companion) -> None:
        self.companion = companion

    async def _respond(self, update: Update, context: Context, kind: Kind, value: str = "") -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        incoming = Incoming(kind, value, update.update_id, user.language_code)
        # The engine talks to the database synchronously; keep the event loop free meanwhile.
        replies = await asyncio.to_thread(self.companion.handle, user.id, incoming)
        for reply in replies:
            await send(context, chat.id, reply)

    async def start(self, update: Update, context: Context) -> None:
        """/start, with an invite code from a t.me deep link: consent, or back to where we were."""
        await self._respond(update, context, Kind.START, (context.args or [""])[0][:64])

    async def command(self, update: Update, context: Context) -> None:
        """/help, /menu, /crisis, /stop, /language; anything else gets a kind 'unknown'."""
        text = update.effective_message.text if update.effective_message else None
        name = (text or "/").split()[0][1:].split("@")[0].lower()
        await self._respond(update, context, Kind.COMMAND, name)

    async def button(self, update: Update, context: Context) -> None:
        """A tapped button: the engine checks it belongs to where the participant is."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        if query.message is None or query.message.chat.type != "private":
            return
        await self._respond(update, context, Kind.BUTTON, query.data or "")

    async def text(self, update: Update, context: Context) -> None:
        """Typed text: screened for crisis language, then given to the current step."""
        message = update.effective_message
        await self._respond(update, context, Kind.TEXT, (message.text or "") if message else "")

    async def edited(self, update: Update, context: Context) -> None:
        """An edited message: screened, then the participant is asked to send it anew."""
        message = update.effective_message
        await self._respond(
            update, context, Kind.EDITED, (message.text or message.caption or "") if message else ""
        )

    async def other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice notes and the rest: a kind word, the caption still screened."""
        message = update.effective_message
        await self._respond(update, context, Kind.MEDIA, (message.caption or "") if message else "")

    async def sweep(self, context: Context) -> None:
        """The clock tick: send what is due; the database says what that is."""
        later = await asyncio.to_thread(self.companion.due_reminders)
        upkeep = await asyncio.to_thread(self.companion.upkeep)
        for outgoing in [*(Outgoing(t, r) for t, r in later), *upkeep]:
            if await self.deliver(context, outgoing) is Delivery.BLOCKED:
                await asyncio.to_thread(self.companion.mark_unreachable, outgoing.telegram_id)
        # Results are stored once per batch: a worker that dies mid-batch leaves its claimed
        # rows 'sending', and upkeep marks them 'unknown' for review rather than resending.
        while batch := await asyncio.to_thread(self.companion.claim_checkins, CHECKIN_BATCH):
            results = []
            for outgoing in batch:
                assert outgoing.checkin_id is not None
                retry_after: list[float] = []
                outcome = await self.deliver(context, outgoing, retry_after)
                results.append((outgoing.checkin_id, outcome, sum(retry_after)))
            await asyncio.to_thread(self.companion.checkin_results, results)
            if len(batch) < CHECKIN_BATCH:
                break

    async def deliver(
        self, context: Context, outgoing: Outgoing, retry_after: list[float] | None = None
    ) -> Delivery:
        """Send one participant's messages; say what Telegram made of them."""
        try:
            for reply in outgoing.replies:
                await send(context, outgoing.telegram_id, reply)
        except Forbidden:
            return Delivery.BLOCKED
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            if retry_after is not None:
                retry_after.append(seconds)
            return Delivery.RETRY
        except BadRequest as error:  # before NetworkError, which it extends
            log.warning("Telegram refused a message: %s", type(error).__name__)
            return Delivery.FAILED
        except NetworkError:  # includes TimedOut: the message may or may not have arrived
            return Delivery.UNKNOWN
        except TelegramError as error:
            log.warning("Telegram refused a message: %s", type(error).__name__)
            return Delivery.FAILED
        return Delivery.SENT

    async def error(self, update: object, context: Context) -> None:
        """Log what failed (never message text) and tell the person something went wrong."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        # Exception messages can quote what a person typed (SQL parameters, for one): log the
        # type and where it happened, not the message.
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("update %s failed with %s\n%s", update_id, type(error).__name__, frames)
        if isinstance(update, Update) and update.effective_chat is not None:
            user = update.effective_user
            language = self.companion.content.language(user.language_code if user else None)
            await context.bot.send_message(update.effective_chat.id, language.messages.texts.error)
