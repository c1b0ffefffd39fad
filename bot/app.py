"""Assembling the bot: database, conversation, channels and the one aiohttp server.

`BotApp` is what `python -m bot run` starts, and what the tests start in-process against a
fake Bot API server.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from aiohttp import web
from redis.exceptions import RedisError
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings, TelegramMode
from bot.metrics import CONTENT_TYPE as metrics_content_type
from bot.metrics import Metrics
from bot.services.clock import Clock
from bot.services.content import Content, load_content
from bot.services.conversation import Conversation
from bot.services.conversation.context import Services
from bot.services.conversation.places import PlaceCache
from bot.services.conversation.store import ConversationStore
from bot.services.coordination import Coordination
from bot.services.enrolment import Enrolments
from bot.services.explorer.calc import WorkCalendar
from bot.services.flows import build_registry
from bot.services.glossary.lexicon import Lexicon
from bot.services.handoffs import HandoffDesk, WorkingHours
from bot.services.hearings.book import HearingBook
from bot.services.hearings.timing import QuietHours
from bot.services.relatives import RelativeLinks
from bot.services.reminders.delivery import Delivery
from bot.services.reminders.service import (
    Pacers,
    ReminderService,
    build_dispatcher,
    build_pacers,
)
from bot.services.retention import Retention
from bot.services.speech import Speech
from bot.services.stats import Stats
from bot.services.understanding import classifier_for
from bot.storage.db import SessionFactory, create_engine, session_factory
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import Handoff, Reminder
from bot.storage.sealing import use_keys

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything channel-agnostic: usable by the server, the terminal chat and checks."""

    settings: Settings
    content: Content
    conversation: Conversation
    engine: AsyncEngine
    sessions: SessionFactory
    learning: asyncio.Future[None] | None = None  # the classifier on its way (`learn`)

    @classmethod
    async def build(cls, settings: Settings, migrate: bool | None = None,
                    clock: Clock | None = None, answer_before_classifier: bool = False) -> Core:
        use_keys(settings.data_key_list)
        if not settings.data_key_list:
            log.warning("DATA_KEYS is not set: personal fields are stored unencrypted "
                        "(fine for a trial; set it for real use, see README 'Keys')")
        engine = create_engine(settings.database_url, settings.database_busy_timeout_ms)
        if settings.migrate_on_start if migrate is None else migrate:
            await upgrade_to_head(engine)
        content = load_content(settings.content_dir)
        sessions = session_factory(engine)
        coordination = Coordination.build(settings)
        store = ConversationStore(sessions, coordination.scratch, coordination.versions,
                                  PlaceCache(settings.place_cache_people))
        clock = clock or Clock()
        book = HearingBook(sessions, clock, QuietHours.parse(settings.reminder_quiet_hours),
                           settings.hearing_keep_days)
        services = Services(settings=settings, store=store, content=content,
                            stats=Stats(sessions),
                            lexicon=Lexicon(content.glossary) if content.glossary else None,
                            hearings=book, clock=clock,
                            handoffs=HandoffDesk(sessions, clock, WorkingHours.parse(
                                settings.handoff_hours, WorkCalendar(content.rates))),
                            enrolments=Enrolments(sessions, clock, settings.enrolment_days),
                            relatives=RelativeLinks(sessions, clock, book,
                                                    settings.relative_code_hours),
                            metrics=Metrics(), coordination=coordination,
                            speech=Speech.from_settings(settings))
        if settings.sms_enabled:
            from bot.services.sms.people import SmsPeople

            services.sms = SmsPeople(sessions, clock, book, services.relatives)
        services.classifier_coming = asyncio.get_running_loop().create_future()
        core = cls(settings, content, Conversation(build_registry(content), services), engine,
                   sessions)
        if not answer_before_classifier:
            core.learn()
            await services.ready_classifier()
        return core

    def learn(self) -> None:
        """Train the classifier (or read the kept one) in a thread: a moment of CPU and
        scikit-learn's import. Typed text waits for it; everything else goes on meanwhile."""
        if self.learning is None:
            self.learning = asyncio.ensure_future(self._learn())

    async def _learn(self) -> None:
        coming = self.conversation.services.classifier_coming
        cache = self.settings.classifier_cache_dir
        try:
            classifier = await asyncio.to_thread(classifier_for, self.content,
                                                 Path(cache) if cache else None)
        except Exception as error:
            if coming is not None and not coming.done():
                coming.set_exception(error)
            raise
        if coming is not None and not coming.done():
            coming.set_result(classifier)

    @property
    def coordination(self) -> Coordination:
        return self.conversation.services.coordination

    async def close(self) -> None:
        await self.coordination.close()
        await self.engine.dispose()


class BotApp:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock  # tests move time by hand; None is the real clock
        self.core: Core | None = None
        self.telegram = None
        self.whatsapp = None
        self.sms = None
        self.reminders: ReminderService | None = None
        self.console = None
        self._runner: web.AppRunner | None = None
        self.http_url = ""

    async def start(self, polling_timeout: int = 30) -> None:
        """Start everything. People waiting on Telegram are answered as early as possible:
        long polling starts before the HTTP server, the console and the reminders, and the
        classifier comes in the background (start returns once it is there)."""
        self.core = await Core.build(self.settings, clock=self.clock,
                                     answer_before_classifier=True)
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._metrics)
        if self.settings.telegram_enabled:
            from bot.channels.seen import SeenMessages
            from bot.channels.telegram import TelegramChannel

            self.telegram = TelegramChannel(
                self.settings, self.core.conversation,
                SeenMessages(self.core.sessions, self.core.conversation.services.clock,
                             self.core.coordination.seen))
            self.telegram.add_routes(app)
            if self.settings.telegram_mode is not TelegramMode.webhook:
                await self.telegram.start(polling_timeout=polling_timeout)
        deliveries: dict[str, Delivery] = {}
        if self.settings.whatsapp_enabled:
            from bot.channels.whatsapp import CHANNEL as WHATSAPP
            from bot.channels.whatsapp.channel import WhatsAppChannel

            self.whatsapp = WhatsAppChannel(
                self.settings, self.core.conversation, self.core.sessions,
                self.core.conversation.services.clock,
                backoff=self.settings.whatsapp_backoff_seconds)
            self.whatsapp.add_routes(app)
            deliveries[WHATSAPP] = self.whatsapp.delivery
        if self.settings.sms_enabled:
            self.sms = self._sms()
            self.sms.add_routes(app)
            deliveries["sms"] = self.sms.delivery
        if self.settings.serves_local_chat:
            from bot.channels.localchat import web as local_web

            deliveries[local_web.CHANNEL] = inbox = local_web.LocalInbox()
            local_web.add_routes(app, self.core.conversation, inbox)
        pacers = build_pacers(self.settings, self.core.coordination)
        if self.settings.staff_console:
            self.console = self._console(deliveries, pacers)
            self.console.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.http_url = f"http://{host}:{port}"
        if self.whatsapp is not None:
            await self.whatsapp.start()
        if self.telegram is not None:
            if self.settings.telegram_mode is TelegramMode.webhook:
                await self.telegram.start(polling_timeout=polling_timeout)
            deliveries["telegram"] = self.telegram.delivery
        if self.settings.reminders_enabled and deliveries:
            core = self.core
            dispatcher = build_dispatcher(self.settings, core.sessions, core.conversation,
                                          deliveries, core.conversation.services.clock, pacers)
            self.reminders = ReminderService(
                dispatcher, core.conversation.services.hearings,
                self.settings.reminder_poll_seconds,
                Retention(self.settings.handoff_keep_days, self.settings.inactive_user_days),
                core.conversation.services.metrics,
                reports=self.sms.check_reports if self.sms is not None else None)
            self.reminders.start()
        if self.console is not None:
            self.console.background(self.console.sender.run())  # what a stop left unsent
        self.core.learn()  # after the first people waiting are answered, not before
        await self.core.conversation.services.ready_classifier()

    def _sms(self):
        from bot.channels.seen import SeenMessages
        from bot.channels.sms.channel import SmsChannel
        from bot.channels.sms.mobizon import MobizonGateway

        core, settings = self.core, self.settings
        clock = core.conversation.services.clock
        gateway = MobizonGateway(settings.sms_api_base, settings.sms_api_key, settings.sms_sender)
        return SmsChannel(gateway, core.conversation.services.sms, core.sessions, clock,
                          settings.sms_inbound_secret,
                          SeenMessages(core.sessions, clock, core.coordination.seen))

    def _console(self, deliveries: dict[str, Delivery], pacers: Pacers):
        from bot.services.announcements import Announcements, AnnouncementSender
        from bot.staff.accounts import StaffAccounts
        from bot.staff.web import Console

        core, settings = self.core, self.settings
        clock = core.conversation.services.clock
        return Console(
            settings, core.sessions, core.conversation, deliveries, pacers,
            StaffAccounts(core.sessions, clock, session_hours=settings.staff_session_hours,
                          attempts=settings.staff_login_attempts,
                          window_minutes=settings.staff_login_window_minutes),
            Announcements(core.sessions, clock, core.content),
            AnnouncementSender(core.sessions, core.conversation, deliveries, pacers, clock),
            bot_username=lambda: self.telegram.username if self.telegram else None)

    async def stop(self) -> None:
        if self.reminders is not None:
            await self.reminders.stop()
        if self._runner is not None:
            await self._runner.cleanup()  # no new webhooks from here on
        if self.console is not None:
            await self.console.stop()
        if self.whatsapp is not None:
            await self.whatsapp.stop()
        if self.sms is not None:
            await self.sms.close()
        if self.telegram is not None:
            await self.telegram.stop()
        if self.core is not None:
            await self.core.close()

    async def _metrics(self, _request: web.Request) -> web.Response:
        """Prometheus' scrape. Serve it on the internal address only (see README)."""
        metrics = self.core.conversation.services.metrics
        now = self.core.conversation.services.clock.now()
        try:
            async with self.core.sessions() as session:
                metrics.handoffs_waiting.set(await session.scalar(
                    select(func.count()).select_from(Handoff).where(
                        Handoff.status.in_(("waiting", "callback")))) or 0)
                metrics.reminders_due.set(await session.scalar(
                    select(func.count()).select_from(Reminder).where(
                        Reminder.status.in_(("pending", "claimed")),
                        Reminder.due_at < now - timedelta(minutes=5))) or 0)
        except SQLAlchemyError:
            metrics.faults.labels("metrics_database").inc()
        await self._coordination_metrics(metrics)
        return web.Response(body=metrics.exposition(),
                            headers={"Content-Type": metrics_content_type})

    async def _coordination_metrics(self, metrics: Metrics) -> None:
        coordination = self.core.coordination
        if coordination.redis is None:
            return
        try:
            await coordination.redis.ping()
            metrics.redis_up.set(1)
        except RedisError:
            metrics.redis_up.set(0)
        metrics.unshared_events.set(coordination.locks.missed)

    async def _health(self, _request: web.Request) -> web.Response:
        try:
            async with self.core.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            return web.json_response({"status": "unhealthy", "database": type(error).__name__},
                                     status=503)
        return web.json_response({"status": "ok"})
