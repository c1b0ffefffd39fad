"""One instance alone: locks, flood counts, newcomers' places and the versions of stored
people's places, in this process's memory."""

from __future__ import annotations

import asyncio
import copy
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

FLOOD_WINDOW_SECONDS = 60.0
FLOOD_MAX_PEOPLE = 100_000  # who is tracked at once; the oldest are forgotten first


class LocalLocks:
    missed = 0  # one instance needs no shared lock

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    def lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with self.lock(key):
            yield


class LocalFlood:
    """A sliding minute per person."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._warned: dict[str, float] = {}

    async def verdict(self, key: str) -> str:
        now = time.monotonic()
        times = self._seen.get(key)
        if times is None:
            times = self._seen[key] = deque()
            while len(self._seen) > FLOOD_MAX_PEOPLE:
                forgotten, _times = self._seen.popitem(last=False)
                self._warned.pop(forgotten, None)
        self._seen.move_to_end(key)
        while times and times[0] <= now - FLOOD_WINDOW_SECONDS:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            return "pass"
        if now - self._warned.get(key, -FLOOD_WINDOW_SECONDS) >= FLOOD_WINDOW_SECONDS:
            self._warned[key] = now
            return "warn"
        return "drop"


class LocalScratch:
    """A bounded LRU: the oldest newcomers are forgotten first."""

    def __init__(self, limit: int = 50_000) -> None:
        self._values: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._limit = limit

    async def get(self, key: str) -> dict[str, Any] | None:
        value = self._values.get(key)
        if value is None:
            return None
        self._values.move_to_end(key)
        return copy.deepcopy(value)

    async def put(self, key: str, value: dict[str, Any]) -> None:
        self._values[key] = copy.deepcopy(value)
        self._values.move_to_end(key)
        while len(self._values) > self._limit:
            self._values.popitem(last=False)

    async def drop(self, key: str) -> None:
        self._values.pop(key, None)


class LocalVersions:
    """One instance is the only one that changes people's places, so what it keeps in memory
    is always current: one token for all. (Its own other writers, the reminder job and "My
    data", drop the copy they make stale: `ConversationStore.invalidate`.)"""

    TOKEN = "local"

    async def current(self, key: str) -> str | None:
        return self.TOKEN

    async def change(self, key: str) -> str | None:
        return self.TOKEN
