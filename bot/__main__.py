"""Command line: run the bot (polling, or on a webhook with the staff dashboard), preview it,
invite and graduate participants, export, purge, rekey, check."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot import participants
from bot.checkins.feature import GraduationRefused
from bot.config import Settings, SettingsError
from bot.console import PREVIEW_USER_ID, run_preview
from bot.content.loader import DEFAULT_LANGUAGE, Content, ContentError, load_content
from bot.db import CannotOpen, open_database, rekey, session_factory
from bot.engine.companion import build_companion
from bot.features import build_registry
from bot.models import InviteStage, utcnow
from bot.rights import erasure
from bot.staff import signin
from bot.staff.export import write_checkin_csv


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run on Telegram (the terminal preview when no token is set)")
    commands.add_parser("sweep", help="another worker: send what is due, without polling")
    commands.add_parser("web", help="the bot on a webhook, and the staff dashboard, on $PORT")
    webhook = commands.add_parser("webhook", help="set or delete the bot's webhook at Telegram")
    webhook.add_argument("action", choices=["set", "delete"])
    webhook.add_argument("url", nargs="?", help="the web server's public https address")
    preview = commands.add_parser("preview", help="chat with the bot in this terminal")
    preview.add_argument("--user", type=int, default=PREVIEW_USER_ID, help="pretend Telegram id")
    preview.add_argument("--lang", help="language folder to preview, e.g. es")
    preview.add_argument(
        "--start", help="where to begin: a flow (lessons), a step (orientation:rules), lesson:halt"
    )
    invite = commands.add_parser("invite", help="make a one-time invite link for a participant")
    invite.add_argument("label", help="how staff will know this participant, e.g. a chart number")
    # Read as text and checked here, so a mistake is one plain line, not argparse's usage.
    invite.add_argument(
        "--stage", default=InviteStage.ORIENTATION.value,
        help="where they start after consent: intake (before their assessment) or orientation",
    )  # fmt: skip
    graduate = commands.add_parser("graduate", help="mark a participant graduated")
    graduate.add_argument("label", help="the participant's label, as given to `invite`")
    graduate.add_argument(
        "--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
    )
    export = commands.add_parser("export", help="write check-in answers as CSV (42 CFR Part 2)")
    export.add_argument(
        "--since", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: all)"
    )
    export.add_argument("--out", type=Path, default=None, help="a new file (default: print)")
    commands.add_parser("rekey", help="encrypt every stored value again with the first key")
    purge = commands.add_parser(
        "purge", help="delete the data of participants with no contact for DAYS days"
    )
    # Read as text and checked here, so a mistake is one plain line, not argparse's usage.
    purge.add_argument(
        "--older-than", metavar="DAYS", nargs="?", default="", const="", help="days without contact"
    )
    purge.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    content = commands.add_parser("content", help="work with the content folder")
    content.add_argument("action", choices=["check"])
    return parser


class Fail(Exception):
    """Stop with plain lines and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _content(settings: Settings) -> Content:
    try:
        return load_content(settings.content_dir, build_registry().needs())
    except ContentError as error:
        raise Fail(str(error), 1) from None


def _engine(settings: Settings) -> sa.Engine:
    try:
        return open_database(
            settings.database_url, settings.encryption_keys, settings.sqlite_synchronous
        )
    except CannotOpen as error:
        raise Fail(f"error: {error}", 2) from None


def content_check(settings: Settings) -> int:
    """Every problem as file:line: message; exit 1 on errors, 0 with warnings only."""
    content = _content(settings)
    try:
        with session_factory(_engine(settings))() as session:
            problems = content.check_stored_answers(
                participants.answered_questions(session=session)
            )
    except Fail as error:
        print(f"warning: stored answers were not checked: {error}".replace("error: ", ""))
        problems = []
    for warning in content.warnings:
        print(warning)
    print_reading_level(settings.content_dir, sorted(content.languages))
    if problems:
        raise Fail("\n".join(str(p) for p in problems), 1)
    flows = sum(len(language.flows) for language in content.languages.values())
    print(f"content OK: {len(content.languages)} language(s), {flows} flows")
    return 0


def print_reading_level(root: Path, codes: list[str]) -> None:
    """Texts over the reading level as warnings, and the hardest few, with file:line."""
    from bot.content import readability  # textstat is only needed for this check

    for code in codes:
        texts = readability.ranked(root, code)
        for problem in readability.too_hard(texts, code):
            print(problem)
        worst = ", ".join(f"{t.where} ({readability.score(code, t.text)})" for _, t in texts[:3])
        if worst:
            print(f"reading level, the hardest '{code}' texts: {worst}")


def invite(settings: Settings, label: str, stage: str) -> int:
    """Make a one-time invite and print its code and t.me link."""
    if stage not in set(InviteStage):
        stages = " or ".join(s.value for s in InviteStage)
        raise Fail(f"error: --stage must be {stages} (not {stage!r})", 2)
    with session_factory(_engine(settings))() as session:
        try:
            made = participants.create_invite(
                session=session, label=label, now=utcnow(),
                valid_for=timedelta(days=settings.invite_expiry_days), stage=InviteStage(stage),
            )  # fmt: skip
        except ValueError as error:
            raise Fail(f"error: {error}", 1) from None
        session.commit()
    bot_name = settings.bot_username or "<your bot's username>"
    assert made.expires_at is not None
    expires = made.expires_at.astimezone(ZoneInfo(settings.default_timezone))
    print(f"label: {made.label}\ncode:  {made.code}")
    print(f"link:  https://t.me/{bot_name}?start={made.code}")
    print(f"expires: {expires:%Y-%m-%d %H:%M} ({settings.default_timezone}), unless used before")
    if not settings.bot_username:
        print("(set TELEGRAM_BOT_USERNAME to print the full link)")
    return 0


def graduate(settings: Settings, label: str, on: date | None) -> int:
    """Mark a participant graduated; the running bot congratulates them and plans check-ins."""
    companion = build_companion(
        settings, session_factory(_engine(settings)), content=_content(settings)
    )
    day = on or datetime.now(ZoneInfo(settings.default_timezone)).date()
    try:
        planned = companion.graduate(label, day)
    except GraduationRefused as error:
        raise Fail(f"error: {error.plain()}", 1) from None
    print(f"{label} graduated on {day.isoformat()}; {len(planned)} check-ins planned:")
    for row in planned:
        print(f"  day {row.day:>3}  {row.questionnaire:<6} {row.due_at:%Y-%m-%d %H:%M} UTC")
    return 0


def export(settings: Settings, since: date | None, out: Path | None) -> int:
    """Write every check-in answer as CSV, to a new file only its owner can read, or stdout."""
    content = _content(settings)
    questionnaires = content.language(DEFAULT_LANGUAGE).questionnaires
    zone = ZoneInfo(settings.default_timezone)
    with session_factory(_engine(settings))() as session:
        if out is None:
            write_checkin_csv(
                session=session, out=sys.stdout, since=since,
                questionnaires=questionnaires, zone=zone, content=content,
            )  # fmt: skip
            return 0
        try:
            # Created 0600 in one step, and never over an existing file: this is health data.
            handle = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise Fail(
                f"error: --out {out}: the file already exists; choose a new name", 1
            ) from None
        except OSError as error:
            raise Fail(f"error: --out {out}: {error.strerror}", 1) from None
        with open(handle, "w", encoding="utf-8", newline="") as file:
            rows = write_checkin_csv(
                session=session,
                out=file,
                since=since,
                questionnaires=questionnaires,
                zone=zone,
                content=content,
            )
    print(f"wrote {rows} check-in answer(s) to {out}")
    return 0


def rekey_values(settings: Settings) -> int:
    """Encrypt every stored value again with the first key, and say how many per column."""
    try:
        counts = rekey(_engine(settings))
    except CannotOpen as error:
        raise Fail(f"error: {error}", 2) from None
    for column, count in counts.items():
        print(f"{column}: {count}")
    print(
        f"re-encrypted {sum(counts.values())} value(s) with the first key; keys after it can "
        f"now be removed"
    )
    return 0


def purge(settings: Settings, older_than: str, dry_run: bool) -> int:
    """Retention: delete (per DELETE_MODE) the data of participants with no contact for DAYS
    days and nothing ahead, unused invites as old, and spent dashboard links and sessions;
    print counts, never who."""
    if not older_than.isdigit() or int(older_than) < 1:
        raise Fail(
            f"error: --older-than must be a whole number of days, at least 1 (not {older_than!r})",
            2,
        )
    days, mode = int(older_than), erasure.Mode(settings.delete_mode)
    with session_factory(_engine(settings))() as session:
        now = utcnow()
        found = erasure.purge(session=session, now=now, days=days, mode=mode, dry_run=dry_run)
        spent = signin.tidy(session=session, now=now, dry_run=dry_run)
        if not dry_run:
            session.commit()
    done = f"would be {mode.value}d" if dry_run else f"{mode.value}d"
    removed = "would be removed" if dry_run else "removed"
    print(f"participants with no contact for {days} days and nothing ahead: {found.participants}"
          f" ({done})")  # fmt: skip
    print(f"unused invites older than {days} days: {found.invites} ({removed})")
    print(f"dashboard links and sessions used up or ended: {spent} ({removed})")
    if dry_run:
        print("dry run: nothing was changed")
    return 0


def run(settings: Settings, args: argparse.Namespace) -> int:
    """On Telegram with a token; otherwise, and for `preview`, in this terminal."""
    content = _content(settings)
    companion = build_companion(settings, session_factory(_engine(settings)), content=content)
    if args.command == "preview" or not settings.telegram_token:
        if args.command != "preview":
            print("No TELEGRAM_BOT_TOKEN set, so here is the terminal preview.")
        language = getattr(args, "lang", None)
        if language and language not in content.languages:
            raise Fail(
                f"error: --lang {language!r}: the content has {', '.join(content.languages)}", 2
            )
        try:
            run_preview(
                companion, sys.stdin, sys.stdout,
                user_id=getattr(args, "user", PREVIEW_USER_ID),
                language=language, start=getattr(args, "start", None),
            )  # fmt: skip
        except ValueError as error:
            raise Fail(f"error: {error}", 2) from None
        return 0
    from bot.telegram.app import run_polling  # Telegram is only needed when running on it.

    logging.getLogger().setLevel(logging.INFO)
    run_polling(settings, companion)
    return 0


def sweep(settings: Settings) -> int:
    """A worker that only sends what is due; run any number beside the one that polls."""
    if not settings.telegram_token:
        raise Fail("error: TELEGRAM_BOT_TOKEN is needed to send messages", 2)
    companion = build_companion(settings, session_factory(_engine(settings)))
    from bot.telegram.app import run_sweeper

    logging.getLogger().setLevel(logging.INFO)
    run_sweeper(settings, companion)
    return 0


def _token(settings: Settings) -> str:
    if not settings.telegram_token:
        raise Fail("error: TELEGRAM_BOT_TOKEN is needed for the webhook", 2)
    return settings.telegram_token


def _webhook_needs(settings: Settings) -> tuple[str, str]:
    token = _token(settings)
    if not settings.webhook_secret:
        raise Fail(
            "error: TELEGRAM_WEBHOOK_SECRET is needed for the webhook: set it to a long random "
            "string of letters, digits, _ and -",
            2,
        )
    return token, settings.webhook_secret


def web(settings: Settings) -> int:
    """The bot on a webhook and the staff dashboard, in one process on PORT."""
    _, secret = _webhook_needs(settings)
    companion = build_companion(settings, session_factory(_engine(settings)))
    from bot.web.server import run_web  # the web server is only needed here

    logging.getLogger().setLevel(logging.INFO)
    run_web(settings, companion, secret)
    return 0


def webhook(settings: Settings, action: str, url: str | None) -> int:
    """Point Telegram at this server's webhook, or back to polling."""
    from bot.telegram.webhook import Refused, delete_webhook, set_webhook
    from bot.web.server import webhook_url

    if action == "delete":
        try:
            asyncio.run(delete_webhook(settings, token=_token(settings)))
        except Refused as error:
            raise Fail(f"error: Telegram refused: {error}", 1) from None
        print("webhook deleted: the bot can poll again (python -m bot run)")
        return 0
    token, secret = _webhook_needs(settings)
    if not url or not url.startswith("https://"):
        raise Fail(
            "error: webhook set needs the web server's https address, like "
            "https://companion.example.org",
            2,
        )
    target = webhook_url(url)
    try:
        asyncio.run(set_webhook(settings, token=token, secret=secret, url=target))
    except Refused as error:
        raise Fail(f"error: Telegram refused: {error}", 1) from None
    print(f"webhook set: Telegram posts updates to {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; every failure is plain lines and a non-zero exit code, no traceback."""
    args = _parser().parse_args(argv)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and Telegram URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        settings = Settings.from_env()
        if args.command == "content":
            return content_check(settings)
        if args.command == "invite":
            return invite(settings, args.label, args.stage)
        if args.command == "graduate":
            return graduate(settings, args.label, args.date)
        if args.command == "export":
            return export(settings, args.since, args.out)
        if args.command == "purge":
            return purge(settings, args.older_than, args.dry_run)
        if args.command == "sweep":
            return sweep(settings)
        if args.command == "web":
            return web(settings)
        if args.command == "webhook":
            return webhook(settings, args.action, args.url)
        if args.command == "rekey":
            return rekey_values(settings)
        return run(settings, args)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Fail as error:
        print(error, file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
