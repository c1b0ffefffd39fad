"""A fake WhatsApp Cloud API (Graph API) on loopback, and citizens who write through "Meta".

The bot under test calls this server (WHATSAPP_API_BASE) with its real HTTP client. The server
checks each message against WhatsApp's limits as Meta does (≤ 3 reply buttons of ≤ 20
characters, ≤ 10 list rows of ≤ 24, the 24-hour window, approved templates, document types),
answers with Meta's error shapes and codes, and records what each person was sent. Citizens'
messages go to the bot's /whatsapp/webhook signed with the app secret, as Meta signs them.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

PHONE_NUMBER_ID = "1098765432"
TOKEN = "EAAtest-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
VERSION = "v26.0"
DOCUMENT_TYPES = {
    "application/pdf", "text/plain", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
AUDIO_TYPES = {"audio/ogg", "audio/aac", "audio/mp4", "audio/mpeg", "audio/amr"}
# The templates "approved" on this fake: (name, language) → number of body parameters.
APPROVED = {(name, language): count
            for name, count in (("hearing_reminder", 3), ("hearing_moved", 3),
                                ("hearing_cancelled", 2))
            for language in ("kk", "ru")}


@dataclass
class Sent:
    """A message the bot sent, as the person's phone would show it."""

    user: str
    message: dict[str, Any]
    id: str

    @property
    def kind(self) -> str:
        if self.message["type"] == "interactive":
            return self.message["interactive"]["type"]  # button | list
        return self.message["type"]  # text | document | template

    @property
    def text(self) -> str:
        if self.message["type"] == "text":
            return self.message["text"]["body"]
        if self.message["type"] == "interactive":
            return self.message["interactive"]["body"]["text"]
        if self.message["type"] == "document":
            return self.message["document"].get("caption", "")
        return ""

    @property
    def options(self) -> list[dict[str, str]]:
        """Buttons or list rows: {"id", "title"[, "description"]}."""
        if self.message["type"] != "interactive":
            return []
        action = self.message["interactive"]["action"]
        if "buttons" in action:
            return [button["reply"] for button in action["buttons"]]
        return [row for section in action["sections"] for row in section["rows"]]

    @property
    def titles(self) -> list[str]:
        return [option["title"] for option in self.options]

    def option(self, title: str) -> str:
        """The id behind a button or row, by the start of its title."""
        for option in self.options:
            if option["title"].startswith(title):
                return option["id"]
        raise AssertionError(f"no option {title!r}; options: {self.titles}")


@dataclass
class Fault:
    """Answer the next `count` sends (to `user`, or anyone) with Meta's error `code`."""

    code: int
    status: int = 400
    count: int = 1
    user: str | None = None
    kinds: tuple[str, ...] = ()  # only these message types (e.g. "interactive"); () = any


@dataclass
class Citizen:
    user_id: str  # business-scoped user id, "KZ.…"; or None with only a phone
    phone: str | None = None
    received: list[Sent] = field(default_factory=list)


class FakeGraphAPI:
    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self.now = now or (lambda: datetime.now(UTC))
        self.sent: list[Sent] = []
        self.rejected: list[tuple[str, int]] = []  # (user, code) of refused sends
        self.media: dict[str, tuple[str, str, bytes]] = {}  # id → (filename, type, content)
        self.faults: list[Fault] = []
        self.last_wrote: dict[str, datetime] = {}  # the 24-hour window, per person
        self.base_url = ""
        self.bot_url = ""
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    # --- the server -------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post(f"/{VERSION}/{PHONE_NUMBER_ID}/messages", self._messages)
        app.router.add_post(f"/{VERSION}/{PHONE_NUMBER_ID}/media", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        self._client = aiohttp.ClientSession()
        return self.base_url

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def settings(self, **extra: object) -> dict[str, object]:
        """The bot's WHATSAPP_* settings for this server."""
        return {"whatsapp_token": TOKEN, "whatsapp_phone_number_id": PHONE_NUMBER_ID,
                "whatsapp_app_secret": APP_SECRET, "whatsapp_verify_token": VERIFY_TOKEN,
                "whatsapp_api_base": self.base_url, "whatsapp_api_version": VERSION, **extra}

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(401, 190, "Invalid OAuth access token")
        body = await request.json()
        user = body.get("recipient") or body.get("to") or ""
        fault = self._fault(user, body.get("type", ""))
        problem = (fault.status, fault.code, "injected") if fault else self._check(user, body)
        if problem:
            self.rejected.append((user, problem[1]))
            return _error(*problem)
        message = {key: value for key, value in body.items()
                   if key not in ("messaging_product", "recipient_type", "to", "recipient")}
        sent = Sent(user, message, f"wamid.{next(self._ids)}")
        async with self._changed:
            self.sent.append(sent)
            self._changed.notify_all()
        return web.json_response({"messaging_product": "whatsapp",
                                  "contacts": [{"input": user}],
                                  "messages": [{"id": sent.id}]})

    async def _upload(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(401, 190, "Invalid OAuth access token")
        form = await request.post()
        upload = form.get("file")
        kind = str(form.get("type", ""))
        if not isinstance(upload, web.FileField) or kind not in DOCUMENT_TYPES | AUDIO_TYPES:
            return _error(400, 131053, f"Media upload error: unsupported type {kind}")
        content = upload.file.read()
        if kind == "audio/ogg" and not content.startswith(b"OggS"):
            return _error(400, 131053, "Media upload error: not an OGG file")
        media_id = f"media-{next(self._ids)}"
        self.media[media_id] = (upload.filename, kind, content)
        return web.json_response({"id": media_id})

    def _fault(self, user: str, kind: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.user in (None, user) and \
                    (not fault.kinds or kind in fault.kinds):
                fault.count -= 1
                return fault
        return None

    def _check(self, user: str, body: dict[str, Any]) -> tuple[int, int, str] | None:
        """What Meta would refuse in this message, as (HTTP status, code, message)."""
        kind = body.get("type")
        if body.get("messaging_product") != "whatsapp" or not user:
            return 400, 100, "Invalid parameter"
        if kind == "template":
            return self._check_template(body.get("template") or {})
        wrote = self.last_wrote.get(user)
        if wrote is None or self.now() - wrote > timedelta(hours=24):
            return 400, 131047, "Re-engagement message: more than 24 hours have passed"
        if kind == "document" and body["document"].get("id") not in self.media:
            return 400, 131053, "Unknown media id"
        if kind == "audio" and self.media.get(body["audio"].get("id"), ("", "", b""))[1] \
                not in AUDIO_TYPES:
            return 400, 131053, "Unknown audio media id"
        return limits_problem(body)

    def _check_template(self, template: dict[str, Any]) -> tuple[int, int, str] | None:
        key = (template.get("name"), (template.get("language") or {}).get("code"))
        if key not in APPROVED:
            return 404, 132001, "Template name does not exist in the translation"
        body = [c for c in template.get("components", []) if c.get("type") == "body"]
        values = body[0]["parameters"] if body else []
        if len(values) != APPROVED[key]:
            return 400, 132000, "Number of parameters does not match the expected number"
        for value in values:
            text = value.get("text", "")
            if not text or "\n" in text or "\t" in text or "     " in text:
                return 400, 132018, "Template parameter has new-line, tab or 4+ spaces"
        return None

    # --- what the bot sent ------------------------------------------------------------------

    def messages(self, user: str) -> list[Sent]:
        return [sent for sent in self.sent if sent.user == user]

    async def wait_for(self, user: str, count: int, within: float = 10) -> list[Sent]:
        """Wait until `user` has been sent at least `count` messages in all."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.messages(user)) >= count)
        return self.messages(user)

    async def settled(self, user: str, before: int, quiet: float = 0.4,
                      within: float = 15) -> list[Sent]:
        """The messages sent to `user` after the first `before`, once the bot has gone quiet."""
        await self.wait_for(user, before + 1, within)
        while True:
            count = len(self.messages(user))
            await asyncio.sleep(quiet)
            if len(self.messages(user)) == count:
                return self.messages(user)[before:]

    # --- citizens, through "Meta" -----------------------------------------------------------

    def payload(self, citizen: Citizen, message: dict[str, Any],
                at: datetime | None = None) -> dict[str, Any]:
        at = at or self.now()
        contact: dict[str, Any] = {"profile": {"name": "Test Person"}}
        if citizen.user_id:
            contact["user_id"] = citizen.user_id
        if citizen.phone:
            contact["wa_id"] = citizen.phone
        message = {"id": f"wamid.in.{next(self._ids)}", "timestamp": str(int(at.timestamp())),
                   **({"from": citizen.phone} if citizen.phone else {}), **message}
        return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
            "field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "77000000000",
                             "phone_number_id": PHONE_NUMBER_ID},
                "contacts": [contact], "messages": [message]}}]}]}

    async def post(self, payload: dict[str, Any] | bytes, secret: str | None = APP_SECRET,
                   signature: str | None = None) -> int:
        """POST a webhook to the bot, signed as Meta signs it (or not, or wrongly)."""
        assert self._client is not None
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        elif secret is not None:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Hub-Signature-256"] = f"sha256={digest}"
        async with self._client.post(f"{self.bot_url}/whatsapp/webhook", data=body,
                                     headers=headers) as response:
            return response.status

    async def send(self, citizen: Citizen, message: dict[str, Any],
                   at: datetime | None = None) -> list[Sent]:
        """The citizen sends a message; returns what the bot answered."""
        key = citizen.user_id or citizen.phone or ""
        self.last_wrote[key] = at or self.now()
        before = len(self.messages(key))
        status = await self.post(self.payload(citizen, message, at))
        assert status == 200, status
        answer = await self.settled(key, before)
        citizen.received.extend(answer)
        return answer

    async def say(self, citizen: Citizen, text: str) -> list[Sent]:
        return await self.send(citizen, {"type": "text", "text": {"body": text}})

    async def press(self, citizen: Citizen, title: str, message: Sent | None = None) -> list[Sent]:
        """Tap a reply button or a list row (by the start of its title) on the last message
        with options, or on `message`."""
        shown = message or next(m for m in reversed(citizen.received) if m.options)
        option_id = shown.option(title)
        kind = "button_reply" if shown.kind == "button" else "list_reply"
        return await self.send(citizen, {"type": "interactive", "interactive": {
            "type": kind, kind: {"id": option_id, "title": title}}})

    async def report_failed(self, message_id: str, user: str, code: int) -> int:
        payload = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
            "field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "77000000000",
                             "phone_number_id": PHONE_NUMBER_ID},
                "statuses": [{"id": message_id, "status": "failed", "recipient_id": user,
                              "timestamp": str(int(self.now().timestamp())),
                              "errors": [{"code": code, "title": "Message undeliverable"}]}],
            }}]}]}
        return await self.post(payload)


def _error(status: int, code: int, message: str) -> web.Response:
    return web.json_response({"error": {
        "message": f"(#{code}) {message}", "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": message},
        "fbtrace_id": "fake"}}, status=status)


def limits_problem(message: dict[str, Any]) -> tuple[int, int, str] | None:
    """What in a free-form message breaks WhatsApp's limits, as (HTTP status, code, text)."""
    kind = message.get("type")
    if kind == "text":
        return _within(message["text"].get("body", ""), 4096, "text body")
    if kind == "document":
        return _within(message["document"].get("caption", "x"), 1024, "caption")
    if kind == "interactive":
        return _check_interactive(message["interactive"])
    if kind == "audio":
        return None if message["audio"].get("id") else (400, 100, "audio needs a media id")
    return 400, 131051, f"Unsupported message type {kind}"


def _within(text: str, limit: int, what: str) -> tuple[int, int, str] | None:
    if not text or len(text) > limit:
        return 400, 131009, f"{what} must be 1 to {limit} characters, got {len(text)}"
    return None


def _check_interactive(interactive: dict[str, Any]) -> tuple[int, int, str] | None:
    problem = _within(interactive.get("body", {}).get("text", ""), 1024, "body text")
    if problem:
        return problem
    action = interactive.get("action", {})
    if interactive.get("type") == "button":
        buttons = [b.get("reply", {}) for b in action.get("buttons", [])]
        titles = [b.get("title", "") for b in buttons]
        if not 1 <= len(buttons) <= 3 or len(set(titles)) != len(titles):
            return 400, 131009, "buttons: 1 to 3, with different titles"
        for button in buttons:
            problem = _within(button.get("title", ""), 20, "button title") or \
                _within(button.get("id", ""), 256, "button id")
            if problem:
                return problem
        return None
    if interactive.get("type") == "list":
        problem = _within(action.get("button", ""), 20, "list button")
        sections = action.get("sections", [])
        rows = [row for section in sections for row in section.get("rows", [])]
        if problem or not 1 <= len(rows) <= 10:
            return problem or (400, 131009, f"list rows: 1 to 10, got {len(rows)}")
        if len(sections) > 1 and not all(s.get("title") for s in sections):
            return 400, 131009, "sections need titles when there are several"
        ids = [row.get("id", "") for row in rows]
        if len(set(ids)) != len(ids):
            return 400, 131009, "row ids must be unique"
        for row in rows:
            problem = _within(row.get("title", ""), 24, "row title") or \
                _within(row.get("id", ""), 200, "row id") or \
                (_within(row["description"], 72, "row description")
                 if "description" in row else None)
            if problem:
                return problem
        return None
    return 400, 131009, f"unknown interactive type {interactive.get('type')}"
