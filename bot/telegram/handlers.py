"""Thin handlers: read the update, ask the companion, send what it says."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from telegram import (
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ContextTypes

from bot.engine.companion import Companion
from bot.engine.types import Delivered, Delivery, Incoming, Kind, Outgoing, Reply, plain
from bot.keyboards import Swap
from bot.telegram.afterwards import Afterwards
from bot.telegram.batches import Batches
from bot.telegram.rendering import edit, send, strip, strip_all
from bot.telegram.threads import DatabaseThreads

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
MAX_ARGS, MAX_ARG = 4, 64  # the words after a command that are read, and their length
BATCH = 100  # claimed at a time
GROUP = 20  # check-ins marked as being sent, and their results stored, in one transaction
IN_FLIGHT = 3  # groups between the two at once; a worker that dies leaves these 'unknown'
SENDING = 30  # check-ins on their way at once (a second of Telegram's limit)
TIDY_BATCH = 100  # turns whose live buttons are recorded in one transaction, at most
MAX_ROUNDS = 50  # batches a tick; what is left waits for the next tick


def _groups(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i : i + GROUP] for i in range(0, len(ids), GROUP)]


class Front:
    """The Telegram side of the companion."""

    def __init__(
        self, companion: Companion, threads: DatabaseThreads, afterwards: Afterwards,
        staff_chat_id: int | None = None,
    ) -> None:  # fmt: skip
        self.companion = companion
        self.threads = threads
        self.afterwards = afterwards
        self.staff_chat_id = staff_chat_id
        # Live buttons of the turns that end meanwhile, recorded in one transaction.
        self._tidy = Batches[Swap, list[int]](companion.tidy, most=TIDY_BATCH, threads=threads)

    async def _respond(
        self, update: Update, context: Context, kind: Kind, value: str = "",
        args: tuple[str, ...] = (), rest: str = "", tapped: int | None = None,
        acknowledge: Callable[[], Awaitable[None]] | None = None,
    ) -> str | None:  # fmt: skip
        """Run the turn and send its replies; returns a brief notice for the tap, if any. A tap
        with no notice to show is `acknowledge`d while the replies go out."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return None
        incoming = Incoming(
            kind, plain(value), update.update_id, user.language_code, args,
            chat.type != chat.PRIVATE, plain(rest),
        )  # fmt: skip
        shown: list[int] = []  # messages sent now that carry live buttons
        # Crisis first: the lines go out before the database is asked anything.
        incoming, first_aid = self.companion.screen(user.id, incoming)
        for reply in first_aid:
            try:
                message = await send(context, chat.id, reply, urgent=True)
                shown += [message.message_id] if reply.buttons else []
            except TelegramError as error:  # the turn still runs and records the flag
                log.warning("update %s: crisis lines not sent: %s",
                            update.update_id, type(error).__name__)  # fmt: skip
        # The engine talks to the database synchronously; keep the event loop free meanwhile.
        handled = await self.threads.run(self.companion.handle, user.id, incoming)
        notice = None
        silent = acknowledge is not None and not any(r.notice for r in handled.replies)
        acknowledged = asyncio.ensure_future(acknowledge()) if acknowledge and silent else None
        try:
            if incoming.in_group:
                await self._to_group(context, chat.id, user, handled.replies)
            else:  # a private chat: its id is the person's
                notice = await self._to_participant(
                    context, chat.id, handled.replies, shown, tapped
                )
        finally:
            if acknowledged is not None:
                await acknowledged
        if handled.alerted:  # a flag for staff goes out now, not at the next tick
            await self.sweep(context)
        return notice

    async def _to_participant(
        self, context: Context, chat_id: int, replies: Sequence[Reply], shown: list[int],
        tapped: int | None,
    ) -> str | None:  # fmt: skip
        """Send a turn's answer in a private chat so that only the newest message has live
        buttons: a card moving on replaces the tapped message, finished ones lose theirs.

        An answered question shows its answer in place while what follows is sent, so a tap
        on a question costs one round trip to Telegram, not two. Older messages lose their
        buttons only once the new ones are out (should sending fail, the old ones still work),
        and afterwards: the chat's next update need not wait for it."""
        done, notice, sent = [tapped] if tapped is not None else [], None, False
        bare: list[int] = []  # the tapped message, edited to show a reply without buttons
        side: list[asyncio.Future[None]] = []  # answers shown in place meanwhile
        try:
            for index, reply in enumerate(replies):
                if reply.notice:
                    notice = reply.text
                elif reply.replace and done and not bare and done[0] not in shown:
                    if not reply.buttons and index < len(replies) - 1:
                        # An answer shown in place needs no wait; should Telegram not edit
                        # it, the question just loses its buttons.
                        echo = self._in_place(context, chat_id, done[0], reply, bare)
                        side.append(asyncio.ensure_future(echo))
                        bare += done
                        await asyncio.sleep(0)  # it leaves first, so it usually lands first
                    elif await edit(context, chat_id, done[0], reply):
                        # The tapped message shows the reply now, its buttons with it.
                        if reply.buttons:
                            shown += done
                        else:
                            bare += done
                    else:
                        message = await send(context, chat_id, reply)
                        shown += [message.message_id] if reply.buttons else []
                else:
                    message = await send(context, chat_id, reply)
                    shown += [message.message_id] if reply.buttons else []
            sent = True
        finally:
            await asyncio.gather(*side)
            # A tap on an earlier message: done, unless it is the card showing where we are.
            stale = tapped if notice is not None else None
            done = [] if notice is not None else done
            gone = await self._tidy.ask(Swap(chat_id, shown, done, stale, answered=sent))
            old = [i for i in gone if i not in bare]
            if old:
                self.afterwards.start(strip(context, chat_id, old))
        # A second tap on a card that has already moved on needs no word.
        return notice if tapped in gone else None

    @staticmethod
    async def _in_place(
        context: Context, chat_id: int, message_id: int, reply: Reply, bare: list[int]
    ) -> None:
        """Show the reply in place of the message; if that fails, it is not bare after all."""
        if not await edit(context, chat_id, message_id, reply):
            bare.remove(message_id)  # so it is stripped with the others

    async def _to_group(
        self, context: Context, group: int, user: User, replies: Sequence[Reply]
    ) -> None:
        private = [reply for reply in replies if reply.private]
        for reply in replies:
            if not reply.private:
                await send(context, group, reply)
        if private:  # staff data asked for in the group goes to the asker alone
            await self._privately(context, group, user, private)

    async def _privately(
        self, context: Context, group: int, user: User, replies: Sequence[Reply]
    ) -> None:
        texts = self.companion.content.staff_texts(user.language_code).replies
        try:
            for reply in replies:
                await send(context, user.id, reply)
        except Forbidden:  # they never opened a private chat with the bot
            await context.bot.send_message(group, texts.open_private_chat)
            return
        await context.bot.send_message(group, texts.sent_privately)

    async def start(self, update: Update, context: Context) -> None:
        """/start, with an invite code from a t.me deep link: consent, or back to where we were."""
        await self._respond(update, context, Kind.START, (context.args or [""])[0][:64])

    async def command(self, update: Update, context: Context) -> None:
        """/help, /menu, /crisis, /stop, /language; anything else gets a kind 'unknown'."""
        words = (update.effective_message.text if update.effective_message else None) or "/"
        name, rest = (*words.split(maxsplit=1), "")[:2]
        args = tuple(word[:MAX_ARG] for word in rest.split()[:MAX_ARGS])
        name = name[1:].split("@")[0].lower()
        await self._respond(update, context, Kind.COMMAND, name, args, rest)

    async def button(self, update: Update, context: Context) -> None:
        """A tapped button: the engine checks it belongs to where the participant is."""
        query = update.callback_query
        if query is None:
            return
        notice, answered = None, False

        async def answer(text: str | None = None) -> None:
            nonlocal answered
            answered = True
            try:
                await query.answer(text)
            except TelegramError as error:  # e.g. "query is too old" after downtime
                log.info("update %s: the tap was not acknowledged: %s",
                         update.update_id, type(error).__name__)  # fmt: skip

        try:
            chat = query.message.chat if query.message else None
            if chat is not None and (chat.type == "private" or chat.id == self.staff_chat_id):
                tapped = query.message.message_id if query.message else None
                notice = await self._respond(
                    update, context, Kind.BUTTON, query.data or "", tapped=tapped,
                    acknowledge=answer,
                )  # fmt: skip
        finally:
            if not answered:
                await answer(notice)

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
        await self.threads.run(self.companion.record_late_alerts)
        sweep = self.companion.sweep
        await self.threads.run(sweep.upkeep)
        # Until nothing is due: a job may plan another for now (an alert, then its deliveries).
        for _ in range(MAX_ROUNDS):
            claimed = await self.threads.run(sweep.claim_jobs, BATCH)
            for group in _groups(claimed):
                ran = [await self.threads.run(sweep.run_job, job_id) for job_id in group]
                sent = await self.deliver_all(context, [o for o in ran if o is not None])
                await strip_all(context, await self.threads.run(sweep.job_results, sent))
            if not claimed:
                break
        await self._checkins(context)

    async def _checkins(self, context: Context) -> None:
        """Claim due check-ins BATCH at a time and send them SENDING at once, while groups
        are made ready and stored around them; the next batch is claimed once the last group
        of this one is under way. Each group is marked as being sent just before it goes, at
        most IN_FLIGHT groups until their results are stored: if this worker dies, only those
        are 'unknown'; the rest of the claim goes back to waiting."""
        sweep = self.companion.sweep
        window, gate = asyncio.Semaphore(IN_FLIGHT), asyncio.Semaphore(SENDING)
        failed: list[BaseException] = []

        async def one(item: Outgoing) -> Delivered:
            async with gate:
                return await self.deliver(context, item)

        async def one_group(ids: Sequence[int], started: asyncio.Event) -> None:
            try:
                async with window:
                    started.set()
                    if failed:  # one group failing stops those not yet started, as death would
                        return
                    opened = await self.threads.run(sweep.open_checkins, ids)
                    sent = await asyncio.gather(*(one(item) for item in opened))
                    gone = await self.threads.run(sweep.checkin_results, sent)
                await strip_all(context, gone)
            except BaseException as error:
                failed.append(error)
                raise

        tasks: list[asyncio.Future[None]] = []
        for _ in range(MAX_ROUNDS):
            claimed = await self.threads.run(sweep.claim_checkins, BATCH)
            started = asyncio.Event()
            for ids in _groups(claimed):
                started = asyncio.Event()
                tasks.append(asyncio.ensure_future(one_group(ids, started)))
            if len(claimed) < BATCH:
                break
            await started.wait()
            if failed:
                break
        await asyncio.gather(*tasks, return_exceptions=True)
        if failed:
            raise failed[0]

    async def deliver_all(self, context: Context, outgoing: Sequence[Outgoing]) -> list[Delivered]:
        """Send to several participants at once (the rate limiter paces them), one after another
        to the same person, so the last message keeps its live buttons; say what came of each."""

        async def in_turn(items: Sequence[Outgoing]) -> list[Delivered]:
            return [await self.deliver(context, item) for item in items]

        per_person: dict[int, list[Outgoing]] = {}
        for item in outgoing:
            per_person.setdefault(item.telegram_id, []).append(item)
        done = await asyncio.gather(*(in_turn(items) for items in per_person.values()))
        return [result for results in done for result in results]

    async def deliver(self, context: Context, outgoing: Outgoing) -> Delivered:
        """Send one participant's messages; say what Telegram made of them."""
        shown: list[int] = []

        def came(outcome: Delivery, wait: float = 0.0) -> Delivered:
            return Delivered(outgoing.ref, outgoing.telegram_id, outcome, wait, tuple(shown))

        try:
            for reply in outgoing.replies:
                message = await send(context, outgoing.telegram_id, reply)
                shown += [message.message_id] if reply.buttons else []
        except Forbidden:
            return came(Delivery.BLOCKED)
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            return came(Delivery.RETRY, seconds)
        except BadRequest as error:  # before NetworkError, which it extends
            log.warning("Telegram refused a message: %s", type(error).__name__)
            return came(Delivery.FAILED)
        except NetworkError:  # includes TimedOut: the message may or may not have arrived
            return came(Delivery.UNKNOWN)
        except TelegramError as error:
            log.warning("Telegram refused a message: %s", type(error).__name__)
            return came(Delivery.FAILED)
        return came(Delivery.SENT)

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
