"""SMS reminder benchmark (README "Performance" and "SMS reminders" have the last results).

Many SMS reminders due at once (default 2,000, one per person enrolled by phone) go through the
real dispatcher, the SMS delivery and the Mobizon adapter's aiohttp client to the fake Mobizon
on loopback, paced by SMS_RATE_PER_SECOND (default 20). Prints SMS per second overall and the
most in any one second against the limit, duplicates, losses, the parts paid for, and with
`--faults` the same with Mobizon answering 429 and 503 now and then.

    .venv/bin/python -m bench.reminders_sms [--due 2000] [--rate 20] [--faults]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.reminders import busiest_second, record_turns
from bot.app import Core
from bot.channels.sms.channel import SmsDelivery
from bot.channels.sms.mobizon import MobizonGateway
from bot.config import Settings
from bot.logs import setup_logging
from bot.services.clock import ManualClock, utc_now
from bot.services.reminders.service import build_dispatcher
from bot.storage.models import Address, Hearing, Reminder, User
from tests.fakes.sms import FakeMobizon

CHUNK = 5_000


async def seed(core: Core, people: int, due, starts_at) -> None:
    now = utc_now()
    book = core.conversation.services.sms.addresses
    for first in range(0, people, CHUNK):
        ids = range(first + 1, min(first + CHUNK, people) + 1)
        numbers = {i: f"7701{i:07d}" for i in ids}
        aliases = {i: await book.alias_of(numbers[i]) for i in ids}
        async with core.sessions() as session, session.begin():
            await session.execute(insert(User), [
                {"id": i, "channel": "sms", "channel_user_id": aliases[i],
                 "language": "kk" if i % 2 else "ru", "consent_version": 1, "consent_at": now,
                 "created_at": now, "last_seen_at": now} for i in ids])
            await session.execute(insert(Address), [
                {"channel": "sms", "alias": aliases[i], "address": numbers[i], "created_at": now}
                for i in ids])
            await session.execute(insert(Hearing), [
                {"id": i, "user_id": i, "case_number": f"7594-26-00-2/{i}",
                 "court_id": "astana-smes", "starts_at": starts_at, "online": False,
                 "room": "305", "reminders_on": ["7d", "1d", "2h"], "status": "active",
                 "created_at": now, "updated_at": now} for i in ids])
            await session.execute(insert(Reminder), [
                {"hearing_id": i, "kind": "1d", "due_at": due, "status": "pending",
                 "attempts": 0, "created_at": now} for i in ids])


async def due_at_once(count: int, rate: float, faults: bool, folder: Path) -> None:
    fake = FakeMobizon()
    await fake.start()
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{folder}/sms.sqlite3",
                        reminder_backoff_seconds=0.05,  # type: ignore[call-arg]
                        **fake.settings(sms_rate_per_second=rate))
    clock = ManualClock(utc_now())
    core = await Core.build(settings, migrate=True, clock=clock)
    gateway = MobizonGateway(fake.base_url, settings.sms_api_key, settings.sms_sender)
    try:
        await seed(core, count, clock.now() - timedelta(minutes=1), clock.now() + timedelta(days=1))
        delivery = SmsDelivery(gateway, core.conversation.services.sms, core.sessions, clock)
        dispatcher = build_dispatcher(settings, core.sessions, core.conversation,
                                      {"sms": delivery}, clock)
        granted = record_turns_for(dispatcher, "sms")
        if faults:
            for _round in range(count // 200):
                fake.inject("429", 1)
                fake.inject("503", 1)
        started = time.monotonic()
        report = await dispatcher.run_due()
        while report.outcomes.get("retry_later"):  # rows a run left for the next one
            report = await dispatcher.run_due()
        elapsed = time.monotonic() - started
    finally:
        await gateway.close()
        await fake.stop()
        await core.close()
    per_number = fake.per_number()
    parts = Counter(sms.parts for sms in fake.sent)
    print(f"== {count:,} SMS reminders due at once, limit {rate:g}/s"
          + (", Mobizon answering 429 and 503 now and then" if faults else ""))
    print(f"sent: {len(fake.sent):,} in {elapsed:.1f} s = {len(fake.sent) / elapsed:.1f} SMS/s "
          f"(limit {rate:g})")
    print(f"most in any one second: {busiest_second(granted)} turns granted by the pacer, "
          f"{busiest_second(fake.delivered_at)} arriving at Mobizon")
    print(f"duplicates: {sum(1 for n in per_number.values() if n > 1)}, "
          f"lost: {count - len(per_number)}, API calls: {fake.calls:,}")
    print(f"parts: {dict(sorted(parts.items()))} (never more than 2), "
          f"{sum(n * k for k, n in parts.items()):,} paid in all")


def record_turns_for(dispatcher, channel: str) -> list[float]:
    """As bench.reminders.record_turns, for the channel's own pacer."""
    pacer = dispatcher._pacers[channel]
    dispatcher._pacer, saved = pacer, dispatcher._pacer
    granted = record_turns(dispatcher)
    dispatcher._pacer = saved
    return granted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args()
    setup_logging("WARNING")
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(due_at_once(args.due, args.rate, args.faults, Path(folder)))


if __name__ == "__main__":
    main()
