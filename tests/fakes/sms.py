"""A fake Mobizon (mobizon.kz) SMS API on loopback, and phones that answer through it.

It speaks the documented API (https://mobizon.kz/help/api-docs/sms-api, .../message): POST
/service/message/sendsmsmessage and /service/message/getsmsstatus with `output=json`,
`api=v1` and `apiKey` in the query and a form body, answering
`{"code": …, "data": …, "message": …}`. It counts each text's parts itself (UCS-2 as soon as
one character is outside GSM-7's basic set or extension, 70 / 67 units; GSM-7 160 / 153) and
records what every number received. Faults are injected per call: HTTP 429 with Retry-After,
503, a refusal code, or an answer that never comes (the request is taken and recorded, as a
message on the wire at a crash would be). A phone's reply goes to the bot's /sms/inbound,
signed with the inbound secret as the bot expects.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import math
import time
from collections import Counter
from dataclasses import dataclass

import aiohttp
from aiohttp import web

API_KEY = "kz" + "0123456789abcdef" * 4 + "0123"  # Mobizon keys: 40 or 70 letters and digits
INBOUND_SECRET = "test-sms-inbound-secret"
SENDER = "ADILET"
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
           "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXT = set("\f^{}\\[~]|€")


def count_parts(text: str) -> int:
    if all(ch in GSM7 or ch in GSM7_EXT for ch in text):
        units, single, per_part = sum(2 if ch in GSM7_EXT else 1 for ch in text), 160, 153
    else:
        units, single, per_part = len(text.encode("utf-16-be")) // 2, 70, 67
    return 1 if units <= single else math.ceil(units / per_part)


@dataclass
class Sms:
    number: str
    text: str
    sender: str
    id: str
    parts: int
    validity: int


class FakeMobizon:
    def __init__(self) -> None:
        self.sent: list[Sms] = []
        self.delivered_at: list[float] = []  # time.monotonic() of each SMS taken
        self.faults: list[tuple[str, int]] = []  # ("429" | "503" | "code" | "hang", times)
        self.statuses: dict[str, str] = {}  # message id → status to report
        self.hang_after: int | None = None  # take this many, then never answer again
        self.calls = 0
        self.bot_url = ""
        self.base_url = ""
        self._ids = itertools.count(90_001)
        self._hung = asyncio.Event()  # set at stop: hung requests are let go
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/service/message/sendsmsmessage", self._send)
        app.router.add_post("/service/message/getsmsstatus", self._status)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        self._client = aiohttp.ClientSession()
        return self.base_url

    async def stop(self) -> None:
        self._hung.set()
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def settings(self, **extra: object) -> dict[str, object]:
        return {"sms_provider": "mobizon", "sms_api_key": API_KEY, "sms_api_base": self.base_url,
                "sms_sender": SENDER, "sms_inbound_secret": INBOUND_SECRET, **extra}

    def environment(self) -> dict[str, str]:
        return {key.upper(): str(value) for key, value in self.settings().items()}

    def inject(self, kind: str, times: int = 1) -> None:
        self.faults.append((kind, times))

    # --- the API ------------------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> web.Response | None:
        query = request.query
        if query.get("output") != "json" or query.get("api") != "v1":
            return web.json_response({"code": 2, "data": "", "message": "output/api missing"})
        if query.get("apiKey") != API_KEY:
            return web.json_response({"code": 8, "data": "", "message": "wrong API key"},
                                     status=401)
        return None

    async def _send(self, request: web.Request) -> web.StreamResponse:
        self.calls += 1
        refused = self._authorised(request)
        if refused is not None:
            return refused
        form = await request.post()
        number, text = str(form.get("recipient", "")), str(form.get("text", ""))
        fault = self._next_fault()
        if fault == "429":
            return web.json_response({"code": 999, "data": "", "message": "too many"},
                                     status=429, headers={"Retry-After": "0.2"})
        if fault == "503":
            return web.Response(status=503, text="<html>Service Unavailable</html>")
        if fault == "code":
            return web.json_response({"code": 1, "data": {"recipient": "invalid"},
                                      "message": "refused"})
        if not (number.isdigit() and 11 <= len(number) <= 12) or not text:
            return web.json_response({"code": 2, "data": {}, "message": "recipient or text"})
        sms = Sms(number, text, str(form.get("from", "")), str(next(self._ids)),
                  count_parts(text), int(str(form.get("params[validity]", "0")) or 0))
        self.sent.append(sms)
        self.delivered_at.append(time.monotonic())
        if fault == "hang" or (self.hang_after is not None and len(self.sent) > self.hang_after):
            await self._hung.wait()  # taken, never answered (until the fake stops)
            return web.Response(status=503)
        return web.json_response({"code": 0, "data": {"campaignId": sms.id, "messageId": sms.id,
                                                      "status": 1}, "message": ""})

    async def _status(self, request: web.Request) -> web.Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        form = await request.post()
        ids = [str(value) for key, value in form.items() if key.startswith("ids[")]
        if not ids:
            return web.json_response({"code": 2, "data": [], "message": "no ids"})
        if len(ids) > 100:
            return web.json_response({"code": 12, "data": [], "message": "more than 100"})
        known = {sms.id: sms for sms in self.sent}
        return web.json_response({"code": 0, "message": "", "data": [
            {"id": int(i), "status": self.statuses.get(i, "DELIVRD"), "segNum": known[i].parts,
             "startSendTs": None, "statusUpdateTs": None} for i in ids if i in known]})

    def _next_fault(self) -> str | None:
        if not self.faults:
            return None
        kind, times = self.faults[0]
        self.faults[0] = (kind, times - 1)
        if times - 1 <= 0:
            self.faults.pop(0)
        return kind

    # --- phones -------------------------------------------------------------------------------

    def to(self, number: str) -> list[Sms]:
        return [sms for sms in self.sent if sms.number == number]

    def per_number(self) -> Counter[str]:
        return Counter(sms.number for sms in self.sent)

    async def reply(self, number: str, text: str, message_id: str | None = None,
                    secret: str | None = INBOUND_SECRET) -> int:
        """A phone answers: the inbound webhook, signed (or not, or wrongly)."""
        assert self._client is not None
        body = json.dumps({"id": message_id or f"in-{next(self._ids)}", "from": number,
                           "text": text}).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Signature"] = "sha256=" + hmac.new(secret.encode(), body,
                                                          hashlib.sha256).hexdigest()
        async with self._client.post(f"{self.bot_url}/sms/inbound", data=body,
                                     headers=headers) as response:
            return response.status

    async def wait_for(self, count: int, within: float = 10) -> list[Sms]:
        for _tick in range(int(within / 0.05)):
            if len(self.sent) >= count:
                return self.sent
            await asyncio.sleep(0.05)
        raise TimeoutError(f"{len(self.sent)} SMS, not {count}, within {within} s")
