"""The parts instances share, as the rest of the bot sees them (one process or several)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol


class Locks(Protocol):
    missed: int  # events handled without the shared lock (Redis away); 0 for one instance

    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        """Held while one person's event is handled; their next event waits for it."""


class Flood(Protocol):
    async def verdict(self, key: str) -> str:
        """"pass", "warn" (the first event over the limit in a minute) or "drop"."""


class Scratch(Protocol):
    """Where people who have not consented are in the conversation: never in the database."""

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def put(self, key: str, value: dict[str, Any]) -> None: ...

    async def drop(self, key: str) -> None: ...


class SeenIds(Protocol):
    async def first_time(self, message_id: str) -> bool:
        """True the first time an id is offered, on any instance; raises when it cannot tell."""
