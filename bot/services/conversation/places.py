"""Stored people's places kept in memory between their events, so an event costs no database
read: the copy is what was last written (or read), under the version token it was written
with (`coordination.Versions`). A copy is used only while its token is still the current one,
so a change made by another instance, or by "My data", is never answered from a stale copy.

Bounded: the least recently seen go first, and a copy unused for `IDLE_SECONDS` is not trusted
(anyone the 6-hourly clean-up deletes for long silence has long gone from here).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.conversation.store import Loaded

IDLE_SECONDS = 3600.0


class PlaceCache:
    def __init__(self, limit: int = 10_000, idle_seconds: float = IDLE_SECONDS) -> None:
        self._copies: OrderedDict[str, tuple[str, float, Loaded]] = OrderedDict()
        self._limit = limit
        self._idle = idle_seconds

    def get(self, key: str, token: str) -> Loaded | None:
        """The copy, if it was kept under `token` and lately. Treat it as read-only."""
        kept = self._copies.get(key)
        if kept is None:
            return None
        kept_token, used, copy = kept
        now = time.monotonic()
        if kept_token != token or now - used > self._idle:
            del self._copies[key]
            return None
        self._copies[key] = (kept_token, now, copy)
        self._copies.move_to_end(key)
        return copy

    def put(self, key: str, token: str | None, copy: Loaded) -> None:
        if token is None or self._limit <= 0:  # a change no one else could hear of
            self.drop(key)
            return
        self._copies[key] = (token, time.monotonic(), copy)
        self._copies.move_to_end(key)
        while len(self._copies) > self._limit:
            self._copies.popitem(last=False)

    def drop(self, key: str) -> None:
        self._copies.pop(key, None)

    def __len__(self) -> int:
        return len(self._copies)
