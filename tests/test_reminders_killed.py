"""The bot as a real process, killed in the middle of a batch of reminders and started again:
every person still gets exactly one message. Also a clean stop (SIGTERM) mid-batch, which hands
the unsent rest back so the next start sends it at once."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.app import Core
from bot.config import Settings
from bot.services.clock import utc_now
from bot.services.conversation.context import CONSENT_VERSION
from bot.services.hearings.book import HearingDraft
from bot.storage.models import Reminder, User
from tests.fakes.telegram import FakeBotAPI
from tests.test_run_command import start_bot, stop_bot

PEOPLE = 60


async def seed(database_url: str, due_in: timedelta) -> list[int]:
    """PEOPLE consenting Telegram users, each with a hearing whose 2-hour reminder is due in
    `due_in` (real time)."""
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    core = await Core.build(settings, migrate=True)
    now = utc_now()
    chats = list(range(7000, 7000 + PEOPLE))
    try:
        async with core.sessions() as session, session.begin():
            session.add_all(User(channel="telegram", channel_user_id=str(chat), language="kk",
                                 consent_version=CONSENT_VERSION, consent_at=now, created_at=now,
                                 last_seen_at=now) for chat in chats)
        async with core.sessions() as session:
            ids = dict((await session.execute(select(User.channel_user_id, User.id))).all())
        book = core.conversation.services.hearings
        for chat in chats:
            await book.add(ids[str(chat)], HearingDraft(
                case_number=f"2-{chat}/2026", starts_at=now + timedelta(hours=2) + due_in,
                court_id="astana-civil", reminders_on=["2h"]))
    finally:
        await core.close()
    return chats


def environment(api: FakeBotAPI, database_url: str, lease: int) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE": api.base_url,
            "DATABASE_URL": database_url, "HTTP_PORT": "0", "LOG_LEVEL": "WARNING",
            "REMINDER_POLL_SECONDS": "0.2", "REMINDER_RATE_PER_SECOND": "40",
            "REMINDER_CONCURRENCY": "8", "REMINDER_LEASE_SECONDS": str(lease)}


async def wait_for(condition, seconds: float) -> None:
    """Poll a condition on the fake Bot API's records (it has no event to wait on)."""
    for _tick in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"not within {seconds} s")


def per_chat(api: FakeBotAPI) -> Counter[str]:
    return Counter(params["chat_id"] for params in api.sent("sendMessage"))


async def statuses(database_url: str) -> Counter[str]:
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    core = await Core.build(settings, migrate=False)
    try:
        async with core.sessions() as session:
            return Counter(await session.scalars(select(Reminder.status)))
    finally:
        await core.close()


async def test_killed_mid_batch_then_restarted_sends_each_reminder_exactly_once(
        bot_api: FakeBotAPI, tmp_path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    chats = await seed(database_url, due_in=timedelta(seconds=1))
    # After 20 messages, Telegram takes further ones but never answers: the process dies with
    # requests on the wire and the rest of its batch claimed but unsent.
    bot_api.hang_after = 20
    first = await start_bot(environment(bot_api, database_url, lease=3), tmp_path)
    await wait_for(lambda: len(bot_api.sent("sendMessage")) > 20, 60)
    await asyncio.sleep(0.3)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    delivered_before = len(bot_api.sent("sendMessage"))
    assert 20 < delivered_before < PEOPLE  # truly in the middle of the batch

    bot_api.hang_after = None
    second = await start_bot(environment(bot_api, database_url, lease=3), tmp_path)
    try:
        await wait_for(lambda: len(per_chat(bot_api)) == PEOPLE, 60)
        await asyncio.sleep(1.5)  # time for any duplicate to show itself
    finally:
        code, log = await stop_bot(second)
    assert code == 0, log
    counts = per_chat(bot_api)
    assert set(counts) == {str(chat) for chat in chats}
    assert set(counts.values()) == {1}, {c: n for c, n in counts.items() if n != 1}
    final = await statuses(database_url)
    # Messages on the wire when the process died are recorded as "unknown", never resent.
    assert final["sent"] + final["unknown"] == PEOPLE
    assert final["unknown"] == delivered_before - 20


async def test_a_clean_stop_mid_batch_hands_the_rest_back_for_the_next_start(
        bot_api: FakeBotAPI, tmp_path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await seed(database_url, due_in=timedelta(seconds=1))
    env = environment(bot_api, database_url, lease=600) | {"REMINDER_RATE_PER_SECOND": "10"}
    first = await start_bot(env, tmp_path)
    await wait_for(lambda: len(bot_api.sent("sendMessage")) >= 10, 60)
    code, log = await stop_bot(first)
    assert code == 0, log
    assert len(per_chat(bot_api)) < PEOPLE
    # A 10-minute lease: only handing back lets the next start send the rest at once.
    second = await start_bot(env | {"REMINDER_RATE_PER_SECOND": "100"}, tmp_path)
    try:
        await wait_for(lambda: len(per_chat(bot_api)) == PEOPLE, 60)
        await asyncio.sleep(1)
    finally:
        code, log = await stop_bot(second)
    assert code == 0, log
    assert set(per_chat(bot_api).values()) == {1}
    assert (await statuses(database_url)) == Counter(sent=PEOPLE)
