"""Personal data: what a person can take away ("My data" as a file), what is deleted after its
keeping period, and that nothing a person wrote reaches a log line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import Core
from bot.services.clock import ManualClock
from bot.services.conversation.context import CONSENT_VERSION
from bot.services.retention import Retention
from bot.storage.sealing import KeyMissing
from tests.conftest import TEST_DATA_KEY
from tests.fakes.telegram import agreed_citizen
from tests.hearing_helpers import START, add_hearing
from tests.people import agreed_person


async def test_closed_chats_and_inactive_people_are_deleted_after_their_periods(
    make_settings,
) -> None:
    clock = ManualClock(START)
    core = await Core.build(make_settings(), migrate=True, clock=clock)
    try:
        desk = core.conversation.services.handoffs
        quiet = await agreed_person(core, user_id="quiet")  # writes once, then never again
        await quiet.press("go:human_chat")
        await quiet.say("Вопрос")
        waiting = await agreed_person(core, user_id="waiting")  # has a hearing to come
        await add_hearing(waiting, day="2028-01-10")
        (entry,) = await desk.queue()
        await desk.take(entry.id, None)
        await desk.close(entry.id)
        retention = Retention(handoff_days=90, inactive_user_days=365)
        clock.advance(days=89)
        assert await retention.forget_expired(core.sessions, clock) == {"chats": 0, "people": 0}
        clock.advance(days=2)
        assert await retention.forget_expired(core.sessions, clock) == {"chats": 1, "people": 0}
        clock.advance(days=300)
        assert await retention.forget_expired(core.sessions, clock) == {"chats": 0, "people": 1}
        async with core.engine.connect() as connection:
            left = (await connection.execute(text("SELECT channel_user_id FROM users"))).all()
        assert left == [("waiting",)]  # a hearing still to come keeps the person
    finally:
        await core.close()


async def test_my_data_arrives_as_a_file_with_everything_kept(
    telegram_bot, bot_api
) -> None:
    citizen = await agreed_citizen(bot_api, 321)
    await citizen.press_data("start:family.divorce")
    await citizen.press_data("ans:family.divorce/agree/no")
    await citizen.press_data("go:human_chat")
    await citizen.say("Мой муж Ерлан не даёт развод")
    await citizen.press_data("go:mydata")
    before = bot_api.outputs(321)
    await citizen.press("📄 Прислать мои данные")
    await bot_api.wait_outputs(321, before + 2)
    (sent,) = [shown for shown in bot_api.messages(321) if shown.document]
    assert sent.document["file_name"] == "my-data.json"
    document = json.loads(sent.document["content"])
    assert document["channel"] == "telegram" and document["id_on_channel"] == "321"
    assert document["consent"]["version"] == CONSENT_VERSION and document["language"] == "ru"
    assert document["conversation"]["answers"]["explorer"]["family.divorce"]["answers"] == {
        "agree": "no"}
    (chat,) = document["chats_with_operators"]
    assert chat["messages"] == [{"at": chat["messages"][0]["at"], "from": "citizen",
                                 "text": "Мой муж Ерлан не даёт развод"}]


async def test_nothing_a_person_wrote_reaches_the_logs(telegram_bot, bot_api, caplog) -> None:
    """A whole conversation with a case number, a name, a phone number and a message to an
    operator, logged at DEBUG for the bot's own loggers: none of it appears in a log line."""
    import logging

    secrets = ["2-9876/2026", "Сауле Нурланова", "87015550011", "не могу прийти в суд"]
    caplog.set_level(logging.DEBUG, logger="bot")
    citizen = await agreed_citizen(bot_api, 322)
    await citizen.say("Меня зовут Сауле Нурланова, телефон 87015550011")
    await citizen.press_data("go:h_case")
    await citizen.say("2-9876/2026")
    await citizen.press_data("go:human_chat")
    await citizen.say("Я не могу прийти в суд 2-9876/2026")
    await citizen.send(sticker={"file_id": "s", "file_unique_id": "u", "type": "regular",
                                "width": 1, "height": 1, "is_animated": False,
                                "is_video": False})
    logged = "\n".join(f"{record.name} {record.getMessage()} {record.exc_text or ''}"
                       for record in caplog.records)
    assert caplog.records, "the test must see the bot's log lines"
    for secret in secrets:
        assert secret not in logged


def _database_files(folder: Path) -> bytes:
    """The database file and its write-ahead log, as bytes: what a copied disk would show."""
    return b"".join(path.read_bytes() for path in folder.glob("bot.sqlite3*"))


def _raw(database: Path, query: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


async def _person_with_everything(core: Core) -> None:
    """A hearing, answers, a message to staff and an enrolment: every sealed column filled."""
    person = await agreed_person(core)
    await person.press("start:family.divorce")
    await person.press("ans:family.divorce/agree/no")
    await add_hearing(person, case="2-5555/2026", room="Зал Бейбітшілік")
    await person.press("go:human_chat")
    await person.say("Меня зовут Айжан Омарова, звоните 87010001122")
    await core.conversation.services.enrolments.create(
        {"case_number": "2-7777/2026", "starts_at": "2026-12-20T10:00:00+05:00",
         "court_id": "astana-civil"}, "ru", None)


PRIVATE = ("2-5555/2026", "Бейбітшілік", "Айжан", "87010001122", "2-7777/2026", '"agree"')
SEALED_QUERIES = ("SELECT case_number, room FROM hearings", "SELECT text FROM handoff_messages",
                  "SELECT data FROM conversation_states", "SELECT hearing FROM enrolments")


@pytest.mark.sqlite_only  # reads SQLite's own file
async def test_personal_fields_are_encrypted_at_rest(make_settings, tmp_path: Path) -> None:
    core = await Core.build(make_settings(), migrate=True, clock=ManualClock(START))
    try:
        await _person_with_everything(core)
        desk = core.conversation.services.handoffs
        (entry,) = await desk.queue()
        (message,) = await desk.messages(entry.id)
        assert message.text.startswith("Меня зовут Айжан")  # the bot reads it back
    finally:
        await core.close()
    stored = [value for query in SEALED_QUERIES
              for row in _raw(tmp_path / "bot.sqlite3", query) for value in row]
    assert len(stored) == 5 and all(value.startswith("sealed:") for value in stored)
    files = _database_files(tmp_path)
    for private in PRIVATE:
        assert private.encode() not in files, private


def _bot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.sqlite_only  # reads SQLite's own file
async def test_keys_rotate_to_a_new_key_and_the_old_one_can_go(
    make_settings, tmp_path: Path
) -> None:
    old_key = TEST_DATA_KEY
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
           "TELEGRAM_BOT_TOKEN": ""}
    new_key = _bot(env, "keys", "new").stdout.strip()
    assert len(new_key) == 44 and new_key != old_key
    core = await Core.build(make_settings(), migrate=True, clock=ManualClock(START))
    try:
        await _person_with_everything(core)
    finally:
        await core.close()
    # A value from before encryption existed, in the clear: rotation seals it too.
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        connection.execute("UPDATE hearings SET video_link = 'https://meet.example/x'")

    rotated = _bot({**env, "DATA_KEYS": f"{new_key},{old_key}"}, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert rotated.stdout.startswith("6 stored value(s)")
    again = _bot({**env, "DATA_KEYS": f"{new_key},{old_key}"}, "keys", "rotate")
    assert again.stdout.startswith("0 stored value(s)")  # nothing left under the old key

    core = await Core.build(make_settings(data_keys=new_key), clock=ManualClock(START))
    try:
        book = core.conversation.services.hearings
        user_id = await book.user_id("test", "p1")
        (hearing,) = await book.upcoming(user_id)
        assert (hearing.case_number, hearing.video_link) == ("2-5555/2026",
                                                             "https://meet.example/x")
    finally:
        await core.close()
    core = await Core.build(make_settings(data_keys=old_key), clock=ManualClock(START))
    try:
        book = core.conversation.services.hearings
        with pytest.raises(KeyMissing):
            await book.upcoming(await book.user_id("test", "p1"))
    finally:
        await core.close()
    refused = _bot({**env, "DATA_KEYS": "not-a-key"}, "keys", "rotate")
    assert refused.returncode != 0 and "DATA_KEYS" in refused.stderr
