"""What instances of the bot must agree on, in one process or across several.

One instance (the default) keeps it all in its own memory. Several instances behind nginx share
it through Redis (`REDIS_URL`), because any of them may receive a person's next message:

- a lock per person, so one person's messages are handled one at a time, in order;
- the flood count, so sending to two instances does not double what someone may send;
- the webhook ids already taken, so a redelivered update is handled once;
- the send pace, so all instances together stay within the messenger's limits;
- where people who have not consented yet are (their language, the screen), for a day at most;
- which copy of a stored person's place is current, so each instance may keep the places of
  the people it serves in memory and still never answer from a stale one.

Nothing lasting is kept in Redis: every key expires, and the bot loses only a little comfort
(a newcomer asked for their language again) if Redis is emptied. When Redis cannot be reached,
each part falls back to what one instance can do alone, and says so in the log and in /metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.services.coordination.local import LocalFlood, LocalLocks, LocalScratch, LocalVersions
from bot.services.coordination.parts import Flood, Locks, Scratch, SeenIds, Versions
from bot.services.reminders.pacing import Pacer

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Coordination", "Flood", "Locks", "Scratch", "SeenIds", "Versions"]


@dataclass
class Coordination:
    locks: Locks = field(default_factory=LocalLocks)
    flood: Flood | None = None  # None: no flood control
    scratch: Scratch = field(default_factory=LocalScratch)
    seen: SeenIds | None = None  # None: webhook ids are checked in the database
    redis: Redis | None = None  # the client, when shared
    prefix: str = ""
    versions: Versions = field(default_factory=LocalVersions)

    @classmethod
    def build(cls, settings: Settings) -> Coordination:
        per_minute = settings.flood_messages_per_minute
        if not settings.shared:
            return cls(LocalLocks(), LocalFlood(per_minute) if per_minute else None,
                       LocalScratch(settings.memory_state_limit))
        # Imported only here: one instance never loads the Redis client.
        from bot.services.coordination.shared import (
            RedisFlood,
            RedisLocks,
            RedisScratch,
            RedisSeenIds,
            RedisVersions,
            connect,
        )

        redis = connect(settings.redis_url)
        prefix = settings.redis_prefix
        return cls(RedisLocks(redis, prefix),
                   RedisFlood(redis, prefix, per_minute) if per_minute else None,
                   RedisScratch(redis, prefix, settings.pre_consent_hours),
                   RedisSeenIds(redis, prefix), redis, prefix, RedisVersions(redis, prefix))

    def pacer(self, name: str, per_second: float, per_chat_seconds: float) -> Pacer:
        """The send pace for one messenger: shared by all instances when Redis is there."""
        if self.redis is None:
            return Pacer(per_second, per_chat_seconds)
        from bot.services.coordination.shared import SharedPacer

        return SharedPacer(self.redis, f"{self.prefix}:pace:{name}", per_second,
                           per_chat_seconds)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
