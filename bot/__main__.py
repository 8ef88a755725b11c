"""Command line: run the bot, preview it in the terminal, invite participants, check content."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import sqlalchemy as sa

from bot import participants
from bot.config import Settings, SettingsError
from bot.console import PREVIEW_USER_ID, run_preview
from bot.content.loader import Content, ContentError, load_content
from bot.db import create_engine, migrate, session_factory
from bot.engine.companion import Companion
from bot.models import utcnow


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser(
        "run", help="run on Telegram (or the terminal preview when no token is set)"
    )
    preview = commands.add_parser("preview", help="chat with the bot in this terminal")
    preview.add_argument("--user", type=int, default=PREVIEW_USER_ID, help="pretend Telegram id")
    invite = commands.add_parser("invite", help="make a one-time invite link for a participant")
    invite.add_argument("label", help="how staff will know this participant, e.g. a chart number")
    content = commands.add_parser("content", help="work with the content folder")
    content.add_argument("action", choices=["check"])
    return parser


class Fail(Exception):
    """Stop with one plain line and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _content(settings: Settings) -> Content:
    try:
        return load_content(settings.content_dir)
    except ContentError as error:
        raise Fail(str(error), 1) from None


def _engine(settings: Settings) -> sa.Engine:
    engine = create_engine(settings.database_url)
    try:
        migrate(engine)
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        raise Fail(f"DATABASE_URL: cannot open the database ({reason})", 2) from None
    return engine


def _run(args: argparse.Namespace, settings: Settings) -> int:
    content = _content(settings)
    if args.command == "content":
        flows = sum(len(language.flows) for language in content.languages.values())
        print(f"content OK: {len(content.languages)} language(s), {flows} flows")
        return 0
    engine = _engine(settings)
    sessions = session_factory(engine)
    if args.command == "invite":
        with sessions() as session:
            try:
                invite = participants.create_invite(session=session, label=args.label, now=utcnow())
            except ValueError as error:
                raise Fail(str(error), 1) from None
            session.commit()
        bot_name = settings.bot_username or "<your bot's username>"
        print(
            f"label: {invite.label}\ncode:  {invite.code}\nlink:  https://t.me/{bot_name}?start={invite.code}"
        )
        if not settings.bot_username:
            print("(set TELEGRAM_BOT_USERNAME to print the full link)")
        return 0
    companion = Companion(content=content, sessions=sessions)
    if args.command == "preview" or not settings.telegram_token:
        if args.command != "preview":
            print("No TELEGRAM_BOT_TOKEN set, so here is the terminal preview.")
        run_preview(
            companion, sys.stdin, sys.stdout, user_id=getattr(args, "user", PREVIEW_USER_ID)
        )
        return 0
    from bot.telegram.app import run_polling  # Telegram is only needed when running on it.

    logging.getLogger().setLevel(logging.INFO)
    run_polling(settings, companion)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; every failure is one plain line and a non-zero exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.WARNING
    )
    # httpx logs every request URL, and Telegram URLs carry the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return _run(args, Settings.from_env())
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Fail as error:
        print(f"error: {error}" if error.code == 2 else str(error), file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
