"""SMS reminders: part counting, the short texts, the Mobizon adapter against a fake Mobizon
on loopback (errors retried, refusals recorded), STOP by the signed inbound webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.config import ConfigError, load_settings
from bot.services.clock import utc_now
from bot.services.content import load_content
from bot.services.sms.parts import parts, segments
from bot.services.sms.phones import mask, normalise_phone
from bot.services.sms.texts import abbreviate, compose, court_names
from bot.storage.models import FollowUp, Reminder, SmsUsage, User
from tests.fakes.sms import SENDER, FakeMobizon, count_parts

NUMBER = "77011234567"
KINDS = ("7d", "1d", "2h", "moved", "cancelled")


# --- parts ------------------------------------------------------------------------------------

def test_gsm7_texts_take_160_in_one_part_and_153_a_part_when_split() -> None:
    assert segments("a" * 160).encoding == "gsm7"
    assert parts("a" * 160) == 1
    assert parts("a" * 161) == 2
    assert parts("a" * 306) == 2
    assert parts("a" * 307) == 3
    # An extension character takes two septets: 159 letters and a euro sign do not fit one.
    assert parts("a" * 158 + "€") == 1
    assert parts("a" * 159 + "€") == 2


def test_cyrillic_and_kazakh_letters_force_ucs2_70_single_and_67_a_part() -> None:
    assert segments("Суд" * 10).encoding == "ucs2"
    assert parts("д" * 70) == 1
    assert parts("д" * 71) == 2
    assert parts("д" * 134) == 2
    assert parts("д" * 135) == 3
    # One Kazakh letter in Latin text makes all of it UCS-2.
    latin = "Court 10.12.2026 10:00, case 2-1234/2026. "
    assert segments(latin).encoding == "gsm7"
    assert segments(latin + "ә").encoding == "ucs2"
    for letter in "әғқңөұүһі":
        assert segments(f"Sot {letter}").encoding == "ucs2"
    # An emoji is two UTF-16 units, and never split between parts.
    assert parts("д" * 68 + "🔔") == 1
    assert parts("д" * 69 + "🔔") == 2
    assert segments("д" * 66 + "🔔" + "д" * 67).parts == 3  # the emoji starts part two


# --- the texts --------------------------------------------------------------------------------

def _all_reminders(content):
    start = datetime.fromisoformat("2026-12-10T10:00:00+05:00")
    long_typed = "Специализированный межрайонный суд по делам несовершеннолетних " * 3
    courts = [(c.id, None) for region in content.courts.regions for c in region.courts]
    for court_id, typed in [*courts, (None, long_typed), (None, "Суд №2")]:
        for language in ("kk", "ru"):
            for kind in KINDS:
                for room, online in ((None, False), ("305", False), (None, True)):
                    names = court_names(content, court_id, typed, language)
                    yield language, kind, names, compose(
                        kind, language, case_number="7594-26-00-2/1234", starts_at=start,
                        courts=names, room=room, online=online,
                        was=start - timedelta(days=2))


def test_every_reminder_text_fits_two_parts_and_says_what_when_where_and_how_to_stop() -> None:
    content = load_content()
    checked = 0
    for language, kind, names, text in _all_reminders(content):
        assert parts(text) <= 2, (len(text), text)
        assert count_parts(text) <= 2  # the fake's own count agrees
        assert "7594-26-00-2/1234" in text
        assert "10.12.2026 10:00" in text
        assert ("СТОП" in text) if language == "ru" else ("ТОҚТА" in text)
        if kind != "cancelled":
            assert any(name in text or name.rstrip(" ,.")[:8] in text for name in names), text
        checked += 1
    assert checked > 100


def test_a_long_court_name_is_abbreviated_by_rule_before_it_is_cut() -> None:
    name = "Специализированный межрайонный экономический суд города Астаны"
    assert abbreviate(name, "ru") == "Спец. МР экон. суд г. Астаны"
    assert abbreviate("Астана қаласының мамандандырылған ауданаралық экономикалық соты",
                      "kk") == "Астана қ. мам. АА экон. соты"
    text = compose("1d", "ru", case_number="2-1234/2026",
                   starts_at=datetime.fromisoformat("2026-12-10T10:00:00+05:00"),
                   courts=[name], room="305")
    assert parts(text) <= 2
    assert "Спец. МР экон. суд г. Астаны" in text or name in text


def test_kazakh_text_is_in_kazakh_and_russian_in_russian() -> None:
    start = datetime.fromisoformat("2026-12-10T10:00:00+05:00")
    kk = compose("1d", "kk", case_number="2-1/2026", starts_at=start, courts=["Сот"])
    ru = compose("1d", "ru", case_number="2-1/2026", starts_at=start, courts=["Суд"])
    assert "ертең" in kk.lower() and "завтра" in ru.lower()
    assert segments(kk).encoding == segments(ru).encoding == "ucs2"


def test_phone_numbers_are_read_as_people_type_them_and_masked() -> None:
    for typed in ("+7 (701) 123-45-67", "8 701 123 45 67", "7011234567", "77011234567"):
        assert normalise_phone(typed) == NUMBER
    for bad in ("12345", "+7 495 123 45 67", "номер", "+1 701 123 45 67"):
        assert normalise_phone(bad) is None
    assert mask(NUMBER) == "+7 701 *** ** 67"


def test_sms_settings_are_all_or_nothing(monkeypatch) -> None:
    monkeypatch.chdir("/")
    assert not load_settings(_env_file=None).sms_enabled
    with pytest.raises(ConfigError, match="SMS_API_KEY"):
        load_settings(_env_file=None, sms_provider="mobizon", sms_inbound_secret="x")
    with pytest.raises(ConfigError, match="SMS_PROVIDER"):
        load_settings(_env_file=None, sms_provider="smsc", sms_api_key="k",
                      sms_inbound_secret="x")


# --- against the fake Mobizon -----------------------------------------------------------------

@pytest.fixture
async def sms_bot(mobizon: FakeMobizon, make_settings) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings(**mobizon.settings(), reminder_poll_seconds=0.1,
                               reminder_backoff_seconds=0.05, reminder_quiet_hours="off",
                               sms_rate_per_second=50))
    await app.start()
    mobizon.bot_url = app.http_url
    yield app
    await app.stop()


HEARING = {"case_number": "2-555/2026", "court_id": "astana-civil", "court_name": None,
           "room": "305", "online": False}


async def enrol(app: BotApp, number: str = NUMBER, language: str = "ru",
                due_in: timedelta = timedelta(seconds=0.5)) -> tuple[int, int]:
    starts = utc_now() + timedelta(hours=2) + due_in
    people = app.core.conversation.services.sms
    return await people.enrol(number, language, {**HEARING, "starts_at": starts.isoformat()})


async def rows(app: BotApp) -> list[Reminder]:
    async with app.core.sessions() as session:
        return list(await session.scalars(select(Reminder)))


async def settle(condition, seconds: float = 10) -> None:
    for _tick in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError


async def test_an_enrolled_caller_gets_the_reminder_by_sms_once(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    await enrol(sms_bot, language="kk")
    [sms] = await mobizon.wait_for(1)
    assert sms.number == NUMBER and sms.sender == SENDER
    assert "2-555/2026" in sms.text and "ТОҚТА" in sms.text
    assert sms.parts <= 2
    assert 100 <= sms.validity <= 121  # the provider may try until the hearing begins
    await asyncio.sleep(0.5)
    assert len(mobizon.sent) == 1
    [row] = await rows(sms_bot)
    assert row.status == "sent" and row.message_id == sms.id
    async with sms_bot.core.sessions() as session:
        [usage] = (await session.scalars(select(SmsUsage))).all()
    assert (usage.messages, usage.parts) == (1, sms.parts)


async def test_429_and_5xx_are_retried_and_the_reminder_still_arrives_once(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    mobizon.inject("429", 2)
    mobizon.inject("503", 2)
    await enrol(sms_bot)
    await mobizon.wait_for(1)
    await asyncio.sleep(0.6)
    assert len(mobizon.sent) == 1
    assert mobizon.calls == 5
    assert [r.status for r in await rows(sms_bot)] == ["sent"]


async def test_a_refusal_is_recorded_for_staff_and_not_retried(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    mobizon.inject("code", 1)
    user_id, _hearing = await enrol(sms_bot)

    async def failed() -> bool:
        return [r.status for r in await rows(sms_bot)] == ["failed"]

    await settle(failed)
    assert mobizon.sent == [] and mobizon.calls == 1
    async with sms_bot.core.sessions() as session:
        [follow_up] = (await session.scalars(select(FollowUp))).all()
    assert follow_up.user_id == user_id and follow_up.reason.startswith("refused")


async def test_an_undelivered_report_becomes_a_follow_up(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    await enrol(sms_bot)
    [sms] = await mobizon.wait_for(1)
    mobizon.statuses[sms.id] = "UNDELIV"
    sms_bot.sms._next_reports = None  # the next run asks at once

    async def reported() -> bool:
        return [r.status for r in await rows(sms_bot)] == ["failed"]

    await settle(reported)
    async with sms_bot.core.sessions() as session:
        [follow_up] = (await session.scalars(select(FollowUp))).all()
    assert follow_up.reason == "sms:undelivered"


async def test_stop_ends_sms_at_once_and_confirms_once(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    # A hearing whose 2-hour reminder is a minute away: STOP comes first.
    await enrol(sms_bot, due_in=timedelta(minutes=1))
    assert await mobizon.reply(NUMBER, "  стоп! ") == 200
    [confirmation] = await mobizon.wait_for(1)
    assert confirmation.number == NUMBER and "SMS" in confirmation.text
    assert await mobizon.reply(NUMBER, "STOP") == 200  # again: no second confirmation
    assert await mobizon.reply(NUMBER, "Тоқта.") == 200
    await asyncio.sleep(0.4)
    assert len(mobizon.sent) == 1
    assert {r.status for r in await rows(sms_bot)} == {"cancelled"}
    async with sms_bot.core.sessions() as session:
        user = await session.scalar(select(User).where(User.channel == "sms"))
    assert user.unreachable_since is not None


async def test_an_unsigned_or_wrongly_signed_inbound_message_is_refused(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    await enrol(sms_bot, due_in=timedelta(minutes=1))
    assert await mobizon.reply(NUMBER, "STOP", secret=None) == 403
    assert await mobizon.reply(NUMBER, "STOP", secret="guessed") == 403
    await asyncio.sleep(0.3)
    assert mobizon.sent == []
    assert {r.status for r in await rows(sms_bot)} == {"pending"}


async def test_words_other_than_stop_change_nothing(
        sms_bot: BotApp, mobizon: FakeMobizon) -> None:
    await enrol(sms_bot, due_in=timedelta(minutes=1))
    for text in ("стопка", "не стоп", "ok"):
        assert await mobizon.reply(NUMBER, text) == 200
    await asyncio.sleep(0.3)
    assert mobizon.sent == []
    assert {r.status for r in await rows(sms_bot)} == {"pending"}


def test_a_relatives_copy_says_whose_it_is_and_still_fits_two_parts() -> None:
    """A copy begins "Копия (мама):"; a long name is cut before it costs a third part, and the
    court gives way first (with the longest case number, a room and a "moved" in Kazakh, only
    "Көшірме:" is left). The owner's own SMS copy has no such lead."""
    content = load_content()
    start = datetime.fromisoformat("2026-12-10T10:00:00+05:00")
    long_name = "Гульнар апа, Алматыдағы үлкен қызымыз, е"  # the longest a link takes: 40
    assert len(long_name) == 40
    courts = [c.id for region in content.courts.regions for c in region.courts]
    checked = 0
    for court_id in courts:
        for language, lead in (("kk", "Көшірме"), ("ru", "Копия")):
            names = court_names(content, court_id, None, language)
            for kind in KINDS:
                for whose in ("мама", long_name, None):
                    text = compose(kind, language, case_number="7594-26-00-2/12345",
                                   starts_at=start, courts=names, room="305",
                                   was=start - timedelta(days=2), copy=True, whose=whose)
                    assert parts(text) <= 2 and count_parts(text) <= 2, text
                    assert text.startswith(lead), text
                    if whose == "мама" and kind in ("7d", "1d", "2h"):
                        assert text.startswith(f"{lead} (мама): "), text
                    assert "7594-26-00-2/12345" in text and "10.12.2026 10:00" in text
                    checked += 1
                short = compose(kind, language, case_number="2-1/2026", starts_at=start,
                                courts=names, copy=True, whose="мама")
                assert short.startswith(f"{lead} (мама): ")
    assert checked > 100
    own = compose("1d", "ru", case_number="2-1/2026", starts_at=start, courts=["Суд"])
    assert not own.startswith("Копия")
