"""Messages already taken from a messenger's webhook, so a redelivered one is handled once,
whichever instance it reaches: WhatsApp redelivers an unanswered webhook for up to 7 days, and
Telegram resends an update its webhook did not confirm. Only the id and the time are kept: in
Redis when instances share one (an expiring key, no database write per update), otherwise in
the database."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from datetime import timedelta

from redis.exceptions import RedisError
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.services.clock import Clock
from bot.services.coordination import SeenIds
from bot.storage.db import SessionFactory
from bot.storage.models import InboundMessage

log = logging.getLogger(__name__)
SEEN_KEEP = timedelta(days=7)


class SeenMessages:
    """Message ids already taken: in memory for speed, in the database for other instances."""

    def __init__(self, sessions: SessionFactory, clock: Clock, shared: SeenIds | None = None,
                 memory: int = 10_000) -> None:
        self._sessions = sessions
        self._shared = shared
        self._clock = clock
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._memory = memory
        self._next_purge = 0.0

    async def first_time(self, message_id: str) -> bool:
        if message_id in self._recent:
            return False
        self._recent[message_id] = None
        if len(self._recent) > self._memory:
            self._recent.popitem(last=False)
        if self._shared is not None:
            try:
                return await self._shared.first_time(message_id)
            except RedisError as error:  # Redis away: the database still tells
                log.warning("shared message ids unavailable: %s", type(error).__name__)
        now = self._clock.now()
        try:
            async with self._sessions() as session, session.begin():
                session.add(InboundMessage(message_id=message_id[:128], received_at=now))
            if time.monotonic() > self._next_purge:
                self._next_purge = time.monotonic() + 3600
                async with self._sessions() as session, session.begin():
                    await session.execute(delete(InboundMessage).where(
                        InboundMessage.received_at < now - SEEN_KEEP))
        except IntegrityError:
            return False  # another instance took it
        except SQLAlchemyError as error:
            # Better to answer a message twice than to lose it while the database is away.
            log.warning("could not record a message id: %s", type(error).__name__)
        return True
