"""Two instances of the bot, as separate processes, behind nginx (deploy/nginx), on one
PostgreSQL and one Redis: Telegram's webhook reaches them through nginx, people are spread
across both, and a batch of reminders is claimed by both and sent exactly once.

Needs PostgreSQL (TEST_POSTGRES_URL), redis-server and nginx; `.ci/run` installs and starts
them. The fake Bot API plays Telegram: it POSTs each update to nginx with the webhook secret;
the fake Graph API plays Meta, posting signed WhatsApp webhooks to nginx."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, insert, select

from bot.app import Core
from bot.services.clock import utc_now
from bot.services.conversation.context import CONSENT_VERSION
from bot.storage.models import Hearing, Reminder, User
from tests import screens as S
from tests.conftest import TEST_DATA_KEY, SettingsFactory
from tests.fakes.telegram import Citizen, FakeBotAPI, Shown, agreed_citizen
from tests.fakes.whatsapp import Citizen as WhatsAppCitizen
from tests.fakes.whatsapp import FakeGraphAPI
from tests.services import (
    empty_postgres,
    free_port,
    instances,
    needs,
    nginx_in_front,
    redis_server,
)
from tests.test_whatsapp import onboard as whatsapp_onboard

PEOPLE = 16
REMINDERS = 60
RATE = 30  # a second, for the whole bot: Telegram's limit is per bot, not per instance
SECRET = "scale-out-secret"


def instance_env(api: FakeBotAPI, graph: FakeGraphAPI, database: str, redis: str, port: int,
                 name: str) -> dict[str, str]:
    whatsapp = graph.settings(whatsapp_chat_interval_seconds=0)
    return {
        **{setting.upper(): str(value) for setting, value in whatsapp.items()},
        "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE": api.base_url,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.kz/telegram/webhook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": database, "REDIS_URL": redis, "DATA_KEYS": TEST_DATA_KEY,
        "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "INSTANCE_NAME": name,
        "REMINDER_POLL_SECONDS": "0.3", "REMINDER_BATCH_SIZE": "5",
        "REMINDER_RATE_PER_SECOND": str(RATE), "REMINDER_CHAT_INTERVAL_SECONDS": "0",
        "REMINDER_QUIET_HOURS": "off",
    }


async def events_handled(url: str) -> int:
    """Events this one instance answered, from its own /metrics."""
    async with ClientSession() as client, client.get(f"{url}/metrics") as answer:
        exposition = await answer.text()
    assert "bot_redis_up 1.0" in exposition
    return int(sum(float(value) for value in re.findall(
        r'^bot_events_total\{[^}]*\} (\S+)$', exposition, re.MULTILINE)))


async def seed_due_reminders(core: Core, first_chat: int, count: int) -> list[int]:
    """`count` consenting people, each with a hearing tomorrow and its "1d" reminder due."""
    now = utc_now()
    chats = list(range(first_chat, first_chat + count))
    async with core.sessions() as session, session.begin():
        await session.execute(insert(User), [
            {"channel": "telegram", "channel_user_id": str(chat), "language": "ru",
             "consent_version": CONSENT_VERSION, "consent_at": now, "created_at": now,
             "last_seen_at": now} for chat in chats])
        users = dict((await session.execute(select(User.channel_user_id, User.id).where(
            User.channel_user_id.in_([str(chat) for chat in chats])))).all())
        for chat in chats:
            hearing = Hearing(user_id=users[str(chat)], case_number=f"2-{chat}/2026",
                              court_id="astana-civil", starts_at=now + timedelta(hours=22),
                              online=False, room="305", reminders_on=["1d"], status="active",
                              created_at=now, updated_at=now)
            session.add(hearing)
            await session.flush()
            session.add(Reminder(hearing_id=hearing.id, kind="1d",
                                 due_at=now - timedelta(minutes=1), status="pending",
                                 attempts=0, created_at=now))
    return chats


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphAPI]:
    api = FakeGraphAPI()
    await api.start()
    yield api
    await api.stop()


async def whatsapp_through_nginx(graph: FakeGraphAPI) -> None:
    """WhatsApp people onboard through nginx; a message Meta delivers twice at once (to both
    instances, say) is answered once."""
    for number in range(4):
        await whatsapp_onboard(graph, WhatsAppCitizen(f"KZ.9000000000{number:02d}"),
                               ("ru", "kk")[number % 2])
    citizen = WhatsAppCitizen("KZ.900000000000")
    once = await graph.send(citizen, {"type": "text", "text": {"body": "/menu"}})
    twice = graph.payload(citizen, {"type": "text", "text": {"body": "/menu"}})
    before = len(graph.messages(citizen.user_id))
    assert await asyncio.gather(graph.post(twice), graph.post(twice)) == [200, 200]
    again = await graph.settled(citizen.user_id, before)
    assert [m.text for m in again] == [m.text for m in once]


async def test_two_instances_behind_nginx_share_people_and_reminders(
        bot_api: FakeBotAPI, graph: FakeGraphAPI, make_settings: SettingsFactory,
        tmp_path: Path) -> None:
    needs("nginx")
    database = await empty_postgres()
    ports = [free_port(), free_port()]
    with redis_server(tmp_path / "redis") as redis_url, \
            nginx_in_front(tmp_path / "nginx", ports) as front:
        envs = [instance_env(bot_api, graph, database, redis_url, port, f"instance-{n}")
                for n, port in enumerate(ports)]
        async with instances(envs, tmp_path) as (urls, processes):
            bot_api.webhook_target = f"http://127.0.0.1:{front}/telegram/webhook"
            assert bot_api.webhook_secret == SECRET  # both registered the webhook

            # People talk to the bot through nginx, which spreads them over both instances.
            # A newcomer's language choice (kept only in Redis before consent) must be known
            # to whichever instance gets their next message.
            citizens: list[Citizen] = []
            for number in range(PEOPLE):
                language = ("ru", "kk")[number % 2]
                citizen = await agreed_citizen(bot_api, 8000 + number, language)
                shown = await citizen.press(S.MENU_BUTTONS[language][2])  # online services
                assert shown.text == S.GUIDES[language]
                citizens.append(citizen)
            graph.bot_url = f"http://127.0.0.1:{front}"
            await whatsapp_through_nginx(graph)
            handled = [await events_handled(url) for url in urls]
            assert all(count > 0 for count in handled), handled
            # Telegram: /start, language, consent, one press each; WhatsApp: 3 each, then
            # /menu twice (the copy delivered twice counts once).
            assert sum(handled) == PEOPLE * 4 + 4 * 3 + 2
            assert set(bot_api.webhook_answers) == {200}

            # One person pressing fast: each press answered, in order, one at a time (the
            # lock is in Redis, so it holds across instances).
            fast = citizens[0]
            before = bot_api.outputs(fast.user_id)
            await asyncio.gather(*(bot_api.push({"message": fast._message(text="/menu")})
                                   for _ in range(6)))
            await bot_api.wait_outputs(fast.user_id, before + 6, seconds=20)

            # One person whose events alternate between the instances (sent to each directly):
            # each instance keeps a copy of their place, and must never answer from it once
            # the other has moved them on.
            await alternating_between(bot_api, urls, citizens[1], front)

            # A batch of reminders, due now: both instances claim parts of it.
            core = await Core.build(make_settings(database_url=database), migrate=False)
            try:
                started = time.monotonic()
                chats = await seed_due_reminders(core, 9000, REMINDERS)
                await _wait_until_sent(core, REMINDERS)
                took = time.monotonic() - started
                async with core.sessions() as session:
                    claimers = Counter((await session.execute(
                        select(Reminder.claimed_by).where(Reminder.status == "sent"))
                    ).scalars())
            finally:
                await core.close()
            await asyncio.sleep(1)  # anything sent twice would arrive by now
            per_chat = Counter({chat: len(bot_api.messages(chat)) for chat in chats})
            assert set(per_chat.values()) == {1}, per_chat  # exactly one message each
            assert all("🔔" in bot_api.latest(chat).text for chat in chats)
            assert set(claimers) == {"instance-0", "instance-1"}, claimers
            # Together within the bot's one limit: 60 at 30 a second take about 2 s; two
            # instances pacing alone would take 1 s.
            assert took > (REMINDERS - 1) / RATE * 0.8, took

            # One instance stops (a restart, a crash): nginx gives its webhooks to the other,
            # and people are still answered where they were.
            processes[0].terminate()
            await processes[0].wait()
            for citizen in citizens[1:5]:  # on the online-services screen
                shown = await citizen.press(S.NAV["ru"][0] if citizen.user_id % 2 == 0
                                            else S.NAV["kk"][0])
                assert shown.labels[:3] == S.MENU_BUTTONS[("ru", "kk")[citizen.user_id % 2]][:3]
            assert set(bot_api.webhook_answers) == {200}


async def alternating_between(api: FakeBotAPI, urls: list[str], citizen: Citizen,
                              front: int) -> None:
    """The citizen is on the online-services screen (kk or ru by their number)."""
    language = ("ru", "kk")[citizen.user_id % 2]
    back, menu = S.NAV[language][0], S.NAV[language][1]
    steps = 0

    async def press(label: str) -> Shown:
        nonlocal steps
        api.webhook_target = f"{urls[steps % 2]}/telegram/webhook"
        steps += 1
        return await citizen.press(label)

    try:
        for _round in range(3):
            guides = citizen.screen
            assert guides.text == S.GUIDES[language]
            guide = await press(guides.labels[0])
            assert guide.text != S.GUIDES[language]
            # "Back" follows the way back the other instance wrote last.
            assert (await press(back)).text == S.GUIDES[language]
            assert (await press(back)).text == S.MENU[language]
            await press(S.MENU_BUTTONS[language][2])
        assert (await press(menu)).text == S.MENU[language]
        await press(S.MENU_BUTTONS[language][2])
    finally:
        api.webhook_target = f"http://127.0.0.1:{front}/telegram/webhook"


async def _wait_until_sent(core: Core, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        async with core.sessions() as session:
            sent = await session.scalar(select(func.count()).select_from(Reminder).where(
                Reminder.status == "sent"))
        if sent >= count:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"only {sent} of {count} reminders were sent")
