"""Per-person flood control: someone (or something) sending hundreds of messages a minute is
answered once with a polite "please slow down" and then not at all until the minute has passed.
It is checked before anything else (no lock, no database), so a flood costs others nothing."""

from __future__ import annotations

import time
from collections import OrderedDict, deque

WINDOW_SECONDS = 60.0
MAX_PEOPLE = 100_000  # who is tracked at once; the oldest are forgotten first


class FloodGate:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._warned: dict[tuple[str, str], float] = {}

    def verdict(self, key: tuple[str, str]) -> str:
        """"pass", "warn" (the first event over the limit in a window) or "drop"."""
        now = time.monotonic()
        times = self._seen.get(key)
        if times is None:
            times = self._seen[key] = deque()
            while len(self._seen) > MAX_PEOPLE:
                forgotten, _times = self._seen.popitem(last=False)
                self._warned.pop(forgotten, None)
        self._seen.move_to_end(key)
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            return "pass"
        if now - self._warned.get(key, -WINDOW_SECONDS) >= WINDOW_SECONDS:
            self._warned[key] = now
            return "warn"
        return "drop"
