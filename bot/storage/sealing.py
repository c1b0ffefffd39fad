"""Personal fields encrypted at rest: case numbers, typed court names, rooms and video links,
what citizens write to staff, their answers in the bot, and enrolments.

The keys come from configuration (`DATA_KEYS`: Fernet keys, newest first; make one with
`python -m bot keys new`). A value is sealed with the newest key and opened with whichever key
sealed it, so a new key can be put first at any time; `python -m bot keys rotate` then re-seals
every stored value with it, after which the old key can be removed (README "Keys").

Stored forms: "sealed:<Fernet token>"; "plain:<text>" when no key is configured (a local trial:
the bot warns at start); and, for rows written before this existed, the bare text.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

SEALED, PLAIN = "sealed:", "plain:"


class KeyMissing(RuntimeError):
    """A sealed value, and none of the configured keys opens it."""


class _Keyring:
    def __init__(self) -> None:
        self.fernet: MultiFernet | None = None
        self.newest: Fernet | None = None

    def use(self, keys: list[str]) -> None:
        fernets = [Fernet(key.strip().encode()) for key in keys]
        self.fernet = MultiFernet(fernets) if fernets else None
        self.newest = fernets[0] if fernets else None


keyring = _Keyring()


def use_keys(keys: list[str]) -> None:
    keyring.use(keys)


def new_key() -> str:
    return Fernet.generate_key().decode()


def valid_key(key: str) -> bool:
    try:
        Fernet(key.strip().encode())
    except (ValueError, TypeError):
        return False
    return True


def seal(text: str) -> str:
    if keyring.fernet is None:
        return PLAIN + text
    return SEALED + keyring.fernet.encrypt(text.encode()).decode()


def unseal(stored: str) -> str:
    if stored.startswith(SEALED):
        if keyring.fernet is None:
            raise KeyMissing("a value is encrypted, and DATA_KEYS is not set")
        try:
            return keyring.fernet.decrypt(stored[len(SEALED):].encode()).decode()
        except InvalidToken:
            raise KeyMissing("no key in DATA_KEYS opens a stored value") from None
    return stored.removeprefix(PLAIN)


def reseal(stored: str) -> str | None:
    """The value sealed with the newest key, or None when it already is (or no key is set)."""
    if keyring.fernet is None:
        return None
    if stored.startswith(SEALED):
        token = stored[len(SEALED):].encode()
        try:
            keyring.newest.decrypt(token)
            return None  # already sealed with the newest key
        except InvalidToken:
            pass
        try:
            return SEALED + keyring.fernet.rotate(token).decode()
        except InvalidToken:
            raise KeyMissing("no key in DATA_KEYS opens a stored value") from None
    return seal(stored.removeprefix(PLAIN))


class Sealed(TypeDecorator[str]):
    """A text column stored encrypted. It cannot be compared in SQL: compare after reading."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else seal(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else unseal(value)


class SealedJSON(TypeDecorator[Any]):
    """A JSON value stored encrypted (as text)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else seal(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            return value  # a JSON column read before the migration turned it into text
        return json.loads(unseal(value))


# Every sealed column, for `keys rotate`: table -> (primary key, columns).
SEALED_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "hearings": ("id", ("case_number", "court_name", "room", "video_link")),
    "handoff_messages": ("id", ("text",)),
    "conversation_states": ("user_id", ("data",)),
    "enrolments": ("id", ("hearing",)),
    "relative_links": ("id", ("name",)),
    "addresses": ("alias", ("address",)),
    "secrets": ("name", ("value",)),
}


async def rotate(engine: Any) -> int:
    """Re-seal every stored value with the newest key (and seal values stored in the clear).
    Returns how many values changed. Run with the new key first in DATA_KEYS and the old ones
    after it; then the old keys can be removed."""
    from sqlalchemy import text

    if keyring.fernet is None:
        raise KeyMissing("set DATA_KEYS first (python -m bot keys new makes a key)")
    changed = 0
    async with engine.begin() as connection:
        for table, (key, columns) in SEALED_COLUMNS.items():
            # Names from SEALED_COLUMNS above, never from input.
            rows = (await connection.execute(text(
                f"SELECT {key}, {', '.join(columns)} FROM {table}"))).all()
            for row in rows:
                fresh = {column: resealed for column, value in zip(columns, row[1:], strict=True)
                         if isinstance(value, str) and (resealed := reseal(value)) is not None}
                if fresh:
                    assignments = ", ".join(f"{column} = :{column}" for column in fresh)
                    await connection.execute(text(
                        f"UPDATE {table} SET {assignments} WHERE {key} = :row_key"),
                        {**fresh, "row_key": row[0]})
                    changed += len(fresh)
    return changed
