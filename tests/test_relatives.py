"""A relative gets copies of a citizen's reminders (issue 19, part 2).

End to end on Telegram: the whole bot long-polls the fake Bot API over loopback HTTP with
aiogram's real client; the reminder dispatcher sends through aiogram too, on a clock the tests
move. A citizen makes a link, a newcomer opens it on their own Telegram in the other language
and agrees; reminders, a moved date and stopping reach (or stop reaching) both as they should;
codes work once and expire; deleting either person's data deletes the links and the copies.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import func, select, update

from bot.app import BotApp, Core
from bot.channels.telegram import TelegramDelivery
from bot.config import Settings
from bot.services.clock import ManualClock
from bot.services.hearings.schedule import CsvSchedule, ScheduleImport
from bot.services.personal_data import export_person
from bot.services.reminders.dispatcher import ReminderDispatcher
from bot.services.reminders.service import build_dispatcher
from bot.services.retention import Retention
from bot.staff import audit
from bot.storage.models import RelativeLink, Reminder, User
from tests.conftest import SettingsFactory
from tests.fakes.telegram import Citizen, FakeBotAPI, Fault, agreed_citizen
from tests.hearing_helpers import START, add_hearing, clock_at, local, reminders
from tests.people import Person, agreed_person, plain

HEADER = "case_number,court,date,time,room,format,status\n"
CASE = "2-7/2026"
CITIZEN, RELATIVE, NEIGHBOUR = 701, 702, 703
LINK = re.compile(r"https://t\.me/adilet_test_bot\?start=rel-([A-Z0-9]+)")


@pytest.fixture
def clock() -> ManualClock:
    return clock_at(START)


@pytest.fixture
def fast(make_settings: SettingsFactory, bot_api: FakeBotAPI) -> Settings:
    return make_settings(telegram_bot_token=bot_api.token, telegram_api_base=bot_api.base_url,
                         telegram_bot_username="adilet_test_bot", reminders_enabled=False,
                         reminder_rate_per_second=500, reminder_chat_interval_seconds=0,
                         reminder_backoff_seconds=0.05)


@pytest.fixture
async def app(fast: Settings, clock: ManualClock) -> AsyncIterator[BotApp]:
    """The whole bot on the fake Bot API; the test runs the reminder dispatcher itself."""
    bot_app = BotApp(fast, clock=clock)
    await bot_app.start(polling_timeout=1)
    yield bot_app
    await bot_app.stop()


@pytest.fixture
async def bot(bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(bot_api.base_url))
    client = Bot(bot_api.token, session=session)
    yield client
    await client.session.close()


def dispatcher(core: Core, settings: Settings, bot: Bot, clock: ManualClock
               ) -> ReminderDispatcher:
    return build_dispatcher(settings, core.sessions, core.conversation,
                            {"telegram": TelegramDelivery(bot, timeout=1)}, clock)


def write_schedule(path: Path, day: str, hhmm: str, room: str) -> None:
    path.write_text(HEADER + f"{CASE},astana-civil,{day},{hhmm},{room},in_person,scheduled\n",
                    encoding="utf-8")


async def import_schedule(core: Core, path: Path, day: str, hhmm: str, room: str = "305"):
    write_schedule(path, day, hhmm, room)
    book = core.conversation.services.hearings
    return await ScheduleImport(core.sessions, book, book.clock).run(
        CsvSchedule(path, core.content.courts))


async def follow_scheduled_case(citizen: Citizen) -> None:
    """The citizen finds the case in the court's schedule and saves it, with buttons."""
    await citizen.press_data("go:hearings")
    await citizen.press_data("go:h_case")
    found = await citizen.say(CASE)
    subscribe = next(b["callback_data"] for row in found.buttons for b in row
                     if b["callback_data"].startswith("hsub:"))
    await citizen.press_data(subscribe)
    saved = await citizen.press_data("hsave")
    assert "Дело № 2-7/2026" in saved.text


async def invite(citizen: Citizen, name: str | None = "мама") -> str:
    """The citizen makes an invitation for all their hearings; returns the code in its link."""
    await citizen.press_data("go:hearings")
    await citizen.press("👪 Копии родственнику")
    await citizen.press("➕ Добавить родственника")
    await citizen.press("📅 Все мои заседания")
    made = await citizen.say(name) if name else await citizen.press("⏭ Пропустить")
    assert made.text.startswith("✅ Готово. Перешлите это сообщение родственнику")
    found = LINK.search(made.text)
    assert found, made.text
    assert f"/start rel-{found.group(1)}" in made.text  # for a messenger without the link
    return found.group(1)


async def accept_in_kazakh(api: FakeBotAPI, code: str, chat: int = RELATIVE) -> Citizen:
    """A newcomer opens the link on their own Telegram, chooses Kazakh and agrees."""
    relative = Citizen(api, chat, language_code=None)
    shown = await relative.say(f"/start rel-{code}")
    assert "Тілді таңдаңыз" in shown.text  # a newcomer chooses a language first
    notice = await relative.press("Қазақша")
    assert "Туысыңыз сізді өз сот отырыстары туралы еске салулардың көшірмесін" in notice.text
    assert "Кімнің отырысы: «мама»" in notice.text
    assert "атыңызды сұрамаймын" in notice.text
    done = await relative.press("✅ Келісемін")
    assert done.text.startswith("✅ Дайын: еске салулардың көшірмелері осында келеді")
    return relative


async def rows(core: Core) -> list[Reminder]:
    return await reminders(core)


async def count(core: Core, model) -> int:
    async with core.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_relative_gets_the_reminders_and_the_moved_date_until_the_citizen_stops_it(
        app: BotApp, fast: Settings, bot: Bot, bot_api: FakeBotAPI, clock: ManualClock,
        tmp_path: Path) -> None:
    core = app.core
    schedule = tmp_path / "schedule.csv"
    await import_schedule(core, schedule, "2026-12-10", "10:00")
    citizen = await agreed_citizen(bot_api, CITIZEN)
    await follow_scheduled_case(citizen)
    code = await invite(citizen)
    relative = await accept_in_kazakh(bot_api, code)
    pending = [(r.kind, r.link_id is not None) for r in await rows(core)]
    assert sorted(pending) == sorted([(k, c) for k in ("7d", "1d", "2h") for c in (0, 1)])

    # A reminder reaches both: the citizen's own, and the copy in the relative's language.
    clock.set(local(2026, 12, 9, 10))  # a day before (the missed 7-day ones are skipped)
    report = await dispatcher(core, fast, bot, clock).run_due()
    assert report.sent == 2
    own = plain(bot_api.latest(CITIZEN).text)
    assert own.startswith("🔔 Напоминание: ваше судебное заседание.")
    copy = bot_api.latest(RELATIVE)
    text = plain(copy.text)
    assert text.startswith("👪 Сізге көшірме: сот отырысы туралы еске салу.\n"
                           "👤 Кімнің отырысы: «мама»")
    assert "ертең, 2026 ж. 10 желтоқсан, 10:00" in text and "Іс № 2-7/2026" in text
    # The relative's own buttons, never the citizen's ("I'll be there", "I can't come").
    assert copy.labels[:2] == ["🔕 Көшірмелерді тоқтату", "👤 Адам көмегі"]

    # The court moves the hearing: both are told, each in their language, and both sets of
    # reminders move.
    report = await import_schedule(core, schedule, "2026-12-15", "14:30", room="210")
    assert (report.moved, report.notified) == (1, 1)
    assert (await dispatcher(core, fast, bot, clock).run_due()).sent == 2
    assert "Было: 10 декабря 2026 г., 10:00" in plain(bot_api.latest(CITIZEN).text)
    moved = plain(bot_api.latest(RELATIVE).text)
    assert moved.startswith("👪 Сізге көшірме: сот отырысының уақыты өзгерді.")
    assert "Бұрын: 2026 ж. 10 желтоқсан, 10:00" in moved
    assert "Енді: 2026 ж. 15 желтоқсан, 14:30" in moved and "Зал: 210" in moved
    due = {(r.kind, r.link_id is not None): r.due_at for r in await rows(core)
           if r.status == "pending"}
    assert due[("1d", False)] == due[("1d", True)] == local(2026, 12, 14, 14, 30)

    # The citizen sees who gets copies, and stops it.
    shown = await citizen.press_data("go:relatives")
    assert "• Telegram: все ваши заседания, с 23.11.2026 («мама»)" in shown.text
    await citizen.press("🔕 Telegram · 23.11.2026")
    stopped = await citizen.press("🔕 Да, остановить")
    assert stopped.text.startswith("🔕 Готово: копий больше не будет.")
    assert "Сейчас копии никто не получает." in stopped.text
    assert await count(core, RelativeLink) == 0
    assert [r for r in await rows(core) if r.link_id is not None] == []
    copies_before = len(bot_api.messages(RELATIVE))
    clock.set(local(2026, 12, 14, 14, 30))
    assert (await dispatcher(core, fast, bot, clock).run_due()).sent == 1  # the citizen's only
    assert len(bot_api.messages(RELATIVE)) == copies_before

    # The code worked once: opening it again does nothing.
    again = await relative.say(f"/start rel-{code}")
    assert "Бұл сілтеме енді жұмыс істемейді" in again.text
    assert await count(core, RelativeLink) == 0


async def test_an_expired_code_does_not_work(app: BotApp, bot_api: FakeBotAPI,
                                            clock: ManualClock) -> None:
    citizen = await agreed_citizen(bot_api, CITIZEN)
    code = await invite(citizen)
    clock.set(START + timedelta(hours=72, minutes=1))
    relative = Citizen(bot_api, RELATIVE, language_code="ru")
    await relative.say(f"/start rel-{code}")
    shown = await relative.press("Русский")
    assert shown.text.startswith("Эта ссылка больше не работает: ею уже воспользовались или "
                                 "с её создания прошло больше 72 ч.")
    pressed = await relative.press_data(f"relok:{code}")  # a forged or old "I agree"
    assert "больше не работает" in pressed.text
    async with app.core.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1  # no relative
        assert await session.scalar(select(RelativeLink.relative_id)) is None


async def test_deleting_the_relatives_data_removes_their_side(
        app: BotApp, bot_api: FakeBotAPI) -> None:
    core = app.core
    citizen = await agreed_citizen(bot_api, CITIZEN)
    await _add_on_telegram(citizen)
    relative = await accept_in_kazakh(bot_api, await invite(citizen))
    assert len([r for r in await rows(core) if r.link_id]) == 3
    shown = await relative.press_data("go:mydata")
    assert "• сізге келетін туыс еске салуларының көшірмелері (1)" in shown.text
    await relative.press("🗑 Деректерімді өшіру")
    await relative.press("🗑 Иә, жойылсын")
    assert await count(core, RelativeLink) == 0
    left = await rows(core)
    assert [r.kind for r in left if r.link_id] == []
    assert sorted(r.kind for r in left) == ["1d", "2h", "7d"]  # the citizen keeps theirs
    shown = await citizen.press_data("go:relatives")
    assert "Сейчас копии никто не получает." in shown.text


async def test_deleting_the_citizens_data_removes_the_copies_and_links(
        app: BotApp, bot_api: FakeBotAPI) -> None:
    core = app.core
    citizen = await agreed_citizen(bot_api, CITIZEN)
    await _add_on_telegram(citizen)
    relative = await accept_in_kazakh(bot_api, await invite(citizen))
    waiting = await invite(citizen, name=None)  # a second code, not yet opened
    assert waiting
    await citizen.press_data("go:mydata")
    shown = citizen.screen
    assert "• родственники, которые получают копии ваших напоминаний (1)" in shown.text
    await citizen.press("🗑 Удалить мои данные")
    await citizen.press("🗑 Да, удалить")
    assert (await count(core, RelativeLink), await count(core, Reminder)) == (0, 0)
    async with core.sessions() as session:  # the relative is a person of their own
        assert await session.scalar(select(User.channel_user_id)) == str(RELATIVE)
    shown = await relative.press_data("go:copies")
    assert shown.text.startswith("👪 Сізге ешкімнің еске салу көшірмесі келмейді.")


async def test_a_relative_who_blocked_the_bot_is_marked_and_the_citizen_still_gets_theirs(
        app: BotApp, fast: Settings, bot: Bot, bot_api: FakeBotAPI, clock: ManualClock) -> None:
    core = app.core
    citizen = await agreed_citizen(bot_api, CITIZEN)
    await _add_on_telegram(citizen)
    await accept_in_kazakh(bot_api, await invite(citizen))
    bot_api.faults.append(Fault("sendMessage", 403, chat_id=RELATIVE,
                                description="Forbidden: bot was blocked by the user"))
    clock.set(local(2026, 12, 9, 10))
    report = await dispatcher(core, fast, bot, clock).run_due()
    assert (report.outcomes["sent"], report.outcomes["blocked"]) == (1, 1)
    async with core.sessions() as session:
        unreachable = dict((await session.execute(
            select(User.channel_user_id, User.unreachable_since))).all())
    assert unreachable[str(CITIZEN)] is None and unreachable[str(RELATIVE)] is not None
    # Staff see the undelivered copy under the relative (their language), not the citizen.
    [row] = await audit.follow_ups(core.sessions)
    assert (row.status, row.language) == ("blocked", "kk")


async def _add_on_telegram(citizen: Citizen) -> None:
    """A hearing added with the form's buttons on Telegram (10 December, 10:00)."""
    await citizen.press_data("go:hearings")
    await citizen.press_data("go:h_case")
    await citizen.say("2-1234/2026")
    for choice in ("go:h_court:astana", "hcourt:astana-civil", "hdate:2026-12-10",
                   "htime:1000", "hmode:in", "hskip:room"):
        await citizen.press_data(choice)
    saved = await citizen.press_data("hsave")
    assert "Дело № 2-1234/2026" in saved.text


# --- the same, in the conversation core (no channel) --------------------------------------------

@pytest.fixture
async def core(make_settings: SettingsFactory, clock: ManualClock) -> AsyncIterator[Core]:
    built = await Core.build(make_settings(), migrate=True, clock=clock)
    yield built
    await built.close()


async def core_invite(person: Person, scope: str = "all", name: str = "мама") -> str:
    await person.press(f"go:rel_name:{scope}")
    made = await person.say(name)
    return re.search(r"/start rel-([A-Z0-9]+)", made.text).group(1)


async def core_accept(core: Core, code: str, user_id: str = "r1") -> Person:
    relative = Person(core, user_id)
    await relative.say(f"/start rel-{code}")
    await relative.press("lang:ru")
    screen = await relative.press(f"relok:{code}")
    assert screen.name == "copies", screen.text
    return relative


async def test_a_date_the_citizen_changes_reaches_the_relative_only(core: Core) -> None:
    citizen = await agreed_person(core, "ru", "c1")
    hearing = await add_hearing(citizen)
    await core_accept(core, await core_invite(citizen, str(hearing)))
    book = core.conversation.services.hearings
    owner = await book.user_id("test", "c1")
    await book.change(owner, hearing, starts_at=local(2026, 12, 17, 11))
    pending = [(r.kind, r.link_id is not None, r.due_at) for r in await rows(core)
               if r.status == "pending"]
    assert ("moved", True, START) in pending  # the relative is told
    assert not any(kind == "moved" and not copy for kind, copy, _due in pending)
    assert ("1d", True, local(2026, 12, 16, 11)) in pending
    assert ("1d", False, local(2026, 12, 16, 11)) in pending
    # Deleting the hearing deletes its copies, and the link made for it alone.
    await citizen.press(f"hdel:{hearing}")
    assert (await count(core, Reminder), await count(core, RelativeLink)) == (0, 0)


async def test_a_silent_relative_is_kept_while_copies_may_come_and_unused_codes_expire(
        core: Core, clock: ManualClock) -> None:
    citizen = await agreed_person(core, "ru", "c1")
    await add_hearing(citizen, day="2027-12-10")
    await core_accept(core, await core_invite(citizen))
    await core_invite(citizen)  # never opened
    async with core.sessions() as session, session.begin():  # both silent for over a year
        await session.execute(update(User).values(last_seen_at=START))
    clock.set(START + timedelta(days=366))
    retention = Retention(handoff_days=90, inactive_user_days=365)
    removed = await retention.forget_expired(core.sessions, clock)
    assert removed["people"] == 0  # the citizen has a hearing to come, so copies may come
    async with core.sessions() as session:
        links = list(await session.scalars(select(RelativeLink)))
    assert [link.relative_id is not None for link in links] == [True]  # the unused code went


async def test_the_relative_stops_the_copies_from_a_copy_and_my_data_shows_both_sides(
        core: Core) -> None:
    citizen = await agreed_person(core, "ru", "c1")
    await add_hearing(citizen)
    relative = await core_accept(core, await core_invite(citizen))
    assert "• «мама»: все заседания, с 23.11.2026" in relative.screen.text
    sessions, now = core.sessions, core.conversation.services.clock.now()
    own = await export_person(sessions, "test", "c1", now)
    theirs = await export_person(sessions, "test", "r1", now)
    assert own["relatives_who_get_copies"] == [{
        "hearing": "all", "name_they_see": "мама", "messenger": "test",
        "agreed": START.isoformat(), "link_valid_until": None}]
    assert all(r["kind"] in ("7d", "1d", "2h") for h in own["hearings"] for r in h["reminders"])
    assert len(own["hearings"][0]["reminders"]) == 3  # the copies are not the citizen's
    [received] = theirs["copies_i_get"]
    assert (received["from"], received["hearings"]) == ("мама", "all")
    assert [c["kind"] for c in received["copies"]] == ["7d", "1d", "2h"]
    dumped = json.dumps(theirs, ensure_ascii=False)
    assert "2-1234/2026" not in dumped and "answers" not in json.dumps(theirs["copies_i_get"])
    # "стоп" typed by a relative with no hearings of their own: the copies they get.
    assert (await relative.say("стоп")).name == "copies"
    # "🔕 Stop copies" under a copy asks first, then stops.
    [link] = [r.link_id for r in await rows(core) if r.link_id][:1]
    asked = await relative.press(f"rem:copystop/{link}")
    assert asked.name == f"rel_stop:{link}" and "Больше не получать копии" in asked.text
    done = await relative.press(f"relstop:{link}")
    assert done.notice == "🔕 Готово: копий больше не будет."
    assert [r for r in await rows(core) if r.link_id] == []


async def test_one_relative_gets_each_reminder_once_and_a_stranger_cannot_stop_it(
        core: Core) -> None:
    citizen = await agreed_person(core, "ru", "c1")
    hearing = await add_hearing(citizen)
    await core_accept(core, await core_invite(citizen, str(hearing)))
    await core_accept(core, await core_invite(citizen, "all"))  # broader: replaces the first
    copies = [r.kind for r in await rows(core) if r.link_id]
    assert sorted(copies) == ["1d", "2h", "7d"]
    async with core.sessions() as session:
        [link] = list(await session.scalars(select(RelativeLink.id)))
    stranger = await agreed_person(core, "ru", "s1")
    await stranger.press(f"relstop:{link}")
    assert await count(core, RelativeLink) == 1


async def test_the_citizen_opening_their_own_link_is_told_to_send_it(core: Core) -> None:
    citizen = await agreed_person(core, "ru", "c1")
    code = await core_invite(citizen)
    screen = await citizen.say(f"/start rel-{code}")
    assert screen.text.startswith("Это ваша собственная ссылка.")
    await core_accept(core, code)  # still usable by the relative
