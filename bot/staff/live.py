"""Live updates for the console: server-sent events that say "something changed".

Every open console asks the database once a second whether the desk changed (a new request, a
message, a chat taken or closed): a citizen's message may arrive on another instance, so memory
alone could not know. The page then fetches the fresh fragment itself.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0


class LiveEvents:
    def __init__(self, desk) -> None:
        self._desk = desk
        self._closing = asyncio.Event()

    def close(self) -> None:
        self._closing.set()

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        last = None
        quiet = 0.0
        try:
            while not self._closing.is_set():
                try:
                    version = await self._desk.version()
                except SQLAlchemyError:
                    version = last  # a busy database: try again next second
                if version != last:
                    await response.write(f"event: change\ndata: {version}\n\n".encode())
                    last, quiet = version, 0.0
                elif quiet >= HEARTBEAT_SECONDS:
                    await response.write(b": still here\n\n")
                    quiet = 0.0
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), POLL_SECONDS)
                quiet += POLL_SECONDS
        except ConnectionResetError:
            pass  # the page was closed
        return response
