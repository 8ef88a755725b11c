"""The terminal preview: the same engine, content and database, buttons as numbers."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import TextIO

from bot.engine.companion import Companion
from bot.engine.types import Button, Delivered, Delivery, Incoming, Kind, Reply, plain

PREVIEW_USER_ID = 1
BATCH = 10
PROMPT = "> "
BANNER = (
    "IOP Companion, terminal preview. Type what you would send on Telegram; "
    "type a number to tap a button. Ctrl-D or /quit ends."
)


def parse_line(line: str, buttons: Sequence[Button]) -> Incoming | None:
    """What a typed line means: a command, a numbered button, or text."""
    text = plain(line).strip()
    if text.startswith("/"):
        name, _, rest = text[1:].partition(" ")
        if name.lower() == "start":
            return Incoming(Kind.START, rest.strip())
        return Incoming(Kind.COMMAND, name.lower(), args=tuple(rest.split()), rest=rest)
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return Incoming(Kind.BUTTON, buttons[int(text) - 1].data)
    return Incoming(Kind.TEXT, text) if text else None


def show(replies: Sequence[Reply], out: TextIO) -> list[Button]:
    """Print replies; number every button across them, in order."""
    buttons: list[Button] = []
    for reply in replies:
        out.write(f"\n{reply.text}\n")
        if reply.image is not None:
            with tempfile.NamedTemporaryFile(prefix="iop-chart-", suffix=".png", delete=False) as f:
                f.write(reply.image)
            out.write(f"  (a chart: {f.name})\n")
        for row in reply.buttons:
            for button in row:
                buttons.append(button)
                out.write(f"  [{len(buttons)}] {button.label}\n")
    out.flush()
    return buttons


def deliver_due(companion: Companion, user_id: int, out: TextIO) -> list[Button]:
    """What the bot would send this person on its own now: reminders, greetings, check-ins."""
    sweep = companion.sweep
    sweep.upkeep()
    buttons: list[Button] = []
    ran = [sweep.run_job(job) for job in sweep.claim_jobs(BATCH, telegram_id=user_id)]
    jobs = [outgoing for outgoing in ran if outgoing is not None]
    checkins = sweep.open_checkins(sweep.claim_checkins(BATCH, telegram_id=user_id))
    for outgoing in [*jobs, *checkins]:
        if outgoing.telegram_id != user_id:  # an alert for staff: its text, not its buttons
            for reply in outgoing.replies:
                out.write(f"\n(to staff, chat {outgoing.telegram_id}) {reply.text}\n")
            continue
        buttons = show(outgoing.replies, out)
    sweep.job_results([Delivered(o.ref, o.telegram_id, Delivery.SENT) for o in jobs])
    sweep.checkin_results([Delivered(o.ref, o.telegram_id, Delivery.SENT) for o in checkins])
    return buttons


def run_preview(
    companion: Companion,
    stdin: TextIO,
    out: TextIO,
    *,
    user_id: int = PREVIEW_USER_ID,
    language: str | None = None,
    start: str | None = None,
) -> None:
    """Chat in the terminal until end of input: from /start, or from the part given."""
    out.write(BANNER + "\n")
    buttons = show(companion.preview(user_id, language=language, start=start), out)
    while True:
        buttons = deliver_due(companion, user_id, out) or buttons
        out.write(PROMPT)
        out.flush()
        line = stdin.readline()
        if not line or line.strip() == "/quit":
            out.write("\nBye for now.\n")
            return
        incoming = parse_line(line, buttons)
        if incoming is not None:
            incoming, first_aid = companion.screen(user_id, incoming)
            buttons = show([*first_aid, *companion.handle(user_id, incoming).replies], out)
