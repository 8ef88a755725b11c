"""The participant's data rights: /mydata shows everything kept about them, /delete removes it.

A /delete question is a `delete_offer` row in scheduled_message carrying a one-time code, open
for an hour; only a Yes that carries the code of an open question deletes. Any other tap (an
old button, a forged one, one after the data is gone) is answered kindly and changes nothing."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot import scheduled
from bot.content.checks import MAX_TEXT
from bot.engine import callbacks as cb
from bot.engine.navigator import Navigator
from bot.engine.registry import Feature, Job, Tap
from bot.engine.steps import fill
from bot.engine.types import Button, Reply
from bot.models import ScheduledMessage
from bot.rights import erasure
from bot.rights.erasure import Mode
from bot.rights.report import report

OFFER = "delete_offer"  # the scheduled kind of an open /delete question; payload: its code
ANSWER = "del"  # del|yes|code, del|no|code
YES, NO = "yes", "no"
OFFER_OPEN = timedelta(hours=1)
FILE_NAME = "my-data-{}.txt"


def mydata(nav: Navigator) -> list[Reply]:
    """/mydata: everything kept about the participant; a file when it is too long for a message."""
    ctx = nav.ctx
    text = report(ctx)
    if len(text) <= MAX_TEXT:
        return [Reply(text, ctx.carry_on_row())]
    name = FILE_NAME.format(ctx.now.astimezone(ctx.zone()).date().isoformat())
    caption = ctx.lang.messages.rights.mydata_file
    return [Reply(caption, document=(name, text.encode())), ctx.say("carry_on", carry_on=True)]


def feature(mode: Mode) -> Feature:
    """/mydata and /delete, deleting per DELETE_MODE."""

    def ask(nav: Navigator) -> list[Reply]:
        """/delete: what goes and what stays, then Yes, delete / No, keep."""
        ctx = nav.ctx
        words = ctx.lang.messages.rights
        code = secrets.token_urlsafe(6)
        ctx.schedule(OFFER, ctx.now + OFFER_OPEN, payload=code, replace=True)
        text = fill(words.delete_ask, ctx.values())
        if erasure.keeps(session=ctx.session, participant=ctx.participant, mode=mode):
            text += f"\n\n{words.delete_keeps_scores}"
        buttons = (
            Button(words.yes_delete, cb.encode(ANSWER, YES, code)),
            Button(words.no_keep, cb.encode(ANSWER, NO, code)),
        )
        return [Reply(text, (buttons,))]

    def answer(nav: Navigator, choice: str, code: str) -> list[Reply]:
        """Yes deletes, No keeps; only for the open question whose code the button carries."""
        ctx = nav.ctx
        words = ctx.lang.messages.rights
        offer = scheduled.waiting(
            session=ctx.session, participant_id=ctx.participant_id, kind=OFFER
        )
        asked = offer is not None and offer.payload == code and offer.due_at > ctx.now
        if not asked or choice not in (YES, NO):
            return [Reply(words.delete_stale), *nav.current()]
        if choice == NO:
            ctx.cancel(OFFER)
            return [Reply(words.delete_kept, ctx.carry_on_row())]
        kept = erasure.erase(
            session=ctx.session, participant=ctx.participant, mode=mode, now=ctx.now
        )
        done = fill(words.delete_done, ctx.values())
        return [Reply(f"{done}\n\n{words.delete_done_scores}" if kept else done)]

    def lapse(nav: Navigator, job: ScheduledMessage) -> list[Reply]:
        """An hour has passed: the question closes without a word."""
        return []

    return Feature(
        name="rights",
        commands={"mydata": mydata, "delete": ask},
        # They work even while messages are stopped: leaving must never need /start first.
        buttons={ANSWER: Tap(2, answer, anytime=True)},
        jobs={OFFER: Job(lapse)},
    )
