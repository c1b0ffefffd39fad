"""Reminder delivery benchmark (README "Hearing reminders" has the last results).

1. Many reminders due at once (default 10,000, one per person): they go through the real
   dispatcher and aiogram's HTTP client to a fake Bot API on loopback, with the configured limits
   (REMINDER_RATE_PER_SECOND, default 30). Prints messages per second overall and the most in
   any one second, against the limit; duplicates; losses; peak memory.
2. Memory with many pending reminders (default 1,000,000, due in the future): the process's
   resident memory with the reminder job running, against the same with 1,000 pending, and how
   long one claim takes when a few are due among them.

    .venv/bin/python -m bench.reminders [--due 10000] [--pending 1000000] [--rate 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import timedelta
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import insert

from bot.app import Core
from bot.channels.telegram import TelegramDelivery
from bot.config import Settings
from bot.logs import setup_logging
from bot.services.clock import ManualClock, utc_now
from bot.services.reminders.service import ReminderService, build_dispatcher
from bot.storage.models import Hearing, Reminder, User
from tests.fakes.telegram import FakeBotAPI

CHUNK = 20_000


async def seed(core: Core, people: int, reminders_each: int, due_from, spacing: timedelta,
               starts_at) -> None:
    """`people` users with one hearing each and `reminders_each` reminder rows, in bulk."""
    now = utc_now()
    for first in range(0, people, CHUNK):
        ids = range(first + 1, min(first + CHUNK, people) + 1)
        async with core.sessions() as session, session.begin():
            await session.execute(insert(User), [
                {"id": i, "channel": "telegram", "channel_user_id": str(100_000 + i),
                 "language": "kk" if i % 2 else "ru", "consent_version": 1, "consent_at": now,
                 "created_at": now, "last_seen_at": now} for i in ids])
            await session.execute(insert(Hearing), [
                {"id": i, "user_id": i, "case_number": f"2-{i}/2026", "court_id": "astana-civil",
                 "starts_at": starts_at, "online": False, "room": "305",
                 "reminders_on": ["7d", "1d", "2h"], "status": "active", "created_at": now,
                 "updated_at": now} for i in ids])
            await session.execute(insert(Reminder), [
                {"hearing_id": i, "kind": ("7d", "1d", "2h")[k % 3],
                 "due_at": due_from + spacing * (i * reminders_each + k), "status": "pending",
                 "attempts": 0, "created_at": now}
                for i in ids for k in range(reminders_each)])


def record_turns(dispatcher) -> list[float]:
    """Note when the pacer lets each message go (before the database write and the request)."""
    pacer, granted = dispatcher._pacer, []
    original = pacer.wait_turn

    async def wait_turn(chat: str) -> None:
        await original(chat)
        granted.append(time.monotonic())

    pacer.wait_turn = wait_turn
    return granted


def busiest_second(moments: list[float]) -> int:
    """The most messages delivered within any one second, [t, t + 1), over the whole run."""
    ordered, most, start = sorted(moments), 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 1:
            start += 1
        most = max(most, end - start + 1)
    return most


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def due_at_once(count: int, rate: float, folder: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder}/due.sqlite3",
                        reminder_rate_per_second=rate)  # type: ignore[call-arg]
    clock = ManualClock(utc_now())
    core = await Core.build(settings, migrate=True, clock=clock)
    api = FakeBotAPI()
    await api.start()
    bot = Bot(api.token, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
    try:
        await seed(core, count, 1, clock.now() - timedelta(minutes=1), timedelta(0),
                   clock.now() + timedelta(days=2))
        dispatcher = build_dispatcher(settings, core.sessions, core.conversation,
                                      {"telegram": TelegramDelivery(bot)}, clock)
        granted = record_turns(dispatcher)
        tracemalloc.start()
        started = time.monotonic()
        report = await dispatcher.run_due()
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        await bot.session.close()
        await api.stop()
        await core.close()
    per_chat = Counter(params["chat_id"] for params in api.sent("sendMessage"))
    busiest = busiest_second(api.delivered_at)
    print(f"== {count:,} reminders due at once, limit {rate:g}/s overall, "
          f"{settings.reminder_chat_interval_seconds:g} s per chat")
    print(f"sent: {report.sent:,} in {elapsed:.1f} s = {report.sent / elapsed:.1f} messages/s "
          f"(limit {rate:g})")
    print(f"most in any one second: {busiest_second(granted)} turns granted by the pacer, "
          f"{busiest} arriving at the Bot API")
    print(f"duplicates: {sum(1 for n in per_chat.values() if n > 1)}, "
          f"lost: {count - len(per_chat)}, outcomes: {dict(report.outcomes)}")
    print(f"peak Python memory while sending: {peak / 2**20:.1f} MB; "
          f"process RSS {rss_mb():.0f} MB")


async def pending_memory(count: int, folder: Path) -> None:
    results = {}
    for label, pending in (("small", 1_000), ("large", count)):
        settings = Settings(_env_file=None,  # type: ignore[call-arg]
                            database_url=f"sqlite+aiosqlite:///{folder}/{label}.sqlite3")
        clock = ManualClock(utc_now())
        core = await Core.build(settings, migrate=True, clock=clock)
        try:
            people = max(pending // 3, 1)
            started = time.monotonic()
            await seed(core, people, 3, clock.now() + timedelta(days=1), timedelta(seconds=1),
                       clock.now() + timedelta(days=400))
            seeded = time.monotonic() - started
            api_less = build_dispatcher(settings, core.sessions, core.conversation,
                                        {"telegram": _NoDelivery()}, clock)
            service = ReminderService(api_less, core.conversation.services.hearings, 0.2)
            gc.collect()
            before = rss_mb()
            service.start()
            await asyncio.sleep(2)  # ten runs of the job, nothing due
            gc.collect()
            after = rss_mb()
            await service.stop()
            clock.advance(days=1, seconds=50)  # a few of them are due now
            started = time.monotonic()
            claimed = await api_less.claim()
            claim_ms = (time.monotonic() - started) * 1000
            results[label] = (pending, seeded, before, after, len(claimed), claim_ms)
        finally:
            await core.close()
    print("== memory with pending reminders (the job running every 0.2 s, none due)")
    for pending, seeded, before, after, claimed, claim_ms in results.values():
        print(f"{pending:>9,} pending: RSS {before:.0f} MB before the job, {after:.0f} MB with "
              f"it (+{after - before:.1f}); one claim of {claimed} due among them: "
              f"{claim_ms:.1f} ms (seeded in {seeded:.0f} s)")


class _NoDelivery:
    async def deliver(self, chat_id: str, screen) -> None:
        """Nothing is due in this part of the benchmark."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--pending", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=30)
    args = parser.parse_args()
    setup_logging("WARNING")
    with tempfile.TemporaryDirectory() as folder:
        if args.due:
            asyncio.run(due_at_once(args.due, args.rate, Path(folder)))
        if args.pending:
            asyncio.run(pending_memory(args.pending, Path(folder)))


if __name__ == "__main__":
    main()
