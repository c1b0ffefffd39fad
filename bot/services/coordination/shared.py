"""Several instances: what they share lives in Redis, under short-lived keys.

People are named in keys only by a hash of channel and id, so Redis holds no readable id. When
Redis cannot be reached each part does what one instance can alone (its own lock, no flood
count, the database for webhook ids, its own pace), logs it, and counts it in /metrics.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import LockError, RedisError

from bot.services.coordination.local import LocalLocks, LocalScratch
from bot.services.reminders.pacing import Pacer

log = logging.getLogger(__name__)

LOCK_LEASE_SECONDS = 30  # an instance that dies holding a lock frees it after this
LOCK_WAIT_SECONDS = 30  # longer than any answer takes; then the event goes on without it
LOCK_POLL_SECONDS = 0.005
SEEN_KEEP_SECONDS = 7 * 24 * 3600  # WhatsApp redelivers for up to 7 days
FLOOD_WINDOW_SECONDS = 60
# A person's place version outlives any copy an instance keeps (`PlaceCache`'s idle limit), so
# a copy is never trusted after its key expired: a missing key means "read the database".
VERSION_KEEP_SECONDS = 24 * 3600


def connect(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5,
                          health_check_interval=30)


def hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class RedisLocks:
    """A Redis lock per person, taken after this process's own lock, so only one waiter per
    instance polls Redis."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._local = LocalLocks()
        self.missed = 0  # events handled without the shared lock (Redis away or slow)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with self._local.lock(key):
            lock = self._redis.lock(f"{self._prefix}:lock:{hashed(key)}",
                                    timeout=LOCK_LEASE_SECONDS, sleep=LOCK_POLL_SECONDS,
                                    blocking_timeout=LOCK_WAIT_SECONDS)
            try:
                acquired = bool(await lock.acquire())
            except RedisError as error:
                log.warning("no shared lock, Redis is away: %s", type(error).__name__)
                acquired = False
            if not acquired:
                self.missed += 1
            try:
                yield
            finally:
                if acquired:
                    with suppress(RedisError, LockError):  # expired meanwhile: nothing to free
                        await lock.release()


class RedisFlood:
    """A fixed minute per person, counted by every instance together."""

    def __init__(self, redis: Redis, prefix: str, per_minute: int) -> None:
        self._redis = redis
        self._prefix = prefix
        self.per_minute = per_minute

    async def verdict(self, key: str) -> str:
        minute = int(time.time() // FLOOD_WINDOW_SECONDS)
        name = f"{self._prefix}:flood:{hashed(key)}:{minute}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                count, _ = await pipe.incr(name).expire(name, FLOOD_WINDOW_SECONDS + 5).execute()
        except RedisError as error:
            log.warning("flood count unavailable, Redis is away: %s", type(error).__name__)
            return "pass"  # better to answer a flood than to silence everyone
        if count <= self.per_minute:
            return "pass"
        return "warn" if count == self.per_minute + 1 else "drop"


class RedisScratch:
    """Newcomers' places, expiring `hours` after their last message. While Redis is away they
    are kept in this instance's memory instead, so one instance alone loses nothing."""

    def __init__(self, redis: Redis, prefix: str, hours: float) -> None:
        self._redis = redis
        self._prefix = prefix
        self._seconds = max(1, int(hours * 3600))
        self._fallback = LocalScratch()

    def _name(self, key: str) -> str:
        return f"{self._prefix}:visit:{hashed(key)}"

    async def get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = await self._redis.get(self._name(key))
        except RedisError as error:
            _away("a newcomer's place", error)
            return await self._fallback.get(key)
        return json.loads(raw) if raw else await self._fallback.get(key)

    async def put(self, key: str, value: dict[str, Any]) -> None:
        try:
            await self._redis.set(self._name(key), json.dumps(value, ensure_ascii=False),
                                  ex=self._seconds)
        except RedisError as error:
            _away("a newcomer's place", error)
            await self._fallback.put(key, value)
            return
        await self._fallback.drop(key)

    async def drop(self, key: str) -> None:
        await self._fallback.drop(key)
        try:
            await self._redis.delete(self._name(key))
        except RedisError as error:
            _away("a newcomer's place (it expires)", error)


def _away(what: str, error: Exception) -> None:
    log.warning("%s: Redis is away (%s), this instance alone", what, type(error).__name__)


class RedisVersions:
    """The token of each stored person's latest change, one short key per person.

    Tokens are random, never counted up: after a key expires or Redis is emptied, a new token
    can never equal one an instance still holds. When Redis cannot be reached, no copy is
    trusted (every event reads the database) and the changes made meanwhile are announced as
    soon as Redis answers again, so a copy another instance kept from before goes stale."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        self._unannounced: set[str] = set()  # people changed while Redis was away

    def _name(self, key: str) -> str:
        return f"{self._prefix}:place:{hashed(key)}"

    async def current(self, key: str) -> str | None:
        try:
            await self._announce()
            token = await self._redis.get(self._name(key))
        except RedisError as error:
            _away("a place's version", error)
            return None
        return token.decode() if isinstance(token, bytes) else token

    async def change(self, key: str) -> str | None:
        token = secrets.token_hex(8)
        try:
            await self._announce()
            await self._redis.set(self._name(key), token, ex=VERSION_KEEP_SECONDS)
        except RedisError as error:
            _away("a place's version", error)
            self._unannounced.add(key)
            return None
        return token

    async def _announce(self) -> None:
        while self._unannounced:
            key = next(iter(self._unannounced))
            await self._redis.set(self._name(key), secrets.token_hex(8),
                                  ex=VERSION_KEEP_SECONDS)
            self._unannounced.discard(key)


class RedisSeenIds:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    async def first_time(self, message_id: str) -> bool:
        taken = await self._redis.set(f"{self._prefix}:seen:{hashed(message_id)}", 1, nx=True,
                                      ex=SEEN_KEEP_SECONDS)
        return bool(taken)


# The turn is decided in Redis, on Redis's own clock, so instances need not agree on the time.
# KEYS: the next free moment overall, and for the chat (µs). ARGV: the intervals (µs).
# Returns 0 when the turn is taken, else the µs to wait before asking again.
TAKE_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local overall = tonumber(redis.call('GET', KEYS[1]) or '0')
local chat = tonumber(redis.call('GET', KEYS[2]) or '0')
local wait = math.max(overall - now, chat - now)
if wait > 0 then return wait end
local interval, per_chat = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%d', now + interval), 'PX',
           math.floor(interval / 1000) + 60000)
if per_chat > 0 then
  redis.call('SET', KEYS[2], string.format('%d', now + per_chat), 'PX',
             math.floor(per_chat / 1000) + 1000)
end
return 0
"""
# KEYS: the moment to hold back until; ARGV: µs from now.
HOLD_BACK = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], string.format('%d', until_), 'PX',
             math.floor(tonumber(ARGV[1]) / 1000) + 60000)
end
return 0
"""


class SharedPacer(Pacer):
    """The same limits as `Pacer`, for all instances together: Telegram's 30 a second is per
    bot, not per process."""

    def __init__(self, redis: Redis, name: str, per_second: float,
                 per_chat_seconds: float) -> None:
        super().__init__(per_second, per_chat_seconds)  # used alone when Redis is away
        self._name = name
        self._take = redis.register_script(TAKE_TURN)
        self._hold = redis.register_script(HOLD_BACK)
        self._interval_us = int(self._interval * 1_000_000)
        self._per_chat_us = int(self._per_chat * 1_000_000)

    async def wait_turn(self, chat: str) -> None:
        chat_key = f"{self._name}:chat:{hashed(chat)}"
        while True:
            try:
                wait_us = int(await self._take(keys=[self._name, chat_key],
                                               args=[self._interval_us, self._per_chat_us]))
            except RedisError as error:
                log.warning("shared pace unavailable, pacing alone: %s", type(error).__name__)
                await super().wait_turn(chat)
                return
            if wait_us <= 0:
                return
            await asyncio.sleep(wait_us / 1_000_000)

    async def pause(self, seconds: float) -> None:
        await self._hold_back(self._name, seconds)
        await super().pause(seconds)

    async def pause_chat(self, chat: str, seconds: float) -> None:
        await self._hold_back(f"{self._name}:chat:{hashed(chat)}", seconds)
        await super().pause_chat(chat, seconds)

    async def _hold_back(self, name: str, seconds: float) -> None:
        with suppress(RedisError):
            await self._hold(keys=[name], args=[int(seconds * 1_000_000)])
