"""Pacing messages within a messenger's limits: so many a second overall, one a second per chat.

Telegram answers a bot that sends faster with 429 "Too Many Requests" and a `retry_after`; the
pacer keeps under the limits in the first place, and `pause()` makes every sender wait out a
`retry_after` that came anyway. It uses the real monotonic clock: limits are about real seconds.
With several instances, `SharedPacer` (bot/services/coordination/shared.py) keeps the same
limits for all of them together.
"""

from __future__ import annotations

import asyncio
import time


class Pacer:
    def __init__(self, per_second: float, per_chat_seconds: float) -> None:
        self._interval = 1.0 / per_second if per_second > 0 else 0.0
        self._per_chat = per_chat_seconds
        self._next = 0.0  # the earliest moment the next message may go
        self._chat_next: dict[str, float] = {}

    async def wait_turn(self, chat: str) -> None:
        """Return when a message to `chat` may be sent, and count it as sent now.

        The turn is granted only to a sender that is awake at that moment, so a stall (a slow
        database, a busy event loop) never makes several overdue turns fire at once."""
        while True:
            now = time.monotonic()
            wait = max(self._next - now, self._chat_next.get(chat, 0.0) - now)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            self._next = now + self._interval
            self._chat_next[chat] = now + self._per_chat
            if len(self._chat_next) > 10_000:
                self._forget_idle_chats(now)
            return

    async def pause(self, seconds: float) -> None:
        """Hold every message back for `seconds` (the messenger asked us to slow down)."""
        self._next = max(self._next, time.monotonic() + seconds)

    async def pause_chat(self, chat: str, seconds: float) -> None:
        """Hold messages to one chat back (WhatsApp's pair-rate limit: too many to one person)."""
        self._chat_next[chat] = max(self._chat_next.get(chat, 0.0), time.monotonic() + seconds)

    def _forget_idle_chats(self, now: float) -> None:
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}
