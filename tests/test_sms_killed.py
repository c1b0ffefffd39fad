"""SMS reminders through the bot as a real process: many due, Mobizon answering 429 and 503 at
first, the process killed with SIGKILL while requests are on the wire, then started again.
Every number gets its reminder exactly once; the SMS on the wire at the kill are `unknown`
and never resent, as for Telegram (tests/test_reminders_killed.py)."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.app import Core
from bot.config import Settings
from bot.services.clock import utc_now
from bot.storage.models import Reminder
from tests.fakes.sms import FakeMobizon
from tests.test_reminders_killed import wait_for
from tests.test_run_command import start_bot, stop_bot

PEOPLE = 60


async def seed(database_url: str, fake: FakeMobizon) -> list[str]:
    settings = Settings(_env_file=None, database_url=database_url,  # type: ignore[call-arg]
                        **fake.settings())
    core = await Core.build(settings, migrate=True)
    numbers = [f"7701{n:07d}" for n in range(PEOPLE)]
    try:
        people = core.conversation.services.sms
        for i, number in enumerate(numbers):
            await people.enrol(number, "kk" if i % 2 else "ru", {
                "case_number": f"2-{7000 + i}/2026", "court_id": "astana-civil",
                "starts_at": (utc_now() + timedelta(hours=2, seconds=2)).isoformat(),
                "room": "305", "online": False})
    finally:
        await core.close()
    return numbers


def environment(fake: FakeMobizon, database_url: str, lease: int) -> dict[str, str]:
    return {**fake.environment(), "DATABASE_URL": database_url, "HTTP_PORT": "0",
            "LOG_LEVEL": "WARNING", "REMINDER_POLL_SECONDS": "0.2", "SMS_RATE_PER_SECOND": "40",
            "REMINDER_CONCURRENCY": "8", "REMINDER_LEASE_SECONDS": str(lease),
            "REMINDER_BACKOFF_SECONDS": "0.05", "LOCAL_CHAT": "off"}


async def statuses(database_url: str) -> Counter[str]:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    core = await Core.build(settings, migrate=False)
    try:
        async with core.sessions() as session:
            return Counter(await session.scalars(select(Reminder.status)))
    finally:
        await core.close()


async def test_sms_killed_mid_batch_with_gateway_errors_then_restarted_arrive_once(
        tmp_path) -> None:
    fake = FakeMobizon()
    await fake.start()
    try:
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
        numbers = await seed(database_url, fake)
        fake.inject("429", 3)
        fake.inject("503", 3)
        fake.hang_after = 20  # then Mobizon takes SMS but never answers: the kill finds them
        first = await start_bot(environment(fake, database_url, lease=3), tmp_path)
        await wait_for(lambda: len(fake.sent) > 20, 60)
        await asyncio.sleep(0.3)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        on_the_wire = len(fake.sent) - 20
        assert 0 < on_the_wire and len(fake.sent) < PEOPLE  # truly in the middle

        fake.hang_after = None
        fake.inject("503", 2)
        second = await start_bot(environment(fake, database_url, lease=3), tmp_path)
        try:
            await wait_for(lambda: len(fake.per_number()) == PEOPLE, 60)
            await asyncio.sleep(1.5)  # time for any duplicate to show itself
        finally:
            code, log = await stop_bot(second)
        assert code == 0, log
        counts = fake.per_number()
        assert set(counts) == set(numbers)
        assert set(counts.values()) == {1}, {n: c for n, c in counts.items() if c != 1}
        assert all(sms.parts <= 2 for sms in fake.sent)
        final = await statuses(database_url)
        assert final["sent"] + final["unknown"] == PEOPLE
        assert final["unknown"] == on_the_wire
    finally:
        await fake.stop()
