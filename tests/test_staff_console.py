"""The call-centre console over HTTP (the browser tests are in test_staff_browser.py): accounts,
the gate, CSRF, throttling, roles, the audit log, handoffs, enrolment, announcements, the
dashboard and the legal-content page. The bot runs whole, on the fake Bot API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.app import BotApp, Core
from bot.services.clock import ManualClock
from bot.storage.models import (
    AnnouncementDelivery,
    ExplorerEvent,
    Hearing,
    Reminder,
    StaffAudit,
)
from tests.fakes.telegram import Citizen, FakeBotAPI, agreed_citizen
from tests.hearing_helpers import START, local
from tests.people import agreed_person
from tests.staff_helpers import PASSWORD, StaffClient, add_staff, handoffs

PAGES = ["/staff", "/staff/", "/staff/queue", "/staff/handoffs/1", "/staff/handoffs/1/thread",
         "/staff/enrol", "/staff/announcements", "/staff/announcements/1", "/staff/dashboard",
         "/staff/content", "/staff/follow-ups", "/staff/audit"]
FORMS = ["/staff/logout", "/staff/language", "/staff/handoffs/1/take",
         "/staff/handoffs/1/reply", "/staff/handoffs/1/close", "/staff/enrol",
         "/staff/announcements", "/staff/announcements/1/confirm"]


@pytest.fixture
async def console_bot(bot_api: FakeBotAPI, make_settings) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, handoff_hours="always",
                               reminders_enabled=False, telegram_bot_username="sud_help_bot"))
    await app.start(polling_timeout=1)
    yield app
    await app.stop()


@pytest.fixture
async def staff(console_bot: BotApp) -> AsyncIterator[StaffClient]:
    await add_staff(console_bot)
    client = StaffClient(console_bot)
    assert await client.sign_in() == 200
    yield client
    await client.close()


async def ask_for_a_person(citizen: Citizen) -> str:
    await citizen.press_data("go:human")
    await citizen.press_data("go:human_chat")
    return (await citizen.press_data("hand:ask")).text


def test_staff_add_command_keeps_only_an_argon2_hash(tmp_path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": database, "TELEGRAM_BOT_TOKEN": ""}

    def staff(*args: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", "staff", *args], input=password + "\n",
                              env=env, capture_output=True, text=True, timeout=60)

    added = staff("add", "Aigerim", "--role", "admin", "--name", "Айгерим", "--password-stdin")
    assert added.returncode == 0, added.stderr
    assert "aigerim (admin) added" in added.stdout
    again = staff("add", "aigerim", "--password-stdin")
    assert again.returncode == 1 and "exists already" in again.stderr
    short = staff("add", "bolat", "--password-stdin", password="short")
    assert short.returncode == 1 and "at least 10" in short.stderr
    listed = staff("list")
    assert listed.stdout.split() == ["aigerim", "admin", "ru", "active"]
    import sqlite3

    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        stored = connection.execute("SELECT password_hash FROM staff_accounts").fetchall()
    assert len(stored) == 1 and stored[0][0].startswith("$argon2id$")
    assert PASSWORD not in stored[0][0]


async def test_no_page_or_form_answers_without_a_login(console_bot: BotApp) -> None:
    client = StaffClient(console_bot)
    try:
        for path in PAGES:
            answer = await client.get(path)
            assert answer.status == 302 and answer.headers["Location"] == "/staff/login", path
        events = await client.get("/staff/events")
        assert events.status == 401
        for path in FORMS:
            answer = await client.post(path, with_csrf=False)
            assert answer.status == 401, path
        login = await client.get("/staff/login")
        assert login.status == 200
        assert login.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]
    finally:
        await client.close()


async def test_the_session_cookie_is_httponly_and_samesite(console_bot: BotApp) -> None:
    await add_staff(console_bot)
    client = StaffClient(console_bot)
    try:
        page = await client.http.get(client.url("/staff/login"))
        form = {"csrf": re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1),
                "username": "aigerim", "password": PASSWORD}
        answer = await client.http.post(client.url("/staff/login"), data=form,
                                        allow_redirects=False)
        assert answer.status == 303
        cookie = answer.cookies["staff_session"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert cookie["path"] == "/staff"
        async with console_bot.core.engine.connect() as connection:
            stored = (await connection.execute(text("SELECT token_hash FROM staff_sessions"))
                      ).scalar()
        assert stored != cookie.value and len(stored) == 64  # only a hash is kept
    finally:
        await client.close()


async def test_forms_without_their_csrf_token_are_refused(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    citizen = await agreed_citizen(bot_api, 501)
    await ask_for_a_person(citizen)
    for path in ("/staff/handoffs/1/take", "/staff/enrol", "/staff/logout"):
        forged = await staff.post(path, with_csrf=False)
        assert forged.status == 403, path
        wrong = await staff.http.post(staff.url(path), data={"csrf": "guess"},
                                      allow_redirects=False)
        assert wrong.status == 403, path
    assert (await handoffs(console_bot))[0].status == "waiting"  # nothing was taken
    # The login form has its own token (a cookie and a field that must match).
    bare = StaffClient(console_bot)
    try:
        forged_login = await bare.http.post(bare.url("/staff/login"), data={
            "username": "aigerim", "password": PASSWORD}, allow_redirects=False)
        assert forged_login.status == 403
    finally:
        await bare.close()
    taken = await staff.post("/staff/handoffs/1/take")
    assert taken.status == 303
    assert (await handoffs(console_bot))[0].status == "open"


async def test_wrong_passwords_are_throttled_then_allowed_again(
    bot_api: FakeBotAPI, make_settings
) -> None:
    clock = ManualClock(START)
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, reminders_enabled=False,
                               staff_login_attempts=3, staff_login_window_minutes=10),
                 clock=clock)
    await app.start(polling_timeout=1)
    client = StaffClient(app)
    try:
        await add_staff(app)
        for _ in range(3):
            assert await client.sign_in(password="wrong password!") == 401
        assert await client.sign_in() == 429  # even the right password waits now
        assert await client.sign_in(username="nobody") == 429  # the address is paused too
        clock.advance(minutes=11)
        assert await client.sign_in() == 200
        async with app.core.sessions() as session:
            actions = (await session.scalars(select(StaffAudit.action))).all()
        assert actions.count("login_failed") == 3 and "login_throttled" in actions
        assert actions[-1] == "login"
    finally:
        await client.close()
        await app.stop()


async def test_operators_cannot_open_administrators_pages(
    console_bot: BotApp, staff: StaffClient
) -> None:
    for path in ("/staff/announcements", "/staff/audit"):
        assert (await staff.get(path)).status == 403
    refused = await staff.post("/staff/announcements", text_kk="а", text_ru="а", lang_ru="on")
    assert refused.status == 403
    page = await (await staff.get("/staff/")).text()
    assert "/staff/audit" not in page and "/staff/announcements" not in page


async def test_a_handoff_from_request_to_rating_over_telegram(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    citizen = await agreed_citizen(bot_api, 502)
    await citizen.press_data("start:family.divorce")  # some answers for the operator to see
    await citizen.press_data("ans:family.divorce/agree/yes")
    await citizen.press_data("ans:family.divorce/children/no")
    assert "Ваш номер в очереди: 1." in await ask_for_a_person(citizen)
    await citizen.say("Как подать на развод онлайн?")
    assert "✓ Отправлено оператору." in citizen.screen.text

    queue = await (await staff.get("/staff/queue")).text()
    assert "#1" in queue and "telegram" in queue
    page = await (await staff.get("/staff/handoffs/1")).text()
    assert "Как подать на развод онлайн?" in page
    assert "Русский" in page and "Развод" in page  # language, pathway

    before = bot_api.outputs(502)
    assert (await staff.post("/staff/handoffs/1/take")).status == 303
    await bot_api.wait_outputs(502, before + 1)
    assert "Айгерим" in citizen.screen.text

    await staff.post("/staff/handoffs/1/reply", text="Здравствуйте! Это можно сделать в "
                                                     "Судебном кабинете.")
    await bot_api.wait_outputs(502, before + 2)
    assert "Это можно сделать в Судебном кабинете." in citizen.screen.text
    await citizen.say("Спасибо!")
    thread = await (await staff.get("/staff/handoffs/1/thread")).text()
    assert thread.index("Судебном кабинете") < thread.index("Спасибо!")

    await staff.post("/staff/handoffs/1/close")
    await bot_api.wait_outputs(502, before + 4)
    closing = citizen.screen
    assert closing.text.startswith("Оператор завершил чат.")
    await citizen.press("👍 Да, помогло", on=closing)
    done = (await handoffs(console_bot))[0]
    assert done.status == "closed" and done.rating == "up"
    assert done.first_answer_at is not None
    async with console_bot.core.sessions() as session:
        actions = (await session.scalars(select(StaffAudit.action))).all()
    assert ["take_handoff", "reply", "close_handoff"] == [
        a for a in actions if a in ("take_handoff", "reply", "close_handoff")]


async def test_outside_working_hours_a_message_is_left_for_a_call_back(make_settings) -> None:
    saturday = local(2026, 11, 28, 12)
    core = await Core.build(make_settings(handoff_hours="09:00-18:00"), migrate=True,
                            clock=ManualClock(saturday))
    try:
        person = await agreed_person(core)
        await person.press("go:human")
        screen = await person.press("go:human_chat")
        assert screen.text.startswith("Колл-центр сейчас закрыт. Он откроется 30 ноября 2026")
        screen = await person.say("Перезвоните мне, пожалуйста: 8 701 000 00 00")
        assert screen.text.startswith("Ваше обращение сохранено.")  # Monday, 09:00
        desk = core.conversation.services.handoffs
        (entry,) = await desk.queue()
        assert entry.status == "callback" and entry.citizen_messages == 1
    finally:
        await core.close()


async def test_an_enrolled_caller_gets_reminders_only_after_agreeing(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    day = (START + timedelta(days=40)).date().isoformat()
    page = await staff.post("/staff/enrol", case_number="№ 2-77/2027", date=day, time="10:30",
                            court_id="astana-civil", room="12", citizen_language="kk")
    html = await page.text()
    code = re.search(r'id="enrol-code">([A-Z0-9-]+)<', html).group(1)
    assert f"https://t.me/sud_help_bot?start=enrol-{code.replace('-', '')}" in html

    citizen = Citizen(bot_api, 503, "kk")
    await citizen.say(f"/start enrol-{code.replace('-', '')}")
    await citizen.press("Қазақша")
    async with console_bot.core.sessions() as session:
        assert (await session.scalars(select(Hearing))).all() == []  # nothing before consent
    shown = await citizen.press_data("consent:yes")
    assert "2-77/2027" in shown.text
    await citizen.press_data(f"enrolok:{code.replace('-', '')}")
    async with console_bot.core.sessions() as session:
        (hearing,) = (await session.scalars(select(Hearing))).all()
        kinds = {r.kind for r in (await session.scalars(select(Reminder))).all()}
    assert hearing.case_number == "2-77/2027" and hearing.court_id == "astana-civil"
    assert kinds == {"7d", "1d", "2h"}

    other = await agreed_citizen(bot_api, 504)
    again = await other.say(code)  # typed, as read out on the phone
    assert "недействителен: он уже использован" in again.text


async def test_an_announcement_goes_to_the_chosen_language_and_region_once(
    console_bot: BotApp, bot_api: FakeBotAPI
) -> None:
    """Russian speakers with a hearing in Astana: the Kazakh speaker there and the Russian
    speaker with a hearing elsewhere get nothing."""
    await add_staff(console_bot, "admin", role="admin")
    admin = StaffClient(console_bot)
    try:
        assert await admin.sign_in("admin") == 200
        await agreed_citizen(bot_api, 601, "kk")
        ru_astana = await agreed_citizen(bot_api, 602, "ru")
        await agreed_citizen(bot_api, 603, "ru")
        await _hearing_for(console_bot, 601, "astana-civil")
        await _hearing_for(console_bot, 602, "astana-civil")
        await _hearing_for(console_bot, 603, None)
        answer = await admin.post("/staff/announcements", text_kk="Ертең сот жабық.",
                                  text_ru="Завтра суд закрыт.", lang_ru="on", region="astana")
        assert answer.status == 303
        preview = await (await admin.get(answer.headers["Location"])).text()
        assert "Ертең сот жабық." in preview and "Завтра суд закрыт." in preview
        assert 'id="recipients">Сейчас получателей: 1.' in preview
        before = {u: bot_api.outputs(u) for u in (601, 602, 603)}
        await admin.post("/staff/announcements/1/confirm")
        await bot_api.wait_outputs(602, before[602] + 1)
        assert "Завтра суд закрыт." in ru_astana.screen.text
        await admin.post("/staff/announcements/1/confirm")  # twice: still once
        await console_bot.console.sender.run()
        assert bot_api.outputs(601) == before[601] and bot_api.outputs(603) == before[603]
        assert bot_api.outputs(602) == before[602] + 1
        async with console_bot.core.sessions() as session:
            statuses = (await session.scalars(select(AnnouncementDelivery.status))).all()
        assert statuses == ["sent"]
    finally:
        await admin.close()


async def _hearing_for(app: BotApp, telegram_id: int, court: str | None) -> None:
    from bot.services.hearings.book import HearingDraft

    book = app.core.conversation.services.hearings
    user_id = await book.user_id("telegram", str(telegram_id))
    await book.add(user_id, HearingDraft(
        "2-1/2027", book.clock.now() + timedelta(days=30), court_id=court,
        court_name=None if court else "Суд где-то ещё"))


async def test_the_dashboard_draws_charts_from_the_numbers(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    async with console_bot.core.sessions() as session, session.begin():
        now = console_bot.core.conversation.services.clock.now()
        for kind, detail, count in (("started", None, 5), ("plan", "court", 2),
                                    ("feedback", "up", 3), ("feedback", "down", 1)):
            session.add_all(ExplorerEvent(at=now, channel="telegram", language="ru",
                                          pathway="family.divorce", kind=kind, detail=detail)
                            for _ in range(count))
    await agreed_citizen(bot_api, 701, "kk")
    page = await (await staff.get("/staff/dashboard")).text()
    assert page.count("<svg") >= 4 and "http" not in page.split("<main>")[1].split("</main>")[0]
    assert "telegram / kk" in page
    assert "5 / 2" in page  # started / reached a plan
    assert "3 / 1" in page  # 👍 / 👎


async def test_the_legal_content_page_lists_statements_oldest_check_first(
    staff: StaffClient,
) -> None:
    page = await (await staff.get("/staff/content")).text()
    dates = re.findall(r'<td class="checked">(\d{4}-\d\d-\d\d)</td>', page)
    assert len(dates) > 100 and dates == sorted(dates)
    assert "adilet.zan.kz" in page


async def test_deleting_my_data_deletes_my_chats_with_operators(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    citizen = await agreed_citizen(bot_api, 505)
    await ask_for_a_person(citizen)
    await citizen.say("Мой вопрос о наследстве")
    await staff.post("/staff/handoffs/1/take")
    await staff.post("/staff/handoffs/1/reply", text="Здравствуйте!")
    my_data = await citizen.press_data("go:mydata")
    assert "• ваши чаты с операторами колл-центра (1)" in my_data.text
    await citizen.press_data("go:mydata_delete")
    await citizen.press_data("data:delete")
    async with console_bot.core.engine.connect() as connection:
        for table in ("handoffs", "handoff_messages", "users"):
            count = (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
            assert count == 0, table
    page = await (await staff.get("/staff/queue")).text()
    assert "В очереди никого нет." in page
