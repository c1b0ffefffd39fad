"""The Graph API calls the bot makes: send a message, upload a file. Nothing else.

Errors come back as `GraphError` with Meta's error code, so the caller can tell "wait" (the
throughput and pair-rate limits), "try again" (5xx, timeouts) and "never" (a refused template)
apart. Codes: https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp

THROUGHPUT_LIMIT = {4, 80007, 130429}  # too many messages from this number: everyone waits
PAIR_RATE_LIMIT = 131056  # too many messages to this one person: only they wait
TRANSIENT = {1, 2, 131000, 131016, 131048}  # Meta's side is busy or failing: try again later
OUTSIDE_WINDOW = 131047  # more than 24 hours since the person wrote: a template is needed
UNDELIVERABLE = {131026}  # not on WhatsApp, or cannot receive from us
BSUID = re.compile(r"^[A-Z]{2}\.[A-Za-z0-9.]+$")  # "KZ.1234…": a business-scoped user id


class GraphError(Exception):
    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"HTTP {status}, code {code}: {message[:200]}")
        self.status = status
        self.code = code

    @property
    def transient(self) -> bool:
        return self.status == 0 or self.status >= 500 or self.code in TRANSIENT


def recipient(user_id: str) -> dict[str, str]:
    """A business-scoped user id goes in `recipient`, a phone number in `to`."""
    return {"recipient": user_id} if BSUID.match(user_id) else {"to": user_id}


class GraphClient:
    def __init__(self, base: str, version: str, phone_number_id: str, token: str,
                 timeout: float = 20) -> None:
        self._root = f"{base.rstrip('/')}/{version}/{phone_number_id}"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, user_id: str, message: dict[str, Any]) -> str:
        """Send one message (its `type` and content); returns its id ("wamid…")."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual",
                **recipient(user_id), **message}
        answer = await self._post("/messages", json=body)
        return str(answer["messages"][0]["id"])

    async def upload(self, content: bytes, filename: str, mime_type: str) -> str:
        """Upload a file for a document message; returns the media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=filename, content_type=mime_type)
        answer = await self._post("/media", data=form)
        return str(answer["id"])

    async def _post(self, path: str, **body: Any) -> dict[str, Any]:
        await self.start()
        assert self._session is not None
        try:
            async with self._session.post(self._root + path, **body) as response:
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
                if response.status == 200 and isinstance(answer, dict):
                    return answer
                error = answer.get("error", {}) if isinstance(answer, dict) else {}
                code = error.get("code")
                raise GraphError(response.status, int(code) if str(code).isdigit() else None,
                                 str(error.get("message", "")))
        except (TimeoutError, aiohttp.ClientError) as error:
            raise GraphError(0, None, type(error).__name__) from None
