"""The local web chat at http://127.0.0.1:8080: the same screens and buttons a citizen sees.

Each browser gets a random id in a cookie; that id is the "user" of the `web` channel. Files a
screen carries (a draft as PDF and DOCX) are kept in memory for that browser only, until its
next files, and downloaded from /chat/file/<n>. A screen's voice (🔊) is kept in memory too,
the latest ones, and played from /chat/voice/<token> by an <audio> player. Messages the bot
sends on its own (reminders) wait in an in-memory inbox that the page asks for every few
seconds.
"""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict, deque
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.channels.localchat import screen_as_dict
from bot.services.conversation import Conversation, Event, EventKind
from bot.services.conversation.screens import Attachment, Screen

CHANNEL = "web"
COOKIE = "local_chat"
MAX_TEXT = 10_000
TEMPLATES = Path(__file__).resolve().parent / "templates"
FILE_KEEPERS = 1_000  # browsers whose latest files are kept
INBOX_USERS = 1_000  # browsers with messages waiting
INBOX_SIZE = 20  # messages kept for one browser
VOICES_KEPT = 2_000  # voices waiting to be played, all browsers together


class VoiceShelf:
    """Screens' voices until the browser plays them, under a random token per voice."""

    def __init__(self, limit: int = VOICES_KEPT) -> None:
        self._voices: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.limit = limit

    def url(self, user_id: str, screen: Screen) -> str | None:
        if screen.voice is None:
            return None
        token = secrets.token_urlsafe(12)
        self._voices[(user_id, token)] = screen.voice.content
        while len(self._voices) > self.limit:
            self._voices.popitem(last=False)
        return f"chat/voice/{token}"

    def get(self, user_id: str, token: str) -> bytes | None:
        return self._voices.get((user_id, token))


class LocalInbox:
    """The local chat's side of reminders: a bounded inbox per browser."""

    def __init__(self) -> None:
        self._boxes: OrderedDict[str, deque[Screen]] = OrderedDict()

    async def deliver(self, chat_id: str, screen: Screen) -> None:
        box = self._boxes.setdefault(chat_id, deque(maxlen=INBOX_SIZE))
        box.append(screen)
        self._boxes.move_to_end(chat_id)
        while len(self._boxes) > INBOX_USERS:
            self._boxes.popitem(last=False)

    def take(self, chat_id: str) -> list[Screen]:
        return list(self._boxes.pop(chat_id, ()))


def add_routes(app: web.Application, conversation: Conversation,
               inbox: LocalInbox | None = None) -> None:
    page = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
    ).get_template("chat.html").render()

    async def show_page(request: web.Request) -> web.Response:
        response = web.Response(text=page, content_type="text/html")
        if COOKIE not in request.cookies:
            response.set_cookie(COOKIE, secrets.token_urlsafe(16), httponly=True,
                                samesite="Strict", max_age=365 * 24 * 3600)
        return response

    async def take_event(request: web.Request) -> web.Response:
        user_id = request.cookies.get(COOKIE)
        if not user_id:
            raise web.HTTPForbidden(text="open the chat page first")
        try:
            body = await request.json()
            event = _event(user_id, body, request.headers.get("Accept-Language"))
        except (json.JSONDecodeError, TypeError, ValueError, AttributeError):
            raise web.HTTPBadRequest(text="expected {kind, value}") from None
        screens = await conversation.handle(event)
        made = [item for screen in screens for item in screen.attachments]
        if made:
            files[user_id] = made
            files.move_to_end(user_id)
            while len(files) > FILE_KEEPERS:
                files.popitem(last=False)
        return web.json_response({"screens": [screen_as_dict(s, voices.url(user_id, s))
                                              for s in screens]})

    async def play(request: web.Request) -> web.Response:
        voice = voices.get(request.cookies.get(COOKIE, ""), request.match_info["token"])
        if voice is None:
            raise web.HTTPNotFound(text="this voice is no longer here: press 🔊 again")
        return web.Response(body=voice, content_type="audio/ogg",
                            headers={"Cache-Control": "private, max-age=3600"})

    async def download(request: web.Request) -> web.Response:
        kept = files.get(request.cookies.get(COOKIE, ""), [])
        index = request.match_info["index"]
        if not index.isdigit() or int(index) >= len(kept):
            raise web.HTTPNotFound(text="this file is no longer here: make it again in the chat")
        item = kept[int(index)]
        return web.Response(body=item.content, content_type=item.mime_type, headers={
            "Content-Disposition": f'attachment; filename="{item.filename}"'})

    async def inbox_messages(request: web.Request) -> web.Response:
        user_id = request.cookies.get(COOKIE, "")
        waiting = inbox.take(user_id) if inbox else []
        return web.json_response({"screens": [screen_as_dict(s, voices.url(user_id, s))
                                              for s in waiting]})

    files: OrderedDict[str, list[Attachment]] = OrderedDict()
    voices = VoiceShelf()
    app.router.add_get("/", show_page)
    app.router.add_get("/chat/api/inbox", inbox_messages)
    app.router.add_post("/chat/api/event", take_event)
    app.router.add_get("/chat/file/{index}", download)
    app.router.add_get("/chat/voice/{token}", play)


def _event(user_id: str, body: dict, accept_language: str | None) -> Event:
    kind, value = str(body.get("kind", "")), str(body.get("value", ""))[:MAX_TEXT]
    hint = (accept_language or "").split(",", 1)[0] or None
    if kind == "choice":
        return Event(CHANNEL, user_id, EventKind.choice, choice=value, language_hint=hint)
    if kind == "text":
        return Event.from_text(CHANNEL, user_id, value, language_hint=hint)
    if kind == "file":
        return Event(CHANNEL, user_id, EventKind.unsupported, media="document",
                     language_hint=hint)
    raise ValueError(kind)
