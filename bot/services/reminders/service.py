"""The periodic jobs: send due reminders, and forget hearings long past.

APScheduler holds two interval jobs and nothing else: the reminders themselves stay in the
database, so the scheduler's memory is the same for ten reminders or a million.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.metrics import Metrics
from bot.services.clock import Clock, utc_now
from bot.services.conversation import Conversation, Screen
from bot.services.coordination import Coordination
from bot.services.flows.hearing_text import reminder_view
from bot.services.flows.relative_text import copy_view
from bot.services.hearings.book import HearingBook
from bot.services.hearings.timing import QuietHours
from bot.services.reminders.delivery import Delivery
from bot.services.reminders.dispatcher import (
    DispatchReport,
    DispatchSettings,
    DueReminder,
    ReminderDispatcher,
)
from bot.services.reminders.pacing import Pacer
from bot.services.retention import Retention
from bot.services.sms.texts import sms_screen
from bot.storage.db import SessionFactory

SMS = "sms"

log = logging.getLogger(__name__)


def dispatch_settings(settings: Settings) -> DispatchSettings:
    return DispatchSettings(
        batch_size=settings.reminder_batch_size,
        concurrency=settings.reminder_concurrency,
        lease=timedelta(seconds=settings.reminder_lease_seconds),
        backoff=settings.reminder_backoff_seconds,
    )


def instance_name(settings: Settings) -> str:
    return settings.instance_name or f"{socket.gethostname()}-{os.getpid()}"[:64]


@dataclass(frozen=True)
class Pacers:
    """One pacer per messenger, shared by everything that sends on the bot's own (reminders,
    announcements), so together they stay within the messenger's limits."""

    default: Pacer  # Telegram: about 30 a second overall, one a second per chat
    by_channel: Mapping[str, Pacer]

    def for_channel(self, channel: str) -> Pacer:
        return self.by_channel.get(channel, self.default)


def build_pacers(settings: Settings, coordination: Coordination | None = None) -> Pacers:
    """The limits are per bot and per number, so with several instances the pace is shared."""
    coordination = coordination or Coordination()
    # WhatsApp counts its own limits: 80 a second per number, about one every 6 s per person.
    whatsapp = coordination.pacer("whatsapp", settings.whatsapp_rate_per_second,
                                  settings.whatsapp_chat_interval_seconds)
    # SMS: the pace agreed with the provider; a person gets one SMS at a time, a second apart.
    sms = coordination.pacer("sms", settings.sms_rate_per_second, 1.0)
    return Pacers(coordination.pacer("telegram", settings.reminder_rate_per_second,
                                      settings.reminder_chat_interval_seconds),
                  {"whatsapp": whatsapp, "sms": sms})


def build_dispatcher(settings: Settings, sessions: SessionFactory, conversation: Conversation,
                     deliveries: Mapping[str, Delivery], clock: Clock,
                     pacers: Pacers | None = None) -> ReminderDispatcher:
    speech = conversation.services.speech

    def compose(item: DueReminder, late: bool) -> Screen | Awaitable[Screen]:
        if item.channel == SMS:
            return sms_screen(conversation.services.content, item, clock.now())
        view = copy_view if item.is_copy else reminder_view  # a relative's copy is told apart
        screen = conversation.compose(item.channel, item.chat_id, item.language,
                                      lambda ctx: view(ctx, item, late),
                                      name=f"reminder:{item.kind}")
        if item.read_aloud and speech is not None and speech.available:
            return speech.voiced(screen, asked=False)  # made for them alone: never cached
        return screen

    pacers = pacers or build_pacers(settings, conversation.services.coordination)
    return ReminderDispatcher(
        sessions, deliveries, compose, clock, QuietHours.parse(settings.reminder_quiet_hours),
        pacers.default, dispatch_settings(settings), instance=instance_name(settings),
        pacers=pacers.by_channel, on_unreachable=conversation.services.store.invalidate)


class ReminderService:
    """Runs the dispatcher every few seconds, one run at a time, and a clean-up every 6 hours.

    Stopping lets the messages already on the wire finish and hands the rest of the batch back,
    so a restart neither loses them nor waits for their claims to run out. No job is ever
    cancelled in the middle of a database call: an aiosqlite connection left open that way
    keeps its (non-daemon) thread, and the process, alive."""

    def __init__(self, dispatcher: ReminderDispatcher, book: HearingBook,
                 poll_seconds: float, retention: Retention | None = None,
                 metrics: Metrics | None = None,
                 reports: Callable[[], Awaitable[int]] | None = None) -> None:
        self.dispatcher = dispatcher
        self.reports = reports  # SMS delivery reports, polled after each run
        self.metrics = metrics
        self.book = book
        self.retention = retention
        self.poll_seconds = poll_seconds
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self._busy = asyncio.Lock()  # held by whichever job is running
        self._stopping = False

    def start(self) -> None:
        self.scheduler.add_job(self.send_due, "interval", seconds=self.poll_seconds,
                               id="send_due_reminders", max_instances=1, coalesce=True,
                               next_run_time=utc_now())
        self.scheduler.add_job(self.forget_old, "interval", hours=6, id="forget_old_hearings",
                               max_instances=1, coalesce=True, next_run_time=utc_now())
        self.scheduler.start()

    async def stop(self, wait_seconds: float = 30) -> None:
        if not self.scheduler.running:
            return
        self._stopping = True  # a job that starts from now on does nothing
        self.scheduler.pause()
        self.dispatcher.stop()
        with suppress(TimeoutError):
            async with asyncio.timeout(wait_seconds), self._busy:
                pass  # the job under way has finished
        self.scheduler.shutdown(wait=False)

    async def send_due(self) -> DispatchReport | None:
        async with self._busy:
            if self._stopping:
                return None
            try:
                report = await self.dispatcher.run_due()
                if self.reports is not None:
                    await self.reports()
            except Exception:  # the database may be away for a moment: the next run retries
                log.exception("sending reminders failed; will try again")
                return None
        if report.batches:
            log.info("reminders: %s", dict(report.outcomes))
        if self.metrics is not None:
            for outcome, count in report.outcomes.items():
                self.metrics.reminders.labels(outcome).inc(count)
        return report

    async def forget_old(self) -> None:
        async with self._busy:
            if self._stopping:
                return
            try:
                removed = await self.book.forget_old()
                expired = await self.retention.forget_expired(
                    self.book.sessions, self.book.clock) if self.retention else {}
            except Exception:
                log.exception("deleting old data failed; will try again")
                return
        if removed:
            log.info("deleted %d hearings past their keeping time", removed)
        if any(expired.values()):
            log.info("deleted past their keeping time: %s", expired)
