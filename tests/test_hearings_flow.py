"""“My hearings” in the conversation core, with a clock the tests move: adding a hearing with
buttons, changing and deleting it, the reminders that follow, stop words, finding a hearing in
an imported court schedule, the calendar file, and the archive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from bot.app import Core
from bot.services.clock import ManualClock
from bot.services.hearings.schedule import CsvSchedule, ScheduleImport
from bot.storage.models import Hearing
from tests.conftest import SettingsFactory
from tests.hearing_helpers import START, add_hearing, clock_at, due_local, local, reminders
from tests.people import Person, agreed_person, plain


@pytest.fixture
def clock() -> ManualClock:
    return clock_at(START)


@pytest.fixture
async def core(make_settings: SettingsFactory, clock: ManualClock) -> AsyncIterator[Core]:
    built = await Core.build(make_settings(), migrate=True, clock=clock)
    yield built
    await built.close()


async def test_adding_a_hearing_with_buttons_schedules_three_reminders(core: Core) -> None:
    person = await agreed_person(core)
    hearing_id = await add_hearing(person)
    text = plain(person.screen.text)
    assert "10 декабря 2026 г., 10:00" in text
    assert "Межрайонный суд по гражданским делам города Астаны" in text
    assert "305" in text and "2-1234/2026" in text
    assert due_local(await reminders(core, hearing_id)) == {
        "7d": local(2026, 12, 3, 10), "1d": local(2026, 12, 9, 10), "2h": local(2026, 12, 10, 8)}


async def test_the_summary_before_saving_lists_the_reminder_times(core: Core) -> None:
    person = await agreed_person(core, "kk")
    await person.press("go:hearings")
    await person.press("go:h_case")
    await person.say("2-77/2026")
    await person.press("go:h_court_typed")
    await person.say("Қостанай облыстық соты")
    await person.press("hdate:2026-11-26")
    await person.press("htime:0930")
    await person.press("hmode:online")
    await person.say("https://meet.example.kz/abc")
    screen = await person.press("hskip:room")
    text = plain(screen.text)
    assert screen.name == "h_confirm"
    assert "Қостанай облыстық соты" in text and "https://meet.example.kz/abc" in text
    assert "2026 ж. 25 қараша, 09:30" in text and "2026 ж. 26 қараша, 07:30" in text
    assert "2026 ж. 19 қараша" not in text  # no 7-day reminder: that day has passed


async def test_the_calendar_offers_only_days_from_today(core: Core) -> None:
    person = await agreed_person(core)
    await person.press("go:hearings")
    await person.press("go:h_case")
    await person.say("2-1/2026")
    await person.press("go:h_court_typed")
    screen = await person.say("Суд города Костаная")
    assert screen.name == "h_date" and screen.columns == 7
    days = [c.label for c in screen.choices if c.id.startswith("hdate:")]
    assert days == ["23", "24", "25", "26", "27", "28", "29", "30"]
    assert not any(c.id == "hdate:2026-11-20" for c in screen.choices)
    december = await person.press("hmonth:2026-12")
    assert len([c for c in december.choices if c.id.startswith("hdate:")]) == 31
    stale = await person.press("hdate:2026-11-20")  # a calendar pressed days later
    assert stale.name == "h_date" and stale.notice
    typed = await person.say("5.01")  # typed without a year in November: next January
    assert typed.name == "h_time"
    await person.press("htime:0800")
    await person.press("hmode:in")
    summary = await person.press("hskip:room")
    assert "5 января 2027 г., 08:00" in plain(summary.text)


async def test_changing_the_date_moves_the_reminders(core: Core) -> None:
    person = await agreed_person(core)
    hearing_id = await add_hearing(person)
    await person.press(f"hedit:{hearing_id}")
    await person.press("go:h_date")
    await person.press("hmonth:2026-12")
    await person.press("hdate:2026-12-17")
    screen = await person.press("htime:1430")
    assert screen.name == "h_confirm"  # changing one thing leads straight back to the summary
    await person.press("hsave")
    assert due_local(await reminders(core, hearing_id)) == {
        "7d": local(2026, 12, 10, 14, 30), "1d": local(2026, 12, 16, 14, 30),
        "2h": local(2026, 12, 17, 12, 30)}


async def test_deleting_a_hearing_cancels_its_reminders(core: Core) -> None:
    person = await agreed_person(core)
    hearing_id = await add_hearing(person)
    await person.press(f"go:h_delete:{hearing_id}")
    screen = await person.press(f"hdel:{hearing_id}")
    assert screen.name == "hearings"
    assert await reminders(core) == []


async def test_each_reminder_can_be_turned_off_and_on(core: Core) -> None:
    person = await agreed_person(core)
    hearing_id = await add_hearing(person)
    await person.press(f"go:h_bells:{hearing_id}")
    screen = await person.press(f"hbell:{hearing_id}/7d")
    assert "⬜ За 7 дней" in [c.label for c in screen.choices]
    assert set(due_local(await reminders(core, hearing_id))) == {"1d", "2h"}
    await person.press(f"hbell:{hearing_id}/7d")
    assert set(due_local(await reminders(core, hearing_id))) == {"7d", "1d", "2h"}


@pytest.mark.parametrize("word", ["стоп", "Тоқта", "STOP", "стоп!"])
async def test_a_stop_word_anywhere_stops_the_reminders(core: Core, word: str) -> None:
    person = await agreed_person(core)
    hearing_id = await add_hearing(person)
    await person.press("go:guides")  # a screen far from the hearings
    screen = await person.say(word)
    assert screen.name == f"hearing:{hearing_id}"
    assert "2-1234/2026" in screen.notice
    assert await reminders(core, hearing_id) == []


async def test_a_stop_word_with_several_cases_asks_which(core: Core) -> None:
    person = await agreed_person(core)
    first = await add_hearing(person, case="2-1/2026")
    await add_hearing(person, case="2-2/2026", day="2026-12-11")
    screen = await person.say("стоп")
    assert screen.name == "h_stop"
    await person.press(f"hstop:{first}")
    assert await reminders(core, first) == []
    assert len(await reminders(core)) == 3  # the other case keeps its reminders


async def test_a_case_on_a_case_number_screen_is_not_a_stop_word(core: Core) -> None:
    person = await agreed_person(core)
    await person.press("go:hearings")
    await person.press("go:h_case")
    screen = await person.say("стоп")
    assert screen.name == "menu"  # nothing to stop; the person is not stuck on the form
    assert "напоминаний" in screen.notice.lower()


async def test_find_a_hearing_in_the_court_schedule_and_subscribe(core: Core,
                                                                 tmp_path: Path) -> None:
    schedule = tmp_path / "schedule.csv"
    schedule.write_text("case_number,court,date,time,room,format,status\n"
                        "7194-26-00-2/1501,astana-civil,2026-12-08,10:00,305,in_person,"
                        "scheduled\n", encoding="utf-8")
    book = core.conversation.services.hearings
    report = await ScheduleImport(core.sessions, book, book.clock).run(
        CsvSchedule(schedule, core.content.courts))
    assert report.new == 1
    person = await agreed_person(core)
    await person.press("go:hearings")
    await person.press("go:h_case")
    found = await person.say("№ 7194-26-00-2/1501")
    assert found.name == "h_found"
    assert "8 декабря 2026 г., 10:00" in plain(found.text)
    sid = next(c.id for c in found.choices if c.id.startswith("hsub:"))
    confirm = await person.press(sid)
    assert confirm.name == "h_confirm"
    await person.press("hsave")
    assert set(due_local(await reminders(core))) == {"7d", "1d", "2h"}


async def test_the_calendar_file_opens_in_a_phone_calendar(core: Core) -> None:
    person = await agreed_person(core)
    hearing_id = await add_hearing(person)
    screen = await person.press(f"hics:{hearing_id}")
    [attachment] = screen.attachments
    assert attachment.mime_type == "text/calendar"
    event = Calendar.from_ical(attachment.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == local(2026, 12, 10, 10)
    assert "2-1234/2026" in str(event.get("summary"))
    assert "Межрайонный суд по гражданским делам города Астаны" in str(event.get("location"))
    assert len(event.walk("VALARM")) == 2


async def test_past_hearings_are_archived_then_deleted(core: Core, clock: ManualClock) -> None:
    person = await agreed_person(core)
    await add_hearing(person, day="2026-11-25")
    clock.set(local(2026, 11, 26, 12))
    screen = await person.press("go:hearings")
    assert not any(c.id.startswith("go:hearing:") for c in screen.choices)
    past = await person.press("go:h_past")
    assert "2-1234/2026" in past.text
    book = core.conversation.services.hearings
    assert await book.forget_old() == 0
    clock.set(local(2026, 12, 26, 12))
    assert await book.forget_old() == 1


async def test_someone_who_declined_is_asked_for_consent_first(core: Core) -> None:
    person = Person(core, "declined")
    await person.say("/start")
    await person.press("lang:ru")
    await person.press("consent:no")
    screen = await person.press("go:hearings")
    assert screen.name.startswith("consent_needed")


async def test_someone_elses_hearing_cannot_be_reached(core: Core) -> None:
    owner = await agreed_person(core, user_id="owner")
    hearing_id = await add_hearing(owner)
    stranger = await agreed_person(core, user_id="stranger")
    for press in (f"hdel:{hearing_id}", f"hstop:{hearing_id}", f"hedit:{hearing_id}",
                  f"hbell:{hearing_id}/7d", f"go:hearing:{hearing_id}"):
        await stranger.press(press)
    assert "нет в вашем списке" in (await stranger.press(f"go:hearing:{hearing_id}")).text
    assert len(await reminders(core, hearing_id)) == 3


async def test_my_data_shows_the_hearings_and_deleting_removes_them(core: Core) -> None:
    person = await agreed_person(core)
    await add_hearing(person)
    mine = await person.press("go:mydata")
    assert "ваши заседания (1)" in mine.text
    await person.press("go:mydata_delete")
    await person.press("data:delete")
    assert await reminders(core) == []
    async with core.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Hearing)) == 0


async def _at_the_region_step(core: Core, language: str) -> Person:
    person = await agreed_person(core, language)
    await person.press("go:hearings")
    await person.press("go:h_case")
    await person.say("2-77/2026")
    assert person.screen.name == "h_region"
    return person


@pytest.mark.parametrize(("language", "typed", "region"), [
    ("kk", "Шымкент", "shymkent"), ("ru", "Шымкент", "shymkent"),
    ("kk", "Түркістан", "turkestan"), ("ru", "Туркестан", "turkestan"),
    ("kk", "Атырау", "atyrau"), ("ru", "в Атырау", "atyrau"),
    ("kk", "Жезқазған", "ulytau"), ("ru", "Жезказган", "ulytau"),
    ("ru", "караганда", "karaganda"), ("kk", "Қарағандыда", "karaganda"),
    ("ru", "Усть-Каменогорск", "east-kazakhstan"), ("kk", "Өскемен", "east-kazakhstan"),
    ("kk", "Үржар", "east-kazakhstan"), ("ru", "Урджар", "east-kazakhstan"),
])
async def test_typing_a_town_at_the_region_step_finds_its_region(
    core: Core, language: str, typed: str, region: str
) -> None:
    person = await _at_the_region_step(core, language)
    shown = await person.say(typed)
    assert shown.name == f"h_court:{region}", (typed, shown.name, shown.notice)


async def test_a_region_without_listed_courts_asks_for_the_court_s_name(core: Core) -> None:
    person = await _at_the_region_step(core, "kk")
    shown = await person.say("Түркістан")
    assert shown.text.startswith("🏛 Түркістан облысы: бұл өңірдің соттары тізімімде әзірге жоқ.")
    shown = await person.press_label("✏️ Сот атауын жазу")
    shown = await person.say("Кентау қалалық соты")
    assert shown.name == "h_date"


async def test_atyrau_now_lists_its_regional_court(core: Core) -> None:
    person = await _at_the_region_step(core, "ru")
    shown = await person.say("Атырау")
    assert "Атырауский областной суд" in [c.label for c in shown.choices] + [
        c.short for c in shown.choices]


async def test_a_town_in_two_regions_asks_which_and_an_unknown_one_says_so(core: Core) -> None:
    person = await _at_the_region_step(core, "ru")
    shown = await person.say("Алматы")  # the city and the region around it
    assert shown.name == "h_regions:almaty+almaty-oblast"
    assert [c.label for c in shown.choices][:2] == ["Алматы", "Алматинская область"]
    shown = await person.press_label("Алматинская область")
    assert shown.name == "h_court:almaty-oblast"
    await person.press("back")
    await person.press("back")
    shown = await person.say("Нарния")
    assert shown.name == "h_region" and "Не знаю такого города" in shown.notice


def test_every_region_is_listed_with_a_town_and_every_court_has_a_source(core: Core) -> None:
    courts = core.conversation.services.content.courts
    ids = {region.id for region in courts.regions}
    assert {"turkestan", "atyrau", "ulytau", "shymkent", "astana", "almaty"} <= ids
    assert len(ids) == 20  # 17 regions and 3 cities of republican status
    for region in courts.regions:
        assert region.places, region.id
        for court in region.courts:
            assert court.source.startswith(("http://", "https://")) and court.checked


async def test_district_courts_read_on_2026_12_03_are_offered_in_their_regions(
        core: Core) -> None:
    """The district courts added from the 2026-12-03 search, each under its own region."""
    courts = core.conversation.services.content.courts
    added = {"akmola-zharkain": "akmola", "vko-urzhar": "east-kazakhstan",
             "kyzylorda-aral": "kyzylorda", "kostanay-city-2": "kostanay",
             "almaty-nauryzbay": "almaty"}
    for court_id, region_id in added.items():
        assert courts.region_of(court_id).id == region_id, court_id
        assert str(courts.court(court_id).checked) == "2026-12-03"
    person = await _at_the_region_step(core, "ru")
    shown = await person.say("Урджар")
    assert "Урджарский районный суд" in [c.label for c in shown.choices]
