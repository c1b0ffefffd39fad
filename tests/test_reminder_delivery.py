"""Reminders delivered through a real Bot API conversation (aiogram's HTTP client against the
fake Bot API on loopback), with a clock the tests move: exactly one message per reminder
through 429 storms, 5xx, timeouts and blocked users; late and skipped reminders after downtime;
a restart between scheduling and due time; a re-imported schedule that moves a hearing."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import select

from bot.app import Core
from bot.channels.telegram import TelegramDelivery
from bot.config import Settings
from bot.services.clock import ManualClock
from bot.services.conversation.context import CONSENT_VERSION
from bot.services.hearings.book import HearingDraft
from bot.services.hearings.schedule import CsvSchedule, ScheduleImport
from bot.services.reminders.dispatcher import ReminderDispatcher
from bot.services.reminders.service import build_dispatcher
from bot.storage.models import Reminder, User
from tests.conftest import SettingsFactory
from tests.fakes.telegram import Citizen, FakeBotAPI, Fault
from tests.hearing_helpers import START, clock_at, local, reminders
from tests.people import plain

HEARING = local(2026, 12, 10, 10)  # Thursday 10 December, 10:00
FIRST_CHAT = 500


@pytest.fixture
def clock() -> ManualClock:
    return clock_at(START)


@pytest.fixture
def fast(make_settings: SettingsFactory) -> Settings:
    """Limits high enough for tests to run quickly; the pacing itself is measured by
    bench/reminders.py against the real defaults."""
    return make_settings(reminder_rate_per_second=500, reminder_chat_interval_seconds=0,
                         reminder_backoff_seconds=0.05, reminder_concurrency=8,
                         reminder_batch_size=25)


@pytest.fixture
async def core(fast: Settings, clock: ManualClock) -> AsyncIterator[Core]:
    built = await Core.build(fast, migrate=True, clock=clock)
    yield built
    await built.close()


@pytest.fixture
async def bot(bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(bot_api.base_url))
    bot = Bot(bot_api.token, session=session)
    yield bot
    await bot.session.close()


def dispatcher_for(core: Core, fast: Settings, bot: Bot, clock: ManualClock,
                   instance: str = "test") -> ReminderDispatcher:
    settings = fast.model_copy(update={"instance_name": instance})
    return build_dispatcher(settings, core.sessions, core.conversation,
                            {"telegram": TelegramDelivery(bot, timeout=1)}, clock)


async def people_with_hearings(core: Core, count: int, starts=HEARING, language: str = "ru",
                               reminders_on=("7d", "1d", "2h")) -> list[int]:
    """`count` consenting Telegram users (chats 500, 501, …), each with one hearing."""
    book = core.conversation.services.hearings
    now = book.clock.now()
    chats = list(range(FIRST_CHAT, FIRST_CHAT + count))
    async with core.sessions() as session, session.begin():
        session.add_all(User(channel="telegram", channel_user_id=str(chat), language=language,
                             consent_version=CONSENT_VERSION, consent_at=now, created_at=now,
                             last_seen_at=now) for chat in chats)
    async with core.sessions() as session:
        ids = dict((await session.execute(select(User.channel_user_id, User.id))).all())
    for number, chat in enumerate(chats):
        await book.add(ids[str(chat)], HearingDraft(
            case_number=f"2-{number + 1}/2026", starts_at=starts, court_id="astana-civil",
            room="305", reminders_on=list(reminders_on)))
    return chats


def reminder_messages(api: FakeBotAPI, chats: list[int]) -> Counter[int]:
    """How many reminder messages each chat got."""
    return Counter({chat: sum("🔔" in m.text or "📅" in m.text for m in api.messages(chat))
                    for chat in chats})


async def test_nothing_is_sent_before_its_time(core, fast, bot, bot_api, clock) -> None:
    chats = await people_with_hearings(core, 3)
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.sent == 0 and bot_api.sent("sendMessage") == []
    clock.set(local(2026, 12, 3, 10))  # 7 days before
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.sent == 3
    assert reminder_messages(bot_api, chats) == Counter({chat: 1 for chat in chats})


async def test_a_reminder_says_when_and_where_and_its_buttons_work(
        core, fast, bot, bot_api, clock, telegram_bot_with_clock) -> None:
    app = telegram_bot_with_clock
    [chat] = await people_with_hearings(app.core, 1)
    clock.set(local(2026, 12, 9, 10))  # 1 day before
    await dispatcher_for(app.core, fast, bot, clock).run_due()
    message = bot_api.latest(chat)
    text = plain(message.text)
    assert "завтра, 10 декабря 2026 г., 10:00 (время Казахстана)" in text
    assert "Межрайонный суд по гражданским делам города Астаны, г. Астана, ул. Г. Алиева, 6" \
        in text
    assert "Зал: 305" in text and "Дело № 2-1/2026" in text
    assert message.labels[:4] == ["✅ Я приду", "🙁 Не смогу прийти", "🎒 Что взять с собой",
                                  "👤 Помощь человека"]
    citizen = Citizen(bot_api, chat)
    cant = await citizen.press("🙁 Не смогу прийти", on=message)
    assert "Если не можете прийти" in cant.text and "ГПК РК" in cant.text
    assert cant.message_id != message.message_id  # answered below: the reminder stays readable
    assert bot_api.chats[chat][message.message_id].text == message.text
    coming = await citizen.press("✅ Я приду", on=message)
    assert "Спасибо" in coming.text
    stop = await citizen.press("🔕 Больше не напоминать по делу", on=message)
    assert "выключены" in stop.text
    rows = await reminders(app.core)
    assert [r.kind for r in rows if r.status == "pending"] == []


async def test_a_storm_of_429s_is_waited_out_and_each_reminder_goes_once(
        core, fast, bot, bot_api, clock) -> None:
    chats = await people_with_hearings(core, 30)
    bot_api.faults.append(Fault("sendMessage", 429, count=40, retry_after=1,
                                description="Too Many Requests: retry after 1"))
    clock.set(local(2026, 12, 3, 10))
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.sent == 30
    assert reminder_messages(bot_api, chats) == Counter({chat: 1 for chat in chats})
    assert len(bot_api.sent("sendMessage")) == 30 + 40


async def test_server_errors_and_timeouts_are_retried_with_backoff(
        core, fast, bot, bot_api, clock) -> None:
    chats = await people_with_hearings(core, 10)
    bot_api.faults += [Fault("sendMessage", 502, count=6, description="Bad Gateway"),
                       Fault("sendMessage", 500, count=1, delay=2.5, chat_id=chats[3])]
    clock.set(local(2026, 12, 3, 10))
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.sent == 10
    assert reminder_messages(bot_api, chats) == Counter({chat: 1 for chat in chats})


async def test_what_keeps_failing_waits_for_a_later_run_then_goes_once(
        core, fast, bot, bot_api, clock) -> None:
    [chat] = await people_with_hearings(core, 1)
    bot_api.faults.append(Fault("sendMessage", 503, count=5))  # more than one run's tries
    clock.set(local(2026, 12, 3, 10))
    dispatcher = dispatcher_for(core, fast, bot, clock)
    first = await dispatcher.run_due()
    assert first.outcomes["retry_later"] == 1 and first.sent == 0
    assert (await dispatcher.run_due()).sent == 0  # held back for a while, not hammered
    clock.advance(minutes=6)
    assert (await dispatcher.run_due()).sent == 1
    assert reminder_messages(bot_api, [chat])[chat] == 1


async def test_a_person_who_blocked_the_bot_gets_nothing_more(
        core, fast, bot, bot_api, clock) -> None:
    chats = await people_with_hearings(core, 3)
    blocked = chats[1]
    bot_api.faults.append(Fault("sendMessage", 403, count=1, chat_id=blocked,
                                description="Forbidden: bot was blocked by the user"))
    clock.set(local(2026, 12, 3, 10))
    first = await dispatcher_for(core, fast, bot, clock).run_due()
    assert first.outcomes == Counter(sent=2, blocked=1)
    clock.set(local(2026, 12, 9, 10))
    second = await dispatcher_for(core, fast, bot, clock).run_due()
    assert second.outcomes == Counter(sent=2, blocked=1)
    assert [p["chat_id"] for p in bot_api.sent("sendMessage")].count(str(blocked)) == 1
    async with core.sessions() as session:
        user = await session.scalar(select(User).where(User.channel_user_id == str(blocked)))
    assert user.unreachable_since is not None


async def test_after_downtime_only_the_latest_missed_reminder_goes_and_says_it_is_late(
        core, fast, bot, bot_api, clock) -> None:
    [chat] = await people_with_hearings(core, 1)
    clock.set(local(2026, 12, 9, 15))  # down since before the 7-day one; 1-day one missed too
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.outcomes == Counter(sent=1, skipped=1)
    [message] = bot_api.messages(chat)
    assert "опоздало" in message.text and "завтра" in message.text


async def test_a_late_reminder_found_at_night_waits_for_the_morning(
        core, fast, bot, bot_api, clock) -> None:
    [chat] = await people_with_hearings(core, 1, starts=local(2026, 12, 10, 16))
    clock.set(local(2026, 12, 10, 2))  # the 1-day one (9 Dec 16:00) missed; now it is night
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.outcomes == Counter(postponed=1, skipped=1)
    assert bot_api.messages(chat) == []
    clock.set(local(2026, 12, 10, 8, 1))
    assert (await dispatcher_for(core, fast, bot, clock).run_due()).sent == 1
    assert "опоздало" in bot_api.latest(chat).text


async def test_a_reminder_for_a_hearing_already_begun_is_skipped(
        core, fast, bot, bot_api, clock) -> None:
    [chat] = await people_with_hearings(core, 1)
    clock.set(local(2026, 12, 10, 10, 30))  # the bot was down through the hearing
    report = await dispatcher_for(core, fast, bot, clock).run_due()
    assert report.sent == 0 and bot_api.messages(chat) == []
    assert {r.status for r in await reminders(core)} == {"skipped"}


async def test_a_restart_between_scheduling_and_due_time_loses_nothing(
        fast, bot, bot_api, clock) -> None:
    first = await Core.build(fast, migrate=True, clock=clock)
    chats = await people_with_hearings(first, 5)
    await first.close()  # the process stops; a new one starts days later
    clock.set(local(2026, 12, 3, 10, 1))
    second = await Core.build(fast, migrate=True, clock=clock)
    try:
        report = await dispatcher_for(second, fast, bot, clock).run_due()
        assert report.sent == 5
        assert all("опоздало" not in bot_api.latest(chat).text for chat in chats)
    finally:
        await second.close()


async def test_a_reimported_schedule_moves_the_hearing_and_tells_the_person(
        core, fast, bot, bot_api, clock, tmp_path: Path) -> None:
    schedule = tmp_path / "schedule.csv"
    header = "case_number,court,date,time,room,format,status\n"
    schedule.write_text(header + "2-7/2026,astana-civil,2026-12-10,10:00,305,in_person,"
                                 "scheduled\n", encoding="utf-8")
    book = core.conversation.services.hearings
    importer = ScheduleImport(core.sessions, book, clock)
    await importer.run(CsvSchedule(schedule, core.content.courts))
    chat = FIRST_CHAT
    await _follow(core, chat, schedule_case="2-7/2026")
    schedule.write_text(header + "2-7/2026,astana-civil,2026-12-15,14:30,210,in_person,"
                                 "scheduled\n", encoding="utf-8")
    report = await importer.run(CsvSchedule(schedule, core.content.courts))
    assert (report.moved, report.notified) == (1, 1)
    again = await importer.run(CsvSchedule(schedule, core.content.courts))
    assert (again.moved, again.unchanged, again.notified) == (0, 1, 0)  # idempotent
    await dispatcher_for(core, fast, bot, clock).run_due()
    [moved] = bot_api.messages(chat)
    text = plain(moved.text)
    assert "Было: 10 декабря 2026 г., 10:00" in text
    assert "Стало: 15 декабря 2026 г., 14:30" in text and "Зал: 210" in text
    pending = {r.kind: r.due_at for r in await reminders(core) if r.status == "pending"}
    assert pending["1d"] == local(2026, 12, 14, 14, 30)
    schedule.write_text(header + "2-7/2026,astana-civil,2026-12-15,14:30,210,in_person,"
                                 "cancelled\n", encoding="utf-8")
    cancelled = await importer.run(CsvSchedule(schedule, core.content.courts))
    assert (cancelled.cancelled, cancelled.notified) == (1, 1)
    await dispatcher_for(core, fast, bot, clock).run_due()
    assert "больше нет вашего заседания" in bot_api.latest(chat).text
    assert [r.kind for r in await reminders(core) if r.status == "pending"] == []


async def _follow(core: Core, chat: int, schedule_case: str) -> None:
    """A consenting person follows a hearing found in the schedule."""
    from bot.storage.models import ScheduledHearing

    book = core.conversation.services.hearings
    now = book.clock.now()
    async with core.sessions() as session, session.begin():
        user = User(channel="telegram", channel_user_id=str(chat), language="ru",
                    consent_version=CONSENT_VERSION, consent_at=now, created_at=now,
                    last_seen_at=now)
        session.add(user)
        row = await session.scalar(select(ScheduledHearing).where(
            ScheduledHearing.case_number == schedule_case))
        await session.flush()
        user_id, draft = user.id, HearingDraft(
            case_number=schedule_case, starts_at=row.starts_at, court_id=row.court_id,
            room=row.room, schedule_id=row.id)
    await book.add(user_id, draft)


async def test_a_changed_hearing_is_not_reminded_at_its_old_time(
        core, fast, bot, bot_api, clock) -> None:
    [chat] = await people_with_hearings(core, 1)
    book = core.conversation.services.hearings
    hearing = (await reminders(core))[0].hearing_id
    async with core.sessions() as session:
        owner = await session.scalar(select(User.id))
    await book.change(owner, hearing, starts_at=HEARING + timedelta(days=14))
    clock.set(local(2026, 12, 3, 10))
    assert (await dispatcher_for(core, fast, bot, clock).run_due()).sent == 0
    assert bot_api.messages(chat) == []
    assert await book.delete(owner, hearing)
    assert await reminders(core) == []


async def test_rows_claimed_by_a_dead_sender_are_claimed_again_after_their_lease(
        core, fast, bot, bot_api, clock) -> None:
    chats = await people_with_hearings(core, 4)
    clock.set(local(2026, 12, 3, 10))
    dead = dispatcher_for(core, fast, bot, clock, instance="dead")
    assert len(await dead.claim()) == 4  # claimed, then the process "died"
    alive = dispatcher_for(core, fast, bot, clock, instance="alive")
    assert (await alive.run_due()).sent == 0  # the claims are still fresh
    clock.advance(minutes=6)
    assert (await alive.run_due()).sent == 4
    assert reminder_messages(bot_api, chats) == Counter({chat: 1 for chat in chats})


async def test_a_row_left_on_the_wire_is_never_sent_twice(core, fast, bot, bot_api,
                                                          clock) -> None:
    [chat] = await people_with_hearings(core, 1)
    clock.set(local(2026, 12, 3, 10))
    async with core.sessions() as session, session.begin():
        row = await session.scalar(select(Reminder).where(Reminder.kind == "7d"))
        row.status, row.claimed_by, row.lease_until = "sending", "dead", clock.now()
    clock.advance(minutes=1)
    assert (await dispatcher_for(core, fast, bot, clock).run_due()).sent == 0
    statuses = {r.kind: r.status for r in await reminders(core)}
    assert statuses["7d"] == "unknown"
    assert bot_api.messages(chat) == []
