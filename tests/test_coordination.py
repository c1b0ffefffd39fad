"""What instances share through Redis, part by part, on a real redis-server: two
`Coordination`s on one Redis stand for two instances. And when Redis goes away, the bot still
answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.app import BotApp
from bot.config import Settings
from bot.services.coordination import Coordination
from bot.services.coordination.shared import SharedPacer
from tests import screens as S
from tests.conftest import SettingsFactory
from tests.fakes.telegram import Citizen, FakeBotAPI, agreed_citizen
from tests.services import free_port, redis_server


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as url:
        yield url


def two_instances(redis_url: str, per_minute: int = 5) -> list[Coordination]:
    settings = Settings(_env_file=None, redis_url=redis_url,  # type: ignore[call-arg]
                        flood_messages_per_minute=per_minute)
    return [Coordination.build(settings) for _ in range(2)]


async def close(coordinations: list[Coordination]) -> None:
    for coordination in coordinations:
        await coordination.close()


async def test_one_persons_events_are_handled_one_at_a_time_across_instances(
        redis_url: str) -> None:
    instances = two_instances(redis_url)
    inside, most, order = 0, 0, []

    async def handle(number: int) -> None:
        nonlocal inside, most
        async with instances[number % 2].locks.hold("telegram:42"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.02)
            order.append(number)
            inside -= 1

    try:
        await asyncio.gather(*(handle(n) for n in range(10)))
        async with instances[0].locks.hold("telegram:43"):  # someone else is not held up
            async with asyncio.timeout(1), instances[1].locks.hold("telegram:44"):
                pass
    finally:
        await close(instances)
    assert most == 1
    assert sorted(order) == list(range(10))


async def test_the_flood_limit_counts_messages_to_every_instance(redis_url: str) -> None:
    instances = two_instances(redis_url, per_minute=5)
    try:
        verdicts = [await instances[n % 2].flood.verdict("telegram:7") for n in range(8)]
        other = await instances[1].flood.verdict("telegram:8")
    finally:
        await close(instances)
    assert verdicts == ["pass"] * 5 + ["warn", "drop", "drop"]
    assert other == "pass"


async def test_a_webhook_id_is_taken_once_and_a_newcomers_place_is_shared(
        redis_url: str) -> None:
    first, second = two_instances(redis_url)
    try:
        assert await first.seen.first_time("tg:100") is True
        assert await second.seen.first_time("tg:100") is False
        await first.scratch.put("telegram:5", {"place": {"screen": "consent"}})
        assert await second.scratch.get("telegram:5") == {"place": {"screen": "consent"}}
        await second.scratch.drop("telegram:5")
        assert await first.scratch.get("telegram:5") is None
        keys = [key.decode() async for key in first.redis.scan_iter("*")]
    finally:
        await close([first, second])
    assert keys and all(key.startswith("adilet:") for key in keys)
    assert not any("telegram" in key or ":5" in key.split(":")[-1] for key in keys), keys
    ttl_checked = two_instances(redis_url)
    try:
        await ttl_checked[0].scratch.put("telegram:6", {"x": 1})
        [name] = [key async for key in ttl_checked[0].redis.scan_iter("adilet:visit:*")]
        assert 0 < await ttl_checked[0].redis.ttl(name) <= 24 * 3600  # nothing stays
    finally:
        await close(ttl_checked)


async def test_two_instances_together_keep_one_send_rate(redis_url: str) -> None:
    instances = two_instances(redis_url)
    pacers = [c.pacer("telegram", per_second=20, per_chat_seconds=0.5) for c in instances]
    assert all(isinstance(p, SharedPacer) for p in pacers)
    granted: list[float] = []

    async def sender(pacer, chats: range) -> None:
        for chat in chats:
            await pacer.wait_turn(f"telegram:{chat}")
            granted.append(time.monotonic())

    try:
        started = time.monotonic()
        await asyncio.gather(sender(pacers[0], range(0, 20)), sender(pacers[1], range(20, 40)))
        took = time.monotonic() - started
        # One chat twice in a row waits its per-chat interval, whichever instance sends.
        await pacers[0].wait_turn("telegram:same")
        before = time.monotonic()
        await pacers[1].wait_turn("telegram:same")
        same_chat_wait = time.monotonic() - before
    finally:
        await close(instances)
    assert took >= 39 / 20 * 0.9, took  # 40 messages at 20 a second, not 40
    assert same_chat_wait >= 0.4, same_chat_wait


async def test_the_bot_answers_when_redis_is_away(
        bot_api: FakeBotAPI, make_settings: SettingsFactory) -> None:
    nobody = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, redis_url=nobody,
                               flood_messages_per_minute=40))
    await app.start(polling_timeout=1)
    try:
        citizen: Citizen = await agreed_citizen(bot_api, 3101)
        shown = await citizen.press(S.MENU_BUTTONS["ru"][2])
        async with ClientSession() as client, client.get(f"{app.http_url}/metrics") as answer:
            exposition = await answer.text()
    finally:
        await app.stop()
    assert shown.text == S.GUIDES["ru"]
    assert "bot_redis_up 0.0" in exposition  # what to alert on (README "What to monitor")
    assert app.core.coordination.locks.missed >= 4  # each event went on without Redis
