"""On PostgreSQL, several instances send reminders at once: each claims its own rows with
FOR UPDATE SKIP LOCKED, and every reminder still goes exactly once.

Needs a real PostgreSQL: TEST_POSTGRES_URL (`.ci/run` starts one with .ci/postgres.sh). Without
it the tests are skipped, except in CI, where REQUIRE_POSTGRES=1 makes that a failure."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.app import Core
from bot.channels.telegram import TelegramDelivery
from bot.services.clock import ManualClock
from bot.services.reminders.service import build_dispatcher
from tests.conftest import SettingsFactory
from tests.fakes.telegram import FakeBotAPI
from tests.hearing_helpers import START, add_hearing, clock_at, local, reminders
from tests.people import agreed_person
from tests.services import empty_database
from tests.test_reminder_delivery import people_with_hearings

URL = os.environ.get("TEST_POSTGRES_URL", "")
if not URL:
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise RuntimeError("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
    pytest.skip("no PostgreSQL (set TEST_POSTGRES_URL)", allow_module_level=True)

INSTANCES = 3


@pytest.fixture
def clock() -> ManualClock:
    return clock_at(START)


@pytest.fixture
async def emptied() -> str:
    return await empty_database(URL)


@pytest.fixture
async def cores(emptied: str, make_settings: SettingsFactory,
                clock: ManualClock) -> AsyncIterator[list[Core]]:
    """Several bot instances, each with its own connection pool, on one database."""
    settings = make_settings(database_url=emptied, reminder_rate_per_second=400,
                             reminder_chat_interval_seconds=0, reminder_batch_size=20)
    built = [await Core.build(settings, migrate=index == 0, clock=clock)
             for index in range(INSTANCES)]
    yield built
    for core in built:
        await core.close()


async def test_several_instances_share_the_work_and_send_each_reminder_once(
        cores: list[Core], bot_api: FakeBotAPI, clock: ManualClock) -> None:
    chats = await people_with_hearings(cores[0], 150)
    clock.set(local(2026, 12, 3, 10))
    bots = [Bot(bot_api.token, session=AiohttpSession(
        api=TelegramAPIServer.from_base(bot_api.base_url))) for _core in cores]
    try:
        dispatchers = [
            build_dispatcher(core.settings.model_copy(update={"instance_name": f"i{n}"}),
                             core.sessions, core.conversation,
                             {"telegram": TelegramDelivery(bot)}, clock)
            for n, (core, bot) in enumerate(zip(cores, bots, strict=True))]
        reports = await asyncio.gather(*(d.run_due() for d in dispatchers))
    finally:
        for bot in bots:
            await bot.session.close()
    counts = Counter(int(p["chat_id"]) for p in bot_api.sent("sendMessage"))
    assert counts == Counter({chat: 1 for chat in chats})
    assert sum(report.sent for report in reports) == 150
    assert sum(1 for report in reports if report.sent) >= 2  # the work really was shared
    assert {r.status for r in await reminders(cores[0]) if r.kind == "7d"} == {"sent"}


async def test_the_hearing_screens_work_on_postgresql(cores: list[Core]) -> None:
    person = await agreed_person(cores[0])
    hearing_id = await add_hearing(person)
    due = {r.kind: r.due_at for r in await reminders(cores[0], hearing_id)}
    assert due["1d"] == local(2026, 12, 9, 10)
    other = await agreed_person(cores[1], user_id="p2")  # another instance, same database
    await other.press(f"hdel:{hearing_id}")  # not theirs: nothing happens
    assert len(await reminders(cores[0], hearing_id)) == 3
