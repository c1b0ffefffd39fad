"""A fake Telegram Bot API server on loopback, and scripted citizens who talk through it.

The bot under test uses aiogram's real HTTP client against this server (TELEGRAM_API_BASE), so
everything between the bot and "Telegram" is real HTTP: form encoding, JSON replies, long
polling. The server keeps each chat's messages as Telegram would (edits change them in place)
and records every call, so tests can assert exactly what a citizen saw.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Adilet", "username": "adilet_test_bot"}


@dataclass
class Shown:
    """A bot message as the citizen sees it now."""

    message_id: int
    text: str
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    document: dict[str, Any] | None = None
    voice: dict[str, Any] | None = None  # sendVoice: file_name, mime_type and content

    @property
    def labels(self) -> list[str]:
        return [button["text"] for row in self.buttons for button in row]

    def button(self, label: str) -> dict[str, str]:
        for row in self.buttons:
            for button in row:
                if button["text"] == label:
                    return button
        raise AssertionError(f"no button {label!r}; buttons: {self.labels}")


@dataclass
class Fault:
    """Make the next `count` calls of a method fail the way Telegram can."""

    method: str
    status: int
    count: int = 1
    retry_after: int | None = None
    description: str = "Injected fault"
    chat_id: int | None = None  # only messages to this chat (None: any)
    delay: float = 0  # wait this long before answering: longer than the client's timeout
    # makes a timeout (the message is not delivered, as when Telegram's side is overloaded)


class FakeBotAPI:
    def __init__(self, token: str = "123456:TEST-TOKEN") -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.delivered_at: list[float] = []  # monotonic time of each message shown
        self.chats: dict[int, dict[int, Shown]] = {}
        self.faults: list[Fault] = []
        # After this many messages, deliver further ones but never answer: what the bot sees
        # when it is killed with requests on the wire (None: answer everything).
        self.hang_after: int | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._outputs: dict[int, int] = {}
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._hung = asyncio.Event()
        self.base_url = ""
        # Webhook mode: where updates are POSTed (nginx in front of the instances, say) once the
        # bot has called setWebhook; the registered https address itself is only recorded.
        self.webhook_target = ""
        self.webhook_secret = ""
        self.webhook_answers: Counter[int] = Counter()  # HTTP statuses of the POSTs
        self._client: ClientSession | None = None

    # --- the server -------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._hung.set()
        async with self._changed:
            self._closing = True
            self._changed.notify_all()  # release long polls still waiting
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _read_params(request)
        self.calls.append((method, params))
        chat = params.get("chat_id")
        fault = next((f for f in self.faults if f.method == method and f.count > 0
                      and (f.chat_id is None or str(f.chat_id) == str(chat))), None)
        if fault is not None:
            fault.count -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            extra = {"retry_after": fault.retry_after} if fault.retry_after else None
            return _error(fault.status, fault.description, extra)
        handler = getattr(self, f"_api_{method}", None)
        result = await handler(params) if handler else True
        if method == "sendMessage" and self.hang_after is not None \
                and len(self.sent("sendMessage")) > self.hang_after:
            await self._hung.wait()  # delivered, but the answer never comes (until stop)
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _api_getMe(self, _params: dict) -> dict:
        return BOT_USER

    async def _api_setWebhook(self, params: dict) -> bool:
        self.webhook_secret = params.get("secret_token", "")
        return True

    async def _api_getUpdates(self, params: dict) -> list:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        # As Telegram does: updates below the offset are confirmed as soon as it is asked for,
        # not when the long poll returns (a bot stopped meanwhile must not get them again).
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        async with self._changed:
            while True:
                pending = [u for u in self._updates if u["update_id"] >= offset]
                if pending or self._closing or time.monotonic() >= deadline:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    return pending[:100]
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    pass

    async def _api_sendMessage(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        shown = Shown(next(self._message_ids), params["text"], _buttons(params))
        return await self._show(chat_id, shown)

    async def _api_editMessageText(self, params: dict) -> dict | web.Response:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        current = self.chats.get(chat_id, {}).get(message_id)
        if current is None:
            return _error(400, "Bad Request: message to edit not found")
        new = Shown(message_id, params["text"], _buttons(params))
        if (new.text, new.buttons) == (current.text, current.buttons):
            await self._show(chat_id, current)  # the bot did answer: the screen stays as it is
            return _error(400, "Bad Request: message is not modified")
        return await self._show(chat_id, new)

    async def _api_sendDocument(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        document = params.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = params.get(document.removeprefix("attach://"))  # aiogram's multipart
        info = {"file_id": f"file{next(self._message_ids)}", "file_unique_id": "u",
                "file_name": getattr(document, "filename", "file"),
                "content": document.file.read() if hasattr(document, "file") else b""}
        shown = Shown(next(self._message_ids), params.get("caption", ""), _buttons(params), info)
        return await self._show(chat_id, shown)

    async def _api_sendVoice(self, params: dict) -> dict | web.Response:
        """A voice message: as Telegram, it must be an uploaded OGG file (multipart)."""
        chat_id = int(params["chat_id"])
        voice = params.get("voice")
        if isinstance(voice, str) and voice.startswith("attach://"):
            voice = params.get(voice.removeprefix("attach://"))
        if not hasattr(voice, "file"):
            return _error(400, "Bad Request: there is no voice in the request")
        content = voice.file.read()
        if not content.startswith(b"OggS"):
            return _error(400, "Bad Request: voice must be encoded in OGG")
        info = {"file_id": f"voice{next(self._message_ids)}", "file_unique_id": "v",
                "duration": 1, "mime_type": "audio/ogg", "file_name": voice.filename,
                "content": content}
        shown = Shown(next(self._message_ids), params.get("caption", ""), _buttons(params),
                      voice=info)
        return await self._show(chat_id, shown)

    async def _show(self, chat_id: int, shown: Shown) -> dict:
        self.delivered_at.append(time.monotonic())
        async with self._changed:
            self.chats.setdefault(chat_id, {})[shown.message_id] = shown
            self._outputs[chat_id] = self._outputs.get(chat_id, 0) + 1
            self._changed.notify_all()
        message = {"message_id": shown.message_id, "date": int(time.time()),
                   "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                   "text": shown.text}
        if shown.document:
            message["document"] = {k: v for k, v in shown.document.items() if k != "content"}
        if shown.voice:
            message["voice"] = {k: v for k, v in shown.voice.items()
                                if k not in ("content", "file_name")}
        if shown.buttons:
            message["reply_markup"] = {"inline_keyboard": shown.buttons}
        return message

    # --- the citizen's side -----------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> None:
        if self.webhook_target:
            await self._post_to_webhook(update)
            return
        async with self._changed:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._changed.notify_all()

    async def _post_to_webhook(self, update: dict[str, Any]) -> None:
        """As Telegram does: one POST per update, the secret in a header."""
        update["update_id"] = next(self._update_ids)
        if self._client is None:
            self._client = ClientSession()
        async with self._client.post(
                self.webhook_target, json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}) as answer:
            self.webhook_answers[answer.status] += 1

    def drop_pending_updates(self) -> None:
        """Forget updates no bot has taken yet: what a test does after killing the bot, so that
        nothing is handled twice after the restart."""
        self._updates.clear()

    def outputs(self, chat_id: int) -> int:
        return self._outputs.get(chat_id, 0)

    async def wait_outputs(self, chat_id: int, at_least: int, seconds: float = 10) -> None:
        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(lambda: self.outputs(chat_id) >= at_least)

    async def wait_for_text(self, chat_id: int, text: str, seconds: float = 10) -> Shown:
        """The newest message to the chat that contains `text`, once there is one (a message
        the bot sends on its own, e.g. an operator's reply)."""

        def found() -> Shown | None:
            return next((shown for shown in reversed(self.messages(chat_id))
                         if text in shown.text), None)

        async with asyncio.timeout(seconds), self._changed:
            await self._changed.wait_for(lambda: found() is not None)
        return found()

    def messages(self, chat_id: int) -> list[Shown]:
        """Everything the chat has been sent, oldest first."""
        return [self.chats.get(chat_id, {})[key] for key in sorted(self.chats.get(chat_id, {}))]

    def latest(self, chat_id: int) -> Shown:
        messages = self.chats.get(chat_id, {})
        return messages[max(messages)]

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


class Citizen:
    """A scripted person on Telegram: types, presses buttons, and sees the bot's answers."""

    def __init__(self, api: FakeBotAPI, user_id: int, language_code: str | None = "ru") -> None:
        self.api = api
        self.user_id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": "Citizen"}
        if language_code:
            self.user["language_code"] = language_code
        self._message_ids = itertools.count(1)

    @property
    def screen(self) -> Shown:
        return self.api.latest(self.user_id)

    async def say(self, text: str) -> Shown:
        return await self._send({"text": text})

    async def send(self, **content: Any) -> Shown:
        """Any message content: sticker={...}, voice={...}, photo=[...], document={...}."""
        return await self._send(content)

    async def edit(self, message_id: int, text: str) -> Shown:
        return await self._act({"edited_message": {**self._message(text=text),
                                                   "message_id": message_id,
                                                   "edit_date": int(time.time())}})

    async def press(self, label: str, on: Shown | None = None) -> Shown:
        message = on or self.screen
        return await self.press_data(message.button(label)["callback_data"], message.message_id)

    async def press_data(self, data: str, message_id: int | None = None) -> Shown:
        message_id = message_id or self.screen.message_id
        return await self._act({"callback_query": {
            "id": f"cb{self.user_id}{next(self._message_ids)}", "from": self.user,
            "chat_instance": "ci", "data": data,
            "message": {"message_id": message_id, "date": int(time.time()),
                        "chat": {"id": self.user_id, "type": "private"}, "from": BOT_USER,
                        "text": "…"},
        }})

    async def _send(self, content: dict[str, Any]) -> Shown:
        return await self._act({"message": self._message(**content)})

    def _message(self, **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": self.user_id, "type": "private"}, "from": self.user, **content}

    async def _act(self, update: dict[str, Any]) -> Shown:
        before = self.api.outputs(self.user_id)
        await self.api.push(update)
        await self.api.wait_outputs(self.user_id, before + 1)
        return self.screen


def _buttons(params: dict[str, Any]) -> list[list[dict[str, str]]]:
    markup = params.get("reply_markup")
    if not markup:
        return []
    if isinstance(markup, str):
        markup = json.loads(markup)
    return markup.get("inline_keyboard", [])


async def _read_params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        return await request.json()
    form = await request.post()
    return {key: form[key] for key in form}


def _error(status: int, description: str, parameters: dict | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def agreed_citizen(api: FakeBotAPI, user_id: int, language: str = "ru") -> Citizen:
    """A person on Telegram who chose a language and agreed to the notice."""
    citizen = Citizen(api, user_id, language)
    await citizen.say("/start")
    await citizen.press({"ru": "Русский", "kk": "Қазақша"}[language])
    await citizen.press_data("consent:yes")
    return citizen
