"""Resident memory of the bot's process (RSS): idle, with 10,000 people in the middle of a
conversation, and with 1,000,000 reminders waiting in the database.

The bot runs as its own process on SQLite, long polling a fake Bot API in this process.
- idle: started, nobody writing, the reminder job running;
- active: N people (default 10,000) each sent /start and chose a language, so each is on the
  consent screen. Until they answer, nothing of them is in the database: they are kept in the
  process's memory (with Redis, there), the most any conversation costs the process;
- pending: a new process on a database with M reminders (default 1,000,000) due in the months
  ahead, after the reminder job has looked for due ones a few times.

    .venv/bin/python -m bench.memory [--people 10000] [--pending 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from bench.load import bot_env, drive, ready, rss_mb, start, stop
from bench.reminders import seed
from bot.app import Core
from bot.config import Settings
from bot.services.clock import utc_now
from tests.fakes.telegram import Citizen, FakeBotAPI

AT_ONCE = 200  # people writing at the same moment while the 10,000 arrive


async def newcomer(citizen: Citizen, _steps: int, rng, latencies: list[float]) -> None:
    await citizen.say("/start")
    await citizen.press(rng.choice(("Русский", "Қазақша")))


async def idle_and_active(api: FakeBotAPI, database: str, people: int) -> None:
    process = await start(["bot", "run"], bot_env(api, database, REMINDER_POLL_SECONDS="1"))
    try:
        await ready(process)
        await asyncio.sleep(5)  # the job has run a few times
        idle = rss_mb(process.pid)
        print(f"idle: {idle:.0f} MB", flush=True)
        for first in range(0, people, AT_ONCE):
            await drive(api, newcomer, min(AT_ONCE, people - first), 2, 5_000_000 + first)
        await asyncio.sleep(2)
        active = rss_mb(process.pid)
        print(f"with {people:,} people in a conversation: {active:.0f} MB "
              f"(+{active - idle:.0f} MB, {(active - idle) * 1024 / people:.1f} KB each)")
    finally:
        await stop(process)


async def with_pending(api: FakeBotAPI, folder: Path, pending: int) -> None:
    database = f"sqlite+aiosqlite:///{folder}/pending.sqlite3"
    settings = Settings(_env_file=None, database_url=database,  # type: ignore[call-arg]
                        data_keys=bot_env(api, database)["DATA_KEYS"])
    core = await Core.build(settings, migrate=True)
    try:
        now = utc_now()
        await seed(core, max(pending // 3, 1), 3, now + timedelta(days=30),
                   timedelta(seconds=7), now + timedelta(days=400))
    finally:
        await core.close()
    process = await start(["bot", "run"], bot_env(api, database, REMINDER_POLL_SECONDS="1"))
    try:
        await ready(process)
        await asyncio.sleep(6)
        print(f"with {pending:,} reminders pending: {rss_mb(process.pid):.0f} MB")
    finally:
        await stop(process)


async def run(people: int, pending: int, folder: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    try:
        print("== resident memory of the bot's process (SQLite, long polling)")
        await idle_and_active(api, f"sqlite+aiosqlite:///{folder}/active.sqlite3", people)
        if pending:
            await with_pending(api, folder, pending)
    finally:
        await api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--pending", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args.people, args.pending, Path(folder)))


if __name__ == "__main__":
    main()
