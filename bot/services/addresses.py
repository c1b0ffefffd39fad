"""Phone numbers never serve as stored ids. A person a messenger knows only by number
(WhatsApp without a business-scoped id) is stored under an alias, a keyed hash of the number,
and the number is kept encrypted in `addresses`, only to send to. The hash key is the bot's own,
made on first use and kept encrypted with DATA_KEYS (`secrets`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.services.clock import Clock
from bot.storage.db import SessionFactory
from bot.storage.models import Address, Secret

ALIAS_PREFIX = "n:"
KEY_NAME = "address_alias_key"
MEMORY = 10_000  # numbers remembered in this process


class AddressBook:
    def __init__(self, sessions: SessionFactory, clock: Clock, channel: str) -> None:
        self._sessions = sessions
        self._clock = clock
        self.channel = channel
        self._key: bytes | None = None
        self._known: dict[str, str] = {}  # alias -> number, for this process (bounded)

    async def alias_of(self, number: str) -> str:
        """The alias a number has, without keeping the number."""
        return ALIAS_PREFIX + hmac.new(await self._alias_key(), number.encode(),
                                       hashlib.sha256).hexdigest()[:40]

    async def alias(self, number: str) -> str:
        """The id to store the person under; remembers the number to send to."""
        alias = await self.alias_of(number)
        if self._known.get(alias) != number:
            try:
                async with self._sessions() as session, session.begin():
                    if await session.get(Address, (self.channel, alias)) is None:
                        session.add(Address(channel=self.channel, alias=alias, address=number,
                                            created_at=self._clock.now()))
            except IntegrityError:
                pass  # another instance wrote it at the same moment
            self._remember(alias, number)
        return alias

    async def address(self, user_id: str) -> str:
        """Where to send: the number behind an alias, or the id itself."""
        if not user_id.startswith(ALIAS_PREFIX):
            return user_id
        if user_id not in self._known:
            async with self._sessions() as session:
                found = await session.get(Address, (self.channel, user_id))
            if found is None:
                raise LookupError("no number is kept for this person any more")
            self._remember(user_id, found.address)
        return self._known[user_id]

    def _remember(self, alias: str, number: str) -> None:
        if len(self._known) >= MEMORY:
            self._known.clear()  # rare; the table has them all
        self._known[alias] = number

    async def forget(self, alias: str) -> None:
        self._known.pop(alias, None)
        async with self._sessions() as session, session.begin():
            await session.execute(delete(Address).where(Address.channel == self.channel,
                                                        Address.alias == alias))

    async def _alias_key(self) -> bytes:
        if self._key is None:
            async with self._sessions() as session:
                stored = await session.scalar(select(Secret.value).where(
                    Secret.name == KEY_NAME))
            if stored is None:
                try:
                    async with self._sessions() as session, session.begin():
                        session.add(Secret(name=KEY_NAME, value=secrets.token_hex(32)))
                except IntegrityError:
                    pass  # another instance made it first: use theirs
                async with self._sessions() as session:
                    stored = await session.scalar(select(Secret.value).where(
                        Secret.name == KEY_NAME))
            self._key = bytes.fromhex(stored)
        return self._key
