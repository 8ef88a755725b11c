"""Encryption at rest: Fernet keys (the first encrypts, every one decrypts) and the column type
that uses them. The keys travel on the engine's dialect, never in a global."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

ENVIRONMENT = "ENCRYPTION_KEYS"
KEY_FILE_SUFFIX = ".key"
KEY_HINT = (
    "a Fernet key is 44 letters, digits, '-' and '_' ending in '='; separate keys with commas"
)
_ON_DIALECT = "iop_cipher"


class KeyProblem(Exception):
    """The keys are malformed, missing or do not open the stored data; one plain line."""


class Cipher:
    """MultiFernet over the keys, and where they came from, for error lines."""

    def __init__(self, keys: Sequence[str], *, source: str) -> None:
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self.source = source

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise KeyProblem(f"{self.source}: no key opens a stored value") from None

    def rotate(self, token: str) -> str:
        """The same text, encrypted again with the first key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise KeyProblem(f"{self.source}: no key opens a stored value") from None


def parse_keys(text: str, *, source: str) -> tuple[str, ...]:
    """Comma-separated Fernet keys; a bad one is named by its place, never echoed."""
    keys = tuple(part.strip() for part in text.split(",") if part.strip())
    if not keys:
        raise KeyProblem(f"{source} holds no key ({KEY_HINT})")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise KeyProblem(
                f"{source}: key {number} of {len(keys)} is not a Fernet key ({KEY_HINT})"
            ) from None
    return keys


def new_key() -> str:
    return Fernet.generate_key().decode()


def key_file_of(database: Path) -> Path:
    """The key file that belongs to an SQLite database: beside it, its name plus .key."""
    return database.with_name(database.name + KEY_FILE_SUFFIX)


def read_key_file(path: Path) -> tuple[str, ...]:
    return parse_keys(path.read_text(encoding="ascii", errors="replace"), source=f"key file {path}")


def create_key_file(path: Path) -> tuple[str, ...]:
    """A new key in a new file only its owner can read; never over an existing file."""
    key = new_key()
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(handle, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return (key,)


def attach(engine: sa.Engine, cipher: Cipher) -> None:
    """Give every connection of this engine the keys its encrypted columns use."""
    setattr(engine.dialect, _ON_DIALECT, cipher)


def cipher_of(dialect: sa.Dialect) -> Cipher:
    cipher = getattr(dialect, _ON_DIALECT, None)
    if not isinstance(cipher, Cipher):
        raise RuntimeError("this engine has no keys: build it with bot.db.create_engine")
    return cipher


class EncryptedText(sa.types.TypeDecorator[str]):
    """Text that is plaintext in Python and a Fernet token in the database.

    The same text encrypts differently each time, so SQL must never filter, group or order by
    such a column; the plaintext length limit the column had is checked here instead.
    """

    impl = sa.Text
    cache_ok = True

    def __init__(self, max_length: int) -> None:
        super().__init__()
        self.max_length = max_length

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        if len(value) > self.max_length:
            raise ValueError(f"{len(value)} characters given to a column of {self.max_length}")
        return cipher_of(dialect).encrypt(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else cipher_of(dialect).decrypt(value)
