"""The WhatsApp channel: the webhook on the bot's HTTP server, and the reminders' delivery.

Meta wants a quick 200: a signed POST is answered at once and handled in the background, each
message once (a redelivered message id is skipped, on whichever instance it lands). Replies go
out through the Graph API with a few retries for WhatsApp's rate limits and passing faults.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy import select, update

from bot.channels.seen import SeenMessages
from bot.channels.whatsapp import CHANNEL, WEBHOOK_PATH
from bot.channels.whatsapp.drawing import (
    PAGE_VERB,
    Drawing,
    WhatsAppPresenter,
    document,
    upload_type,
    visible_options,
)
from bot.channels.whatsapp.graph import (
    BSUID,
    OUTSIDE_WINDOW,
    PAIR_RATE_LIMIT,
    THROUGHPUT_LIMIT,
    UNDELIVERABLE,
    GraphClient,
    GraphError,
)
from bot.channels.whatsapp.webhook import (
    Incoming,
    Renamed,
    StatusReport,
    read_payload,
    signature_ok,
)
from bot.config import Settings
from bot.services.addresses import ALIAS_PREFIX, AddressBook
from bot.services.clock import Clock
from bot.services.conversation import Conversation, Event, EventKind, Screen
from bot.services.conversation.screens import TemplateMessage
from bot.services.reminders.delivery import (
    DeliveryError,
    Refused,
    RetryLater,
    Unavailable,
    Unreachable,
)
from bot.services.reminders.dispatcher import RECIPIENT
from bot.storage.db import SessionFactory
from bot.storage.models import FollowUp, Hearing, RelativeLink, Reminder, User

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)  # free-form messages only this long after the person wrote
WINDOW_MARGIN = timedelta(minutes=10)  # a reminder at 23:55 goes as a template, to be safe
PAGE_SIZE = 5  # + Previous, More, Back, Menu, Person = WhatsApp's 10 list rows
NUMBER = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")
REPLY_TRIES = 4


def delivery_error(error: GraphError, backoff: float) -> DeliveryError:
    """Meta's error, as the reminder dispatcher understands errors."""
    if error.code in THROUGHPUT_LIMIT:
        return RetryLater(backoff)
    if error.code == PAIR_RATE_LIMIT:
        return RetryLater(6 * backoff, chat_only=True)
    if error.transient:
        return Unavailable(f"HTTP {error.status} code {error.code}")
    if error.code in UNDELIVERABLE:
        return Unreachable(f"undeliverable {error.code}")
    if error.code == OUTSIDE_WINDOW:
        return Refused("outside the 24-hour window")
    return Refused(f"code {error.code}")


def template_message(name: str, template: TemplateMessage) -> dict[str, Any]:
    components: list[dict[str, Any]] = [{"type": "body", "parameters": [
        {"type": "text", "text": value} for value in template.parameters]}]
    components += [{"type": "button", "sub_type": "quick_reply", "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload}]}
                   for index, payload in enumerate(template.buttons)]
    return {"type": "template", "template": {
        "name": name, "language": {"code": template.language}, "components": components}}


class WhatsAppSender:
    """Drawings and files to one person, retrying WhatsApp's limits and passing faults."""

    def __init__(self, graph: GraphClient, backoff: float,
                 addresses: AddressBook | None = None) -> None:
        self.graph = graph
        self.backoff = backoff
        self.addresses = addresses

    async def send(self, user_id: str, message: dict[str, Any], tries: int = REPLY_TRIES) -> str:
        to = await self.addresses.address(user_id) if self.addresses else user_id
        for attempt in range(tries):
            try:
                return await self.graph.send(to, message)
            except GraphError as error:
                wait = self._wait(error, attempt)
                if wait is None or attempt + 1 >= tries:
                    raise
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def send_drawing(self, user_id: str, drawing: Drawing,
                           tries: int = REPLY_TRIES) -> str | None:
        """Send each message of a drawing; returns the last one's id."""
        sent = None
        for message in drawing.messages:
            sent = await self.send(user_id, message, tries)
        return sent

    async def send_files(self, user_id: str, screen: Screen) -> None:
        for attachment in screen.attachments:
            media_id = await self.graph.upload(attachment.content, attachment.filename,
                                               upload_type(attachment.mime_type))
            await self.send(user_id, document(media_id, attachment.filename, attachment.caption))

    def _wait(self, error: GraphError, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when trying again cannot help."""
        if error.code == PAIR_RATE_LIMIT:
            return 6 * self.backoff
        if error.code in THROUGHPUT_LIMIT or error.transient:
            return self.backoff * 2 ** attempt
        return None


class WhatsAppDelivery:
    """Reminders on WhatsApp: a free-form message within 24 hours of the person's last
    message, else the approved template; errors told apart for the dispatcher."""

    def __init__(self, sender: WhatsAppSender, presenter: WhatsAppPresenter,
                 sessions: SessionFactory, clock: Clock, templates: dict[str, str]) -> None:
        self.sender = sender
        self.presenter = presenter
        self.sessions = sessions
        self.clock = clock
        self.templates = templates

    async def deliver(self, chat_id: str, screen: Screen) -> str | None:
        if screen.template is not None and not await self.window_open(chat_id):
            return await self._template(chat_id, screen.template)
        try:  # one try: the dispatcher does the retrying, and counts it
            return await self.sender.send_drawing(chat_id, self.presenter.draw(screen), tries=1)
        except GraphError as error:
            if error.code == OUTSIDE_WINDOW and screen.template is not None:
                return await self._template(chat_id, screen.template)
            raise delivery_error(error, self.sender.backoff) from None

    async def window_open(self, chat_id: str) -> bool:
        async with self.sessions() as session:
            seen = await session.scalar(select(User.last_seen_at).where(
                User.channel == CHANNEL, User.channel_user_id == chat_id))
        return seen is not None and self.clock.now() - seen < WINDOW - WINDOW_MARGIN

    async def _template(self, chat_id: str, template: TemplateMessage) -> str:
        name = self.templates.get(template.purpose)
        if not name:
            raise Refused(f"no template configured for {template.purpose}")
        try:
            return await self.sender.graph.send(chat_id, template_message(name, template))
        except GraphError as error:
            failure = delivery_error(error, self.sender.backoff)
            if isinstance(failure, Refused):  # the template itself was refused: staff look
                raise Refused(f"template {name} {template.language}: code {error.code}") \
                    from None
            raise failure from None

    async def record_status(self, report: StatusReport) -> None:
        """A message WhatsApp took but later could not deliver: if it was a reminder, it
        is marked failed and put before staff (it is not sent again: never twice)."""
        if report.status != "failed":
            return
        reason = f"undelivered: code {report.error_code}"
        async with self.sessions() as session, session.begin():
            row = (await session.execute(  # the person it was for: the owner, or a relative
                select(Reminder.id, RECIPIENT.label("user_id")).select_from(Reminder)
                .join(Hearing, Hearing.id == Reminder.hearing_id)
                .outerjoin(RelativeLink, RelativeLink.id == Reminder.link_id)
                .where(Reminder.message_id == report.message_id, Reminder.status == "sent"),
            )).first()
            if row is None:
                return
            await session.execute(update(Reminder).where(Reminder.id == row.id).values(
                status="failed", last_error=reason))
            session.add(FollowUp(user_id=row.user_id, reminder_id=row.id, reason=reason,
                                 created_at=self.clock.now()))
        log.info("reminder %s was not delivered by WhatsApp (code %s)", row.id,
                 report.error_code)


class WhatsAppChannel:
    def __init__(self, settings: Settings, conversation: Conversation,
                 sessions: SessionFactory, clock: Clock, backoff: float = 1.0) -> None:
        self.settings = settings
        self.conversation = conversation
        self.graph = GraphClient(settings.whatsapp_api_base, settings.whatsapp_api_version,
                                 settings.whatsapp_phone_number_id, settings.whatsapp_token)
        self.presenter = WhatsAppPresenter(settings.whatsapp_interactive)
        # A person known only by phone number is stored under an alias (bot/channels/addresses.py).
        self.addresses = AddressBook(sessions, clock, CHANNEL)
        self.sender = WhatsAppSender(self.graph, backoff, self.addresses)
        self.seen = SeenMessages(sessions, clock, conversation.services.coordination.seen)
        self.delivery = WhatsAppDelivery(self.sender, self.presenter, sessions, clock, {
            "hearing_reminder": settings.whatsapp_template_reminder,
            "hearing_moved": settings.whatsapp_template_moved,
            "hearing_cancelled": settings.whatsapp_template_cancelled,
        })
        self._tasks: set[asyncio.Task[None]] = set()
        self._numbered: OrderedDict[str, None] = OrderedDict()  # saw numbered lines last
        self._adopted: set[str] = set()  # business-scoped ids already moved off a phone key
        conversation.set_page_size(CHANNEL, PAGE_SIZE)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(WEBHOOK_PATH, self._verify)
        app.router.add_post(WEBHOOK_PATH, self._receive)

    async def start(self) -> None:
        await self.graph.start()
        log.info("whatsapp webhook ready at %s", WEBHOOK_PATH)

    async def stop(self, wait_seconds: float = 15) -> None:
        """Let the messages being answered finish, then close the HTTP client."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=wait_seconds)
        await self.graph.close()

    # --- the webhook --------------------------------------------------------------------------

    async def _verify(self, request: web.Request) -> web.Response:
        """Meta's check when the webhook is registered: echo the challenge for our token."""
        query = request.query
        if query.get("hub.mode") == "subscribe" and \
                query.get("hub.verify_token") == self.settings.whatsapp_verify_token:
            return web.Response(text=query.get("hub.challenge", ""))
        raise web.HTTPForbidden(text="wrong verify token")

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_ok(body, request.headers.get("X-Hub-Signature-256"),
                            self.settings.whatsapp_app_secret):
            raise web.HTTPForbidden(text="bad signature")
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise web.HTTPBadRequest(text="not JSON") from None
        if not isinstance(payload, dict):
            raise web.HTTPBadRequest(text="not a webhook payload")
        task = asyncio.create_task(self._process(payload))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.Response(text="ok")

    async def _process(self, payload: dict[str, Any]) -> None:
        for fact in read_payload(payload, self.settings.whatsapp_phone_number_id):
            try:
                if isinstance(fact, Incoming):
                    await self._answer(fact)
                elif isinstance(fact, StatusReport):
                    await self.delivery.record_status(fact)
                elif isinstance(fact, Renamed):
                    await self._rename(fact.old, fact.new)
            except Exception:
                log.exception("a WhatsApp update could not be handled")

    # --- answering a person -------------------------------------------------------------------

    async def _answer(self, incoming: Incoming) -> None:
        if not await self.seen.first_time(incoming.message_id):
            return
        event = incoming.event
        if not BSUID.match(event.user_id):  # known by phone number only: store an alias
            event = dataclasses.replace(event, user_id=await self.addresses.alias(event.user_id))
        elif incoming.phone and event.user_id not in self._adopted:
            self._adopted.add(event.user_id)
            await self._rename(incoming.phone, event.user_id)
        page = 0
        if event.kind is EventKind.choice and event.choice.startswith(PAGE_VERB + ":"):
            # "More ➡" on a long list: the same screen, drawn again at the next page.
            argument = event.choice.partition(":")[2]
            page = int(argument) if argument.isdigit() else 0
            screens = [await self.conversation.redraw(CHANNEL, event.user_id)]
        else:
            screens = await self.conversation.handle(await self._numbered_choice(event))
        for screen in screens:
            await self._show(event.user_id, screen, page)

    async def _rename(self, old: str, new: str) -> None:
        """The person's id changed: their data moves, and a number no longer needed goes."""
        old_id = old if BSUID.match(old) else await self.addresses.alias_of(old)
        new_id = new if BSUID.match(new) else await self.addresses.alias(new)
        await self.conversation.services.store.rename(CHANNEL, old_id, new_id)
        if old_id != new_id and old_id.startswith(ALIAS_PREFIX):
            await self.addresses.forget(old_id)

    async def _numbered_choice(self, event: Event) -> Event:
        """"2" typed after numbered lines means the second option."""
        match = NUMBER.fullmatch(event.text) if event.kind is EventKind.text else None
        if match is None or (self.presenter.interactive and event.user_id not in self._numbered):
            return event
        options = visible_options(await self.conversation.redraw(CHANNEL, event.user_id))
        number = int(match[1])
        if not 1 <= number <= len(options):
            return event
        return Event(CHANNEL, event.user_id, EventKind.choice, choice=options[number - 1].id,
                     at=event.at)

    async def _show(self, user_id: str, screen: Screen, page: int) -> None:
        try:
            try:
                await self.sender.send_drawing(user_id, self.presenter.draw(screen, page))
                self._numbered.pop(user_id, None)
            except GraphError as error:
                if error.transient or not self.presenter.interactive:
                    raise
                # Buttons or a list refused (an old phone, a limit we missed): plain lines.
                log.warning("interactive message refused (code %s); sending numbered lines",
                            error.code)
                await self.sender.send_drawing(user_id, self.presenter.draw(screen,
                                                                            numbered=True))
                self._numbered[user_id] = None
                while len(self._numbered) > 10_000:
                    self._numbered.popitem(last=False)
            await self.sender.send_files(user_id, screen)
        except GraphError as error:
            # Meta's message text may name the person's number: only the codes go to the log.
            log.warning("a WhatsApp reply was not delivered (HTTP %s, code %s)", error.status,
                        error.code)
