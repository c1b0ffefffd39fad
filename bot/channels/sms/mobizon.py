"""Mobizon (mobizon.kz), over its HTTP API, as documented at
https://mobizon.kz/help/api-docs/sms-api (connecting, the request and answer format) and
https://mobizon.kz/help/api-docs/message (SendSmsMessage, GetSMSStatus, message statuses).

Every call is `POST {base}/service/{module}/{method}?output=json&api=v1&apiKey=KEY` with a form
body, and every answer is JSON `{"code": …, "data": …, "message": …}`; `code` 0 is done and 100
is "accepted, being processed" (both success, as Mobizon's own client library treats them).
Any other code is Mobizon refusing the request. The documentation read gives no rate limit and
no HTTP 429, so an HTTP 429 (with or without Retry-After) and every 5xx, timeout or broken
answer are taken as "try again": the message was not accepted. See README "SMS reminders" for
what could not be confirmed.

The API key travels in the query string, as Mobizon requires: no URL is ever logged or put
into an error here, so the key cannot leak through the logs.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.services.reminders.delivery import Refused, RetryLater, Unavailable

SUCCESS = {0, 100}
MOST_IDS = 100  # GetSMSStatus takes at most 100 ids a call
DEFAULT_WAIT = 1.0


class MobizonGateway:
    def __init__(self, base: str, api_key: str, sender: str = "", timeout: float = 20) -> None:
        self._base = base.rstrip("/")
        self._query = {"output": "json", "api": "v1", "apiKey": api_key}
        self._sender = sender
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, number: str, text: str, valid_minutes: int = 1440) -> str:
        form = {"recipient": number, "text": text,
                "params[validity]": str(max(60, min(valid_minutes, 1440)))}
        if self._sender:
            form["from"] = self._sender
        data = await self._call("message", "sendsmsmessage", form)
        message_id = data.get("messageId") if isinstance(data, dict) else None
        if not message_id:
            raise Unavailable("mobizon: no messageId")  # accepted nothing we can refer to
        return str(message_id)

    async def statuses(self, message_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(message_ids), MOST_IDS):
            chunk = message_ids[start:start + MOST_IDS]
            form = {f"ids[{i}]": message_id for i, message_id in enumerate(chunk)}
            data = await self._call("message", "getsmsstatus", form)
            for row in data if isinstance(data, list) else []:
                if isinstance(row, dict) and "id" in row and "status" in row:
                    found[str(row["id"])] = str(row["status"])
        return found

    async def _call(self, module: str, method: str, form: dict[str, str]) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self._base}/service/{module}/{method}"
        try:
            async with self._session.post(url, params=self._query, data=form) as response:
                if response.status == 429:
                    raise RetryLater(_seconds(response.headers.get("Retry-After")))
                if response.status >= 500:
                    raise Unavailable(f"mobizon HTTP {response.status}")
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
        except (TimeoutError, aiohttp.ClientError) as error:
            raise Unavailable(f"mobizon {type(error).__name__}") from None
        if not isinstance(answer, dict) or "code" not in answer:
            raise Unavailable(f"mobizon HTTP {response.status}, not an API answer")
        code = int(answer["code"]) if str(answer["code"]).isdigit() else -1
        if code not in SUCCESS:
            # Only the code: Mobizon's message may repeat what was sent (the number).
            raise Refused(f"mobizon code {code}")
        return answer.get("data")


def _seconds(header: str | None) -> float:
    try:
        return max(0.0, float(header)) if header else DEFAULT_WAIT
    except ValueError:
        return DEFAULT_WAIT
