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


class Versions(Protocol):
    """Which copy of a stored person's place is current, so an instance may answer from the
    copy it keeps in memory instead of reading the database (`conversation/places.py`).

    A token names the latest change; whoever changes a person's rows asks for a new one first
    (`change`), so a copy kept anywhere under an older token is no longer trusted."""

    async def current(self, key: str) -> str | None:
        """The token of the latest change; None when it cannot be known (trust no copy)."""

    async def change(self, key: str) -> str | None:
        """A new token for a change about to be written; None when it cannot be recorded
        (then the copy must not be kept)."""
