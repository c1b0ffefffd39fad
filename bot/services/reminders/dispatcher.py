"""Claiming due reminders in batches and sending each exactly once.

One run claims up to `batch_size` due rows (on PostgreSQL with FOR UPDATE SKIP LOCKED, so several
instances never claim the same row), sends them concurrently through the channel's delivery,
paced within the messenger's limits, and records each outcome in its own short transaction.

Why a row goes claimed → sending → sent, each step committed:
- killed while rows are `claimed`: nothing was sent; once their lease runs out another run
  claims and sends them;
- killed while a row is `sending`: the request may have reached the messenger, and Telegram has
  no way to ask. Such a row becomes `unknown` and is not sent again — "never twice" wins over
  "surely once" for the few milliseconds a request is on the wire (see README);
- a 429 or a 5xx came back: the messenger did not take the message, so it is safe to try again.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from bot.services.clock import Clock
from bot.services.conversation.screens import Screen
from bot.services.hearings.timing import LAST_REMINDER, REMINDER_KINDS, QuietHours
from bot.services.reminders.delivery import (
    Delivery,
    DeliveryError,
    RetryLater,
    Unavailable,
    Unreachable,
)
from bot.services.reminders.pacing import Pacer
from bot.storage.db import SessionFactory
from bot.storage.models import SELF_SMS, FollowUp, Hearing, RelativeLink, Reminder, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchSettings:
    batch_size: int = 100
    concurrency: int = 16  # messages on the wire at once
    lease: timedelta = timedelta(minutes=5)  # a claim older than this is taken to be orphaned
    late_after: timedelta = timedelta(minutes=10)  # sent later than this, a reminder says so
    tries_per_run: int = 4  # 5xx / network: tries before the row waits for a later run
    give_up_after: int = 12  # tries in all before a reminder is recorded as failed
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    backoff_max: float = 60.0


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder with all it needs to be written and sent."""

    id: int
    kind: str
    due_at: datetime
    attempts: int
    detail: dict[str, Any] | None
    hearing: Hearing
    channel: str
    chat_id: str
    language: str
    unreachable: bool
    # Who it goes to: the hearing's owner, or for a copy (`link_id` set) the link's recipient:
    # a relative, who knows the owner only by the name the owner gave the link (`link_name`,
    # or None), or the owner's own SMS number (`link_relation` "self_sms").
    recipient_id: int = 0
    link_id: int | None = None
    link_name: str | None = None
    read_aloud: bool = False  # the person chose to hear every screen: the reminder as voice too
    link_relation: str | None = None

    @property
    def is_copy(self) -> bool:
        """A relative's copy, told apart from the owner's own reminder. The owner's own SMS
        copy is not one: it reads as the owner's reminder."""
        return self.link_id is not None and self.link_relation != SELF_SMS


# The person a reminder row goes to: the relative of its link, else the hearing's owner.
RECIPIENT = func.coalesce(RelativeLink.relative_id, Hearing.user_id)


@dataclass
class DispatchReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    batches: int = 0

    @property
    def sent(self) -> int:
        return self.outcomes["sent"]


# (reminder, late) → the message, or an awaitable of it (when it is read aloud as well)
Composer = Callable[[DueReminder, bool], Screen | Awaitable[Screen]]


class ReminderDispatcher:
    def __init__(self, sessions: SessionFactory, deliveries: Mapping[str, Delivery],
                 compose: Composer, clock: Clock, quiet: QuietHours, pacer: Pacer,
                 settings: DispatchSettings | None = None, instance: str = "main",
                 pacers: Mapping[str, Pacer] | None = None,
                 on_unreachable: Callable[[str, str], Awaitable[None]] | None = None) -> None:
        self._sessions = sessions
        self._deliveries = deliveries
        self._compose = compose
        self._clock = clock
        self._quiet = quiet
        self._pacer = pacer
        self._pacers = dict(pacers or {})  # a channel with limits of its own (WhatsApp)
        self.settings = settings or DispatchSettings()
        self.instance = instance
        self._gate = asyncio.Semaphore(self.settings.concurrency)
        self._stopping = False
        # Told (channel, id) after a person is marked unreachable: the conversation's copies
        # of their row are stale.
        self._on_unreachable = on_unreachable

    def stop(self) -> None:
        """Finish what is on the wire, hand back the rest, claim no more."""
        self._stopping = True

    async def run_due(self, max_batches: int | None = None) -> DispatchReport:
        """Send everything that is due now, batch after batch."""
        report = DispatchReport()
        while (max_batches is None or report.batches < max_batches) and not self._stopping:
            batch = await self.claim()
            if not batch:
                break
            report.batches += 1
            outcomes = await asyncio.gather(*(self._guarded(item) for item in batch))
            report.outcomes.update(outcomes)
        return report

    # --- claiming -----------------------------------------------------------------------------

    async def claim(self) -> list[DueReminder]:
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            # A sender that died while a message was on the wire: do not send it again.
            await session.execute(update(Reminder).where(
                Reminder.status == "sending", Reminder.lease_until < now,
            ).values(status="unknown", last_error="interrupted"))
            due = (
                select(Reminder.id)
                .join(Hearing, Hearing.id == Reminder.hearing_id)
                .outerjoin(RelativeLink, RelativeLink.id == Reminder.link_id)
                .join(User, User.id == RECIPIENT)
                .where(
                    or_(and_(Reminder.status == "pending", Reminder.due_at <= now),
                        and_(Reminder.status == "claimed", Reminder.lease_until < now)),
                    User.channel.in_(list(self._deliveries)),
                )
                .order_by(Reminder.due_at)
                .limit(self.settings.batch_size)
                .with_for_update(skip_locked=True, of=Reminder)
            )
            ids = list(await session.scalars(due))
            if not ids:
                return []
            await session.execute(update(Reminder).where(Reminder.id.in_(ids)).values(
                status="claimed", claimed_by=self.instance, lease_until=now + self.settings.lease))
            rows = await session.execute(
                select(Reminder, Hearing, User.channel, User.channel_user_id, User.language,
                       User.unreachable_since, User.id, RelativeLink.name,
                       RelativeLink.relation, User.read_aloud)
                .join(Hearing, Hearing.id == Reminder.hearing_id)
                .outerjoin(RelativeLink, RelativeLink.id == Reminder.link_id)
                .join(User, User.id == RECIPIENT)
                .where(Reminder.id.in_(ids))
                .order_by(Reminder.due_at))
            return [DueReminder(reminder.id, reminder.kind, reminder.due_at, reminder.attempts,
                                reminder.detail, hearing, channel, chat_id, language,
                                unreachable is not None, recipient, reminder.link_id, name,
                                link_relation=relation, read_aloud=bool(read_aloud))
                    for reminder, hearing, channel, chat_id, language, unreachable, recipient,
                    name, relation, read_aloud in rows]

    # --- one reminder -------------------------------------------------------------------------

    async def _guarded(self, item: DueReminder) -> str:
        async with self._gate:
            try:
                return await self._process(item)
            except Exception:  # one bad row must not stop the others; it stays claimed
                log.exception("reminder %s failed unexpectedly", item.id)
                return "error"

    async def _process(self, item: DueReminder) -> str:
        if self._stopping:
            return await self._hand_back(item)
        now = self._clock.now()
        verdict = await self._verdict(item, now)
        if verdict is not None:
            return await self._finish(item.id, verdict)
        late = now - item.due_at > self.settings.late_after or bool((item.detail or {})
                                                                      .get("late"))
        if late and item.kind in REMINDER_KINDS and item.kind != LAST_REMINDER \
                and self._quiet.contains(now):
            return await self._wait_for_morning(item, now)
        screen = self._compose(item, late)
        if inspect.isawaitable(screen):
            screen = await screen
        return await self._send(item, screen)

    async def _verdict(self, item: DueReminder, now: datetime) -> str | None:
        """Why a claimed reminder should not be sent at all, or None to send it."""
        hearing = item.hearing
        if hearing.starts_at <= now:
            return "skipped"  # the hearing has begun: a reminder would only confuse
        if item.kind in REMINDER_KINDS:
            if hearing.status != "active" or item.kind not in hearing.reminders_on:
                return "cancelled"
            if await self._later_reminder_due(item, now):
                return "skipped"  # the bot was down: send only the latest of the missed ones
        if item.unreachable:
            return "blocked"
        return None

    async def _later_reminder_due(self, item: DueReminder, now: datetime) -> bool:
        later = list(REMINDER_KINDS[REMINDER_KINDS.index(item.kind) + 1:])
        if not later:
            return False
        same_recipient = Reminder.link_id.is_(None) if item.link_id is None \
            else Reminder.link_id == item.link_id
        async with self._sessions() as session:
            found = await session.scalar(select(Reminder.id).where(
                Reminder.hearing_id == item.hearing.id, Reminder.kind.in_(later), same_recipient,
                or_(Reminder.status == "sent",
                    and_(Reminder.status.in_(("pending", "claimed")), Reminder.due_at <= now)),
            ).limit(1))
        return found is not None

    async def _wait_for_morning(self, item: DueReminder, now: datetime) -> str:
        """A late reminder found at night waits for the morning (and still says it is late)."""
        morning = self._quiet.morning_after(now)
        if morning >= item.hearing.starts_at:
            return await self._finish(item.id, "skipped")
        async with self._sessions() as session, session.begin():
            await session.execute(update(Reminder).where(*self._mine(item.id)).values(
                status="pending", due_at=morning, claimed_by=None, lease_until=None,
                detail={**(item.detail or {}), "late": True}))
        return "postponed"

    async def _hand_back(self, item: DueReminder) -> str:
        async with self._sessions() as session, session.begin():
            await session.execute(update(Reminder).where(
                *self._mine(item.id), Reminder.status == "claimed",
            ).values(status="pending", claimed_by=None, lease_until=None))
        return "handed_back"

    async def _send(self, item: DueReminder, screen: Screen) -> str:
        delivery = self._deliveries[item.channel]
        pacer = self._pacers.get(item.channel, self._pacer)
        chat = f"{item.channel}:{item.chat_id}"
        attempts, tries = item.attempts, 0
        while True:
            await pacer.wait_turn(chat)
            if self._stopping:
                return await self._hand_back(item)
            if not await self._mark_sending(item.id, attempts + 1):
                return "withdrawn"  # changed or deleted meanwhile
            attempts += 1
            try:
                message_id = await delivery.deliver(item.chat_id, screen)
            except RetryLater as error:
                if error.chat_only:
                    await pacer.pause_chat(chat, error.seconds)
                else:
                    await pacer.pause(error.seconds)
                await self._release(item.id, attempts - 1, error, hold=error.seconds)
                attempts -= 1  # the messenger refused before taking it: not a real try
                await asyncio.sleep(error.seconds)
                continue
            except Unavailable as error:
                tries += 1
                if attempts >= self.settings.give_up_after:
                    return await self._finish(item.id, "failed", error,
                                              user_id=item.recipient_id)
                delay = min(self.settings.backoff * 2 ** (tries - 1), self.settings.backoff_max)
                await self._release(item.id, attempts, error, hold=delay)
                if tries >= self.settings.tries_per_run:
                    return "retry_later"
                await asyncio.sleep(delay)
                continue
            except Unreachable as error:
                await self._mark_unreachable(item)
                return await self._finish(item.id, "blocked", error)
            except DeliveryError as error:
                return await self._finish(item.id, "failed", error, user_id=item.recipient_id)
            return await self._finish(item.id, "sent", message_id=message_id)

    # --- recording ----------------------------------------------------------------------------

    def _mine(self, reminder_id: int) -> tuple:
        return (Reminder.id == reminder_id, Reminder.claimed_by == self.instance)

    async def _mark_sending(self, reminder_id: int, attempts: int) -> bool:
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Reminder).where(
                *self._mine(reminder_id), Reminder.status == "claimed",
            ).values(status="sending", attempts=attempts, lease_until=now + self.settings.lease))
            return bool(result.rowcount)

    async def _release(self, reminder_id: int, attempts: int, error: DeliveryError,
                       hold: float) -> None:
        """Back to `claimed` after a refusal the messenger made before taking the message; the
        lease says when another run may pick it up if this one does not retry it first."""
        until = self._clock.now() + timedelta(seconds=hold) + self.settings.lease
        async with self._sessions() as session, session.begin():
            await session.execute(update(Reminder).where(
                *self._mine(reminder_id), Reminder.status == "sending",
            ).values(status="claimed", attempts=attempts, last_error=error.code,
                     lease_until=until))

    async def _finish(self, reminder_id: int, outcome: str, error: DeliveryError | None = None,
                      message_id: str | None = None, user_id: int | None = None) -> str:
        """Record how a reminder ended; one that failed for good is also put before staff."""
        values: dict[str, Any] = {"status": outcome, "lease_until": None}
        if outcome == "sent":
            values["sent_at"] = self._clock.now()
            values["message_id"] = message_id
        if error is not None:
            values["last_error"] = error.code if outcome == "blocked" else error.reason
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Reminder).where(
                *self._mine(reminder_id)).values(**values))
            if outcome == "failed" and user_id is not None and result.rowcount:
                session.add(FollowUp(user_id=user_id, reminder_id=reminder_id,
                                     reason=error.reason if error else outcome,
                                     created_at=self._clock.now()))
        if outcome in ("failed", "blocked"):
            log.info("reminder %s %s (%s)", reminder_id, outcome,
                     error.code if error else "no error")
        return outcome

    async def _mark_unreachable(self, item: DueReminder) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(User).where(User.id == item.recipient_id).values(
                unreachable_since=self._clock.now()))
        if self._on_unreachable is not None:
            await self._on_unreachable(item.channel, item.chat_id)
