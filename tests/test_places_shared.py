"""Each instance keeps the places of the people it serves in memory between their events; two
instances on one database and one Redis must still never answer from a stale copy. Two `Core`s
on one database (SQLite, or PostgreSQL with TEST_DATABASE=postgres) and a real redis-server
stand for two instances, and one person's events alternate between them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import Core
from bot.storage.models import User
from tests.conftest import SettingsFactory
from tests.people import DIVORCE, Person, stored_data
from tests.services import redis_server


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as url:
        yield url


@pytest.fixture
async def two(make_settings: SettingsFactory, redis_url: str) -> AsyncIterator[list[Core]]:
    settings = make_settings(redis_url=redis_url)
    first = await Core.build(settings, migrate=True)
    second = await Core.build(settings, migrate=False)
    yield [first, second]
    await first.close()
    await second.close()


class Alternating:
    """One person whose every event reaches the other instance than the last one did."""

    def __init__(self, cores: list[Core], user_id: str = "alt") -> None:
        self.people = [Person(core, user_id) for core in cores]
        self.turn = 0

    async def press(self, choice: str):
        person = self.people[self.turn % 2]
        self.turn += 1
        return await person.press(choice)

    async def say(self, words: str):
        person = self.people[self.turn % 2]
        self.turn += 1
        return await person.say(words)


async def agree(person: Alternating) -> None:
    await person.say("/start")
    await person.press("lang:ru")
    assert (await person.press("consent:yes")).name == "menu"


async def test_a_place_changed_on_one_instance_is_never_read_stale_on_the_other(
        two: list[Core]) -> None:
    person = Alternating(two)
    await agree(person)
    # Each instance has served this person, and keeps a copy; each event changes the place.
    guides = await person.press("go:guides")
    assert guides.name == "guides"
    guide = await person.press(guides.choices[0].id)
    assert guide.name != "guides"
    # Back depends on the way back (the stack) that the other instance wrote last.
    assert (await person.press("back")).name == "guides"
    assert (await person.press("back")).name == "menu"
    assert (await person.press("back")).name == "menu"
    # Answers given on alternate instances all count.
    await person.press(f"start:{DIVORCE}")
    for answer in ("children/no", "agree/yes", "property/no"):
        shown = await person.press(f"ans:{DIVORCE}/{answer}")
    data = await stored_data(two[0])
    assert all(answer.split("/")[0] in data for answer in ("children/no", "agree/yes",
                                                          "property/no"))
    # What each instance shows on redraw is the same, wherever the last event went.
    redrawn = [await core.conversation.redraw("test", "alt") for core in two]
    assert [screen.name for screen in redrawn] == [shown.name, shown.name]


async def test_my_data_deleted_on_one_instance_is_forgotten_by_the_other(
        two: list[Core]) -> None:
    person = Alternating(two)
    await agree(person)
    await person.press("go:mydata")  # the second instance now keeps a copy
    await person.press("go:mydata_delete")
    deleted = await person.press("data:delete")  # on the first
    assert deleted.name == "menu"
    # The second instance's copy said "consented"; it must know better now.
    again = await person.press("go:mydata")
    assert again.text.startswith("Я ничего о вас не храню: вы отказались"), again.text
    async with two[0].sessions() as session:
        assert await session.scalar(select(User.id)) is None


async def test_marked_unreachable_by_one_instance_and_cleared_when_they_write_to_the_other(
        two: list[Core]) -> None:
    person = Alternating(two)
    await agree(person)
    await person.press("go:guides")  # the second instance keeps a copy: "reachable"
    # The first instance's reminder job finds the person has blocked the bot.
    async with two[0].sessions() as session, session.begin():
        await session.execute(update(User).values(unreachable_since=User.last_seen_at))
    await two[0].conversation.services.store.invalidate("test", "alt")
    person.turn = 1
    await person.press("back")  # they write again, to the second instance
    async with two[0].sessions() as session:
        assert await session.scalar(select(User.unreachable_since)) is None
