"""Announcements from the courts (a court closed for a day) to the people who follow hearings.

An administrator writes the text in Kazakh and Russian, picks the languages and the region, sees
the preview and how many people it reaches, and confirms. Confirming writes one delivery row per
person (pending); the sender sends them through the same pacers as the reminders, each row
claimed before it is sent, so a restart or a second instance never sends one twice.

Who receives it: people who agreed to the notice and have not blocked the bot, in the chosen
languages. With a region: those with an upcoming hearing at one of that region's courts (the
bot knows no other address of anyone). On WhatsApp, only people who wrote in the last 24 hours
can be reached without an approved template; the others are recorded as `failed` with that
reason (see README).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update

from bot.services.clock import Clock
from bot.services.content import Content
from bot.services.conversation import Conversation
from bot.services.conversation.registry import View
from bot.services.reminders.delivery import (
    Delivery,
    DeliveryError,
    RetryLater,
    Unavailable,
    Unreachable,
)
from bot.services.reminders.service import Pacers
from bot.storage.db import SessionFactory
from bot.storage.models import Announcement, AnnouncementDelivery, Hearing, User

log = logging.getLogger(__name__)
SMS = "sms"
MAX_TEXT = 1000
TRIES = 4


@dataclass(frozen=True)
class Recipient:
    user_id: int
    channel: str
    language: str


def announcement_view(ctx, text: str) -> View:
    """The message as people receive it: a short header, the text, Menu and a person."""
    return View(text="📢 " + ctx.gettext("News from the court:") + "\n\n" + text, back=False)


class Announcements:
    def __init__(self, sessions: SessionFactory, clock: Clock, content: Content) -> None:
        self._sessions = sessions
        self.clock = clock
        self.content = content

    async def draft(self, text_kk: str, text_ru: str, languages: list[str], region: str | None,
                    staff_id: int) -> int:
        async with self._sessions() as session, session.begin():
            announcement = Announcement(
                text_kk=text_kk.strip()[:MAX_TEXT], text_ru=text_ru.strip()[:MAX_TEXT],
                languages=languages, region=region or None, status="draft",
                created_by=staff_id, created_at=self.clock.now())
            session.add(announcement)
            await session.flush()
            return announcement.id

    async def get(self, announcement_id: int) -> Announcement | None:
        async with self._sessions() as session:
            return await session.get(Announcement, announcement_id)

    async def recent(self, count: int = 20) -> list[tuple[Announcement, Counter[str]]]:
        async with self._sessions() as session:
            rows = (await session.scalars(select(Announcement).order_by(
                Announcement.id.desc()).limit(count))).all()
            counts = (await session.execute(
                select(AnnouncementDelivery.announcement_id, AnnouncementDelivery.status,
                       func.count()).group_by(AnnouncementDelivery.announcement_id,
                                              AnnouncementDelivery.status))).all()
        by_id: dict[int, Counter[str]] = {}
        for announcement_id, status, count in counts:
            by_id.setdefault(announcement_id, Counter())[status] = count
        return [(row, by_id.get(row.id, Counter())) for row in rows]

    def region_courts(self, region: str | None) -> list[str] | None:
        if not region or self.content.courts is None:
            return None
        found = self.content.courts.region(region)
        return [court.id for court in found.courts] if found else []

    async def recipients(self, announcement: Announcement) -> list[Recipient]:
        query = select(User.id, User.channel, User.language).where(
            User.unreachable_since.is_(None), User.language.in_(announcement.languages),
            # SMS people agreed to reminders and nothing else (README "SMS reminders").
            User.channel != SMS)
        courts = self.region_courts(announcement.region)
        if courts is not None:
            query = query.where(User.id.in_(select(Hearing.user_id).where(
                Hearing.court_id.in_(courts), Hearing.status == "active",
                Hearing.starts_at > self.clock.now())))
        async with self._sessions() as session:
            rows = (await session.execute(query.order_by(User.id))).all()
        return [Recipient(*row) for row in rows]

    async def confirm(self, announcement_id: int) -> int:
        """Queue it for everyone it reaches now; 0 if it was confirmed already."""
        async with self._sessions() as session, session.begin():
            started = await session.execute(update(Announcement).where(
                Announcement.id == announcement_id, Announcement.status == "draft",
            ).values(status="sending", confirmed_at=self.clock.now()))
        if not started.rowcount:
            return 0
        announcement = await self.get(announcement_id)
        recipients = await self.recipients(announcement)
        async with self._sessions() as session, session.begin():
            session.add_all(AnnouncementDelivery(announcement_id=announcement_id,
                                                 user_id=person.user_id, status="pending")
                            for person in recipients)
        return len(recipients)


class AnnouncementSender:
    """Sends pending announcement rows, paced like the reminders."""

    def __init__(self, sessions: SessionFactory, conversation: Conversation,
                 deliveries: Mapping[str, Delivery], pacers: Pacers, clock: Clock) -> None:
        self._sessions = sessions
        self._conversation = conversation
        self._deliveries = deliveries
        self._pacers = pacers
        self._clock = clock
        self._running = asyncio.Lock()
        self._stopping = False

    def stop(self) -> None:
        """Finish what is on the wire; the rest stays pending for the next start."""
        self._stopping = True

    async def run(self) -> Counter[str]:
        """Send everything pending, one run at a time in this process."""
        outcomes: Counter[str] = Counter()
        async with self._running:
            while batch := await self._pending():
                results = await asyncio.gather(*(self._send_one(*row) for row in batch))
                outcomes.update(results)
                await self._finish_announcements()
        return outcomes

    async def _pending(self, limit: int = 100) -> list[tuple]:
        if self._stopping:
            return []
        async with self._sessions() as session:
            return list((await session.execute(
                select(AnnouncementDelivery.id, User.channel, User.channel_user_id,
                       User.language, Announcement.text_kk, Announcement.text_ru)
                .join(User, User.id == AnnouncementDelivery.user_id)
                .join(Announcement, Announcement.id == AnnouncementDelivery.announcement_id)
                .where(AnnouncementDelivery.status == "pending",
                       User.channel.in_(list(self._deliveries)))
                .order_by(AnnouncementDelivery.id).limit(limit))).all())

    async def _claim(self, delivery_id: int, status: str, error: str | None = None,
                     before: str = "pending") -> bool:
        values: dict[str, object] = {"status": status, "error": error}
        if status == "sent":
            values["sent_at"] = self._clock.now()
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(AnnouncementDelivery).where(
                AnnouncementDelivery.id == delivery_id, AnnouncementDelivery.status == before,
            ).values(**values))
        return bool(result.rowcount)

    async def _send_one(self, delivery_id: int, channel: str, chat_id: str, language: str,
                        text_kk: str, text_ru: str) -> str:
        text = text_kk if language == "kk" else text_ru
        screen = self._conversation.compose(
            channel, chat_id, language, lambda ctx: announcement_view(ctx, text),
            name="announcement")
        pacer = self._pacers.for_channel(channel)
        chat = f"{channel}:{chat_id}"
        for attempt in range(1, TRIES + 1):
            await pacer.wait_turn(chat)
            if self._stopping:
                return "stopped"
            if not await self._claim(delivery_id, "sending"):
                return "taken"  # another instance has it
            try:
                await self._deliveries[channel].deliver(chat_id, screen)
            except RetryLater as error:
                await (pacer.pause_chat(chat, error.seconds) if error.chat_only
                       else pacer.pause(error.seconds))
                await self._claim(delivery_id, "pending", before="sending")
                await asyncio.sleep(error.seconds)
                continue
            except Unavailable as error:
                if attempt == TRIES:
                    await self._claim(delivery_id, "failed", error.reason, before="sending")
                    return "failed"
                await self._claim(delivery_id, "pending", before="sending")
                await asyncio.sleep(min(2 ** attempt, 30))
                continue
            except Unreachable as error:
                await self._claim(delivery_id, "blocked", error.reason, before="sending")
                return "blocked"
            except DeliveryError as error:
                await self._claim(delivery_id, "failed", error.reason, before="sending")
                return "failed"
            await self._claim(delivery_id, "sent", before="sending")
            return "sent"
        await self._claim(delivery_id, "failed", "rate limited", before="pending")
        return "failed"

    async def _finish_announcements(self) -> None:
        left = select(AnnouncementDelivery.id).where(
            AnnouncementDelivery.announcement_id == Announcement.id,
            AnnouncementDelivery.status.in_(("pending", "sending")))
        async with self._sessions() as session, session.begin():
            await session.execute(update(Announcement).where(
                Announcement.status == "sending", ~left.exists()).values(status="sent"))
