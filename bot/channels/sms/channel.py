"""The SMS channel: reminders out through the gateway, STOP in through the inbound webhook.

Out: `SmsDelivery` is the reminder dispatcher's delivery for channel "sms" (same rows, pacing
and exactly-once rules as Telegram and WhatsApp). The text is the short one the composer made
(bot/services/sms/texts.py); the number is looked up behind the stored alias at the last
moment and never logged.

In: POST /sms/inbound, a JSON or form body `{"id", "from", "text"}`, signed with HMAC-SHA256
of the raw body under SMS_INBOUND_SECRET in `X-Signature: sha256=<hex>`. Anything unsigned or
signed wrongly is refused (403) before it is read. A message id seen before is ignored, so a
redelivery does not confirm twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.channels.seen import SeenMessages
from bot.channels.sms import CHANNEL
from bot.channels.sms.gateway import FINAL_FAILURES, SmsGateway
from bot.services.clock import Clock, to_local
from bot.services.conversation.screens import Screen
from bot.services.reminders.delivery import DeliveryError, Unreachable
from bot.services.reminders.dispatcher import RECIPIENT
from bot.services.sms.parts import parts
from bot.services.sms.people import SmsPeople
from bot.services.sms.phones import normalise_phone
from bot.services.sms.texts import confirmation
from bot.storage.db import SessionFactory
from bot.storage.models import FollowUp, Hearing, RelativeLink, Reminder, SmsUsage, User

log = logging.getLogger(__name__)
INBOUND_PATH = "/sms/inbound"
STOP_WORDS = frozenset({"СТОП", "ТОҚТА", "ТОКТА", "STOP"})
REPORTS_EVERY = timedelta(minutes=1)
REPORTS_FOR = timedelta(days=2)  # a message with no final status after this is let be


def is_stop(text: str) -> bool:
    """"стоп", " Stop! ", "ТОҚТА." — any case, with spaces or punctuation around it."""
    word = re.sub(r"[\W_]+", "", text, flags=re.UNICODE).upper()
    return word in STOP_WORDS


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(header) and hmac.compare_digest(header.removeprefix("sha256="), expected)


async def count_usage(sessions: SessionFactory, moment: datetime, sms_parts: int) -> None:
    """One more SMS, of so many parts, on this Kazakhstan day."""
    day = to_local(moment).date().isoformat()
    for _try in range(3):
        async with sessions() as session, session.begin():
            result = await session.execute(update(SmsUsage).where(SmsUsage.day == day).values(
                messages=SmsUsage.messages + 1, parts=SmsUsage.parts + sms_parts))
            if result.rowcount:
                return
        try:
            async with sessions() as session, session.begin():
                session.add(SmsUsage(day=day, messages=1, parts=sms_parts))
            return
        except IntegrityError:
            continue  # another sender made the day's row first: add to it


class SmsDelivery:
    def __init__(self, gateway: SmsGateway, people: SmsPeople, sessions: SessionFactory,
                 clock: Clock) -> None:
        self.gateway = gateway
        self.people = people
        self._sessions = sessions
        self._clock = clock

    async def deliver(self, chat_id: str, screen: Screen) -> str | None:
        try:
            number = await self.people.addresses.address(chat_id)
        except LookupError:
            raise Unreachable("no number") from None
        text = screen.full_text()
        message_id = await self.gateway.send(number, text, valid_minutes=_validity(screen))
        await count_usage(self._sessions, self._clock.now(), parts(text))
        return message_id


def _validity(screen: Screen) -> int:
    """Minutes the provider may keep trying (a reminder is no use after the hearing)."""
    minutes = screen.name.rpartition("@")[2]
    return int(minutes) if minutes.isdigit() else 1440


class SmsChannel:
    def __init__(self, gateway: SmsGateway, people: SmsPeople, sessions: SessionFactory,
                 clock: Clock, secret: str, seen: SeenMessages) -> None:
        self.gateway = gateway
        self.people = people
        self.delivery = SmsDelivery(gateway, people, sessions, clock)
        self._sessions = sessions
        self._clock = clock
        self._secret = secret
        self._seen = seen
        self._next_reports: datetime | None = None
        people.send_now = self.send_now

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(INBOUND_PATH, self._inbound)

    async def close(self) -> None:
        await self.gateway.close()

    async def _inbound(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_ok(self._secret, body, request.headers.get("X-Signature", "")):
            return web.Response(status=403, text="bad signature")
        message = _parse(body, request.content_type)
        if message is None:
            return web.Response(status=400, text="expected id, from and text")
        message_id, sender, text = message
        if not await self._seen.first_time(f"sms:{message_id}"):
            return web.json_response({"ok": True, "duplicate": True})
        number = normalise_phone(sender)
        if number is not None and is_stop(text):
            language = await self.people.stop(number)
            if language is not None:
                log.info("SMS stopped by the person (STOP)")
                await self._confirm(number, language)
        return web.json_response({"ok": True})

    async def _confirm(self, number: str, language: str) -> None:
        await self.send_now(number, confirmation(language))

    async def send_now(self, number: str, text: str) -> bool:
        """One SMS outside the reminder rows (STOP's confirmation, a check code): worth a short
        retry, not a queue. Whether the gateway took it."""
        for attempt in range(3):
            try:
                await self.gateway.send(number, text, valid_minutes=60)
                await count_usage(self._sessions, self._clock.now(), parts(text))
                return True
            except DeliveryError as error:
                log.warning("an SMS outside the reminders was not sent: %s", error.code)
                await asyncio.sleep(0.5 * (attempt + 1))
        return False

    # --- delivery reports (polled: GetSMSStatus) ----------------------------------------------

    async def check_reports(self) -> int:
        """Ask the gateway about SMS reminders sent lately; one it reports undelivered becomes
        a follow-up for staff, as a WhatsApp failure does. Returns how many."""
        now = self._clock.now()
        if self._next_reports is not None and now < self._next_reports:
            return 0
        self._next_reports = now + REPORTS_EVERY
        async with self._sessions() as session:
            # The follow-up is the recipient's (an SMS relative's copy goes under them, as
            # an undelivered copy on another channel does), to call about.
            rows = (await session.execute(
                select(Reminder.id, Reminder.message_id, User.id)
                .join(Hearing, Hearing.id == Reminder.hearing_id)
                .outerjoin(RelativeLink, RelativeLink.id == Reminder.link_id)
                .join(User, User.id == RECIPIENT)
                .where(Reminder.status == "sent", Reminder.message_id.is_not(None),
                       Reminder.sent_at > now - REPORTS_FOR, User.channel == CHANNEL))).all()
        if not rows:
            return 0
        try:
            found = await self.gateway.statuses([message_id for _id, message_id, _u in rows])
        except DeliveryError as error:
            log.warning("SMS delivery reports unavailable: %s", error.code)
            return 0
        failed = [(rid, owner) for rid, message_id, owner in rows
                  if found.get(message_id) in FINAL_FAILURES]
        if failed:
            async with self._sessions() as session, session.begin():
                for reminder_id, owner in failed:
                    changed = await session.execute(update(Reminder).where(
                        Reminder.id == reminder_id, Reminder.status == "sent").values(
                        status="failed", last_error="sms: undelivered"))
                    if changed.rowcount:
                        session.add(FollowUp(user_id=owner, reminder_id=reminder_id,
                                             reason="sms:undelivered", created_at=now))
        return len(failed)


def _parse(body: bytes, content_type: str) -> tuple[str, str, str] | None:
    try:
        if content_type == "application/json":
            data = json.loads(body)
        else:
            data = dict(parse_qsl(body.decode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    fields = [str(data.get(key, "")).strip() for key in ("id", "from", "text")]
    return (fields[0], fields[1], fields[2]) if fields[0] and fields[1] else None
