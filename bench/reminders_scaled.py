"""Reminders from two instances: 10,000 due at once, sent by two `python -m bot run` processes
on one PostgreSQL and one Redis, against the fake Bot API in this process.

Printed: the delivery rate overall and in the busiest second, against the configured limit
(REMINDER_RATE_PER_SECOND, which is per bot: the instances share it through Redis), how the
work split between the instances, and duplicates and losses (there must be none).

    TEST_POSTGRES_URL=$(bash .ci/postgres.sh) .venv/bin/python -m bench.reminders_scaled \\
        [--due 10000] [--rate 30] [--instances 2]

The database named by --postgres (default TEST_POSTGRES_URL) is emptied first. redis-server
must be installed (it is started here, on a free port).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.load import bot_env, ready, start, stop
from bench.reminders import busiest_second, seed
from bot.app import Core
from bot.config import Settings
from bot.services.clock import utc_now
from bot.storage.models import Reminder
from tests.fakes.telegram import FakeBotAPI
from tests.services import empty_database, redis_server


async def sent_count(core: Core) -> int:
    async with core.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.status.in_(("sent", "failed", "unknown", "blocked", "skipped")))) or 0


async def run(due: int, rate: float, instances: int, postgres: str, redis_url: str) -> None:
    api = FakeBotAPI()
    await api.start()
    await empty_database(postgres)
    env = bot_env(api, postgres, REDIS_URL=redis_url, REMINDER_RATE_PER_SECOND=str(rate),
                  REMINDER_QUIET_HOURS="off", REMINDER_POLL_SECONDS="1")
    core = await Core.build(Settings(_env_file=None, database_url=postgres,  # type: ignore[call-arg]
                                     data_keys=env["DATA_KEYS"]), migrate=True)
    processes = []
    try:
        now = utc_now()
        await seed(core, due, 1, now - timedelta(minutes=1), timedelta(0),
                   now + timedelta(days=2))
        processes = [await start(["bot", "run"], {**env, "INSTANCE_NAME": f"instance-{n}"})
                     for n in range(instances)]
        for process in processes:
            await ready(process)
        while True:
            if await sent_count(core) >= due:
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)  # a duplicate would have arrived by now
        async with core.sessions() as session:
            split = Counter((await session.execute(select(Reminder.claimed_by).where(
                Reminder.status == "sent"))).scalars())
            outcomes = Counter((await session.execute(select(Reminder.status))).scalars())
    finally:
        for process in processes:
            await stop(process)
        await core.close()
        await api.stop()
    arrivals = sorted(api.delivered_at)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    per_chat = Counter(params["chat_id"] for params in api.sent("sendMessage"))
    print(f"== {due:,} reminders due at once, {instances} instances on PostgreSQL and Redis, "
          f"limit {rate:g}/s for the bot")
    print(f"delivered: {len(arrivals):,} in {span:.1f} s = "
          f"{(len(arrivals) - 1) / span if span else 0:.1f} messages/s (limit {rate:g})")
    print(f"most in any one second: {busiest_second(arrivals)} (limit {rate:g})")
    print(f"split: {dict(sorted(split.items()))}")
    print(f"duplicates: {sum(1 for n in per_chat.values() if n > 1)}, "
          f"lost: {due - len(per_chat)}, statuses: {dict(outcomes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    if not args.postgres:
        parser.error("needs PostgreSQL: --postgres URL or TEST_POSTGRES_URL")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, redis_server(Path(folder)) as redis_url:
        asyncio.run(run(args.due, args.rate, args.instances, args.postgres, redis_url))
    print(f"(whole benchmark {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
