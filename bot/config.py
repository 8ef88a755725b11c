"""Settings, read once from the environment and passed in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from bot import crypto

DEFAULT_API_BASE_URL = "https://api.telegram.org"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
DEFAULT_DATABASE_URL = "sqlite:///iop_companion.sqlite3"
DEFAULT_TIMEZONE = "America/New_York"
# Telegram's documented limit for bulk messages is about 30 a second.
DEFAULT_RATE_LIMIT = 30
DEFAULT_ALERT_RESEND_MINUTES = 30
DEFAULT_ALERT_RESEND_MAX = 3
DEFAULT_INVITE_EXPIRY_DAYS = 14
DEFAULT_PORT = 8080
# What /delete and the retention purge do with a participant's data.
DELETE_MODES = ("erase", "anonymise")
# SQLite's synchronous: full waits for the disk at every commit; normal (with WAL) only at
# checkpoints, so a power cut can lose the last commits (a crash of the bot cannot).
SQLITE_SYNCHRONOUS = ("full", "normal")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable in plain words."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    telegram_token: str | None
    database_url: str
    api_base_url: str
    bot_username: str | None
    content_dir: Path
    staff_ids: frozenset[int]
    default_timezone: str
    rate_limit: int
    staff_chat_id: int | None = None  # the clinic's staff group; admins privately when unset
    alert_resend_minutes: int = DEFAULT_ALERT_RESEND_MINUTES
    alert_resend_max: int = DEFAULT_ALERT_RESEND_MAX
    # Fernet keys, the first encrypts; none: the SQLite file's key file (PostgreSQL refuses).
    encryption_keys: tuple[str, ...] = field(default=(), repr=False)
    invite_expiry_days: int = DEFAULT_INVITE_EXPIRY_DAYS
    delete_mode: str = DELETE_MODES[0]  # erase: nothing kept; anonymise: check-in scores kept
    # `python -m bot web`: Telegram's secret header on the webhook, the port, the public address.
    webhook_secret: str | None = field(default=None, repr=False)
    port: int = DEFAULT_PORT
    web_base_url: str | None = None
    sqlite_synchronous: str = SQLITE_SYNCHRONOUS[0]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and check every setting; raise SettingsError naming the first bad one."""
        env = os.environ if env is None else env
        return cls(
            telegram_token=_token(env.get("TELEGRAM_BOT_TOKEN", "").strip() or None),
            database_url=database_url(env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL),
            api_base_url=_api_base_url(env.get("TELEGRAM_API_BASE_URL", "").strip()),
            bot_username=env.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@") or None,
            content_dir=_content_dir(env.get("CONTENT_DIR", "").strip()),
            staff_ids=_staff_ids(env.get("STAFF_TELEGRAM_IDS", "")),
            default_timezone=_timezone(env.get("PROGRAM_TIMEZONE", "").strip() or DEFAULT_TIMEZONE),
            rate_limit=_rate_limit(env.get("TELEGRAM_RATE_LIMIT", "").strip()),
            staff_chat_id=_chat_id(env.get("STAFF_CHAT_ID", "").strip()),
            alert_resend_minutes=_count(
                "ALERT_RESEND_MINUTES", env.get("ALERT_RESEND_MINUTES", ""),
                DEFAULT_ALERT_RESEND_MINUTES, least=1,
            ),
            alert_resend_max=_count(
                "ALERT_RESEND_MAX", env.get("ALERT_RESEND_MAX", ""), DEFAULT_ALERT_RESEND_MAX
            ),
            encryption_keys=_encryption_keys(env.get("ENCRYPTION_KEYS", "")),
            invite_expiry_days=_count(
                "INVITE_EXPIRY_DAYS", env.get("INVITE_EXPIRY_DAYS", ""),
                DEFAULT_INVITE_EXPIRY_DAYS, least=1,
            ),
            delete_mode=_one_of("DELETE_MODE", env.get("DELETE_MODE", ""), DELETE_MODES),
            sqlite_synchronous=_one_of(
                "SQLITE_SYNCHRONOUS", env.get("SQLITE_SYNCHRONOUS", ""), SQLITE_SYNCHRONOUS
            ),
            webhook_secret=_webhook_secret(env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()),
            port=_count("PORT", env.get("PORT", ""), DEFAULT_PORT, least=1),
            web_base_url=_web_base_url(env.get("WEB_BASE_URL", "").strip()),
        )  # fmt: skip


def _token(value: str | None) -> str | None:
    if value is None:
        return None
    bot_id, _, secret = value.partition(":")
    if not bot_id.isdigit() or len(secret) < 20:
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected '123456:ABC...' "
            "from @BotFather)"
        )
    return value


_DATABASE_URL_FORMS = "use sqlite:///file.sqlite3 or postgres://user:password@host:5432/db"


def database_url(value: str) -> str:
    """Normalise hosting-style URLs: postgres:// and postgresql:// both mean psycopg 3.
    Errors never repeat the URL, which may hold a password."""
    scheme, sep, rest = value.partition("://")
    if not sep:
        raise SettingsError(f"DATABASE_URL is not a database URL; {_DATABASE_URL_FORMS}")
    scheme = scheme.lower()
    if scheme in {"postgres", "postgresql", "postgresql+psycopg"}:
        url = f"postgresql+psycopg://{rest}"
    elif scheme == "sqlite":
        url = value
    else:
        shown = repr(scheme) if scheme.replace("+", "").isalnum() else "an unknown scheme"
        raise SettingsError(f"DATABASE_URL uses {shown}; {_DATABASE_URL_FORMS}")
    try:
        parsed = sa.make_url(url)
    except (ValueError, sa.exc.ArgumentError):
        raise SettingsError(
            "DATABASE_URL cannot be read: check the port is a number and that special "
            "characters in the password are %-encoded (@ as %40, / as %2F)"
        ) from None
    if scheme == "sqlite" and not parsed.database:
        raise SettingsError("DATABASE_URL names no database file; use sqlite:///file.sqlite3")
    return url


def _encryption_keys(value: str) -> tuple[str, ...]:
    if not value.strip():
        return ()
    try:
        return crypto.parse_keys(value, source="ENCRYPTION_KEYS")
    except crypto.KeyProblem as problem:
        raise SettingsError(str(problem)) from None


def _api_base_url(value: str) -> str:
    if not value:
        return DEFAULT_API_BASE_URL
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SettingsError(
            f"TELEGRAM_API_BASE_URL must be an http(s) address like http://127.0.0.1:8081, "
            f"not {value!r}"
        )
    return value.rstrip("/")


def _webhook_secret(value: str) -> str | None:
    # Telegram's rule for secret_token: 1 to 256 of A-Z, a-z, 0-9, _ and -.
    plain = value.replace("_", "").replace("-", "")
    if value and (len(value) > 256 or not (plain.isascii() and plain.isalnum())):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET may hold only letters, digits, _ and -, at most 256"
        )
    return value or None


def _web_base_url(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SettingsError(
            f"WEB_BASE_URL must be the web server's public address like "
            f"https://companion.example.org, not {value!r}"
        )
    return value.rstrip("/")


def _content_dir(value: str) -> Path:
    path = Path(value) if value else DEFAULT_CONTENT_DIR
    if not path.is_dir():
        raise SettingsError(f"CONTENT_DIR {str(path)!r} is not a folder")
    return path


def _staff_ids(value: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in value.replace(" ", "").split(","):
        if not part:
            continue
        if not part.isdigit():
            raise SettingsError(
                f"STAFF_TELEGRAM_IDS must be numeric Telegram ids separated by commas; "
                f"{part!r} is not one"
            )
        ids.add(int(part))
    return frozenset(ids)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"PROGRAM_TIMEZONE {value!r} is not a time zone name like America/Chicago"
        ) from None
    return value


def _rate_limit(value: str) -> int:
    if not value:
        return DEFAULT_RATE_LIMIT
    if not value.isdigit():
        raise SettingsError(
            f"TELEGRAM_RATE_LIMIT must be messages per second as a whole number (0 for no "
            f"limit), not {value!r}"
        )
    return int(value)


def _chat_id(value: str) -> int | None:
    if not value:
        return None
    if not value.lstrip("-").isdigit():
        raise SettingsError(
            f"STAFF_CHAT_ID must be the numeric id of the staff group (like -1001234567890), "
            f"not {value!r}"
        )
    return int(value)


def _count(name: str, value: str, default: int, *, least: int = 0) -> int:
    value = value.strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < least:
        raise SettingsError(f"{name} must be a whole number of at least {least}, not {value!r}")
    return int(value)


def _one_of(name: str, value: str, choices: tuple[str, ...]) -> str:
    """One of the words `choices` (the first when unset)."""
    value = value.strip().lower()
    if not value:
        return choices[0]
    if value not in choices:
        raise SettingsError(f"{name} must be {' or '.join(choices)}, not {value!r}")
    return value
