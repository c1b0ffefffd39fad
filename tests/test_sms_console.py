"""The console and SMS: enrolling a caller by SMS after reading the consent out (audited), the
number masked on every page, exported and deleted on the caller's request, SMS per day on the
dashboard, and plain "not set up" without SMS settings. The number never reaches the logs."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from bot.app import BotApp
from bot.services.clock import to_local, utc_now
from bot.storage.models import Address, Hearing, Reminder, StaffAudit, User
from tests.fakes.sms import FakeMobizon
from tests.staff_helpers import StaffClient, add_staff

NUMBER = "77019876543"
TYPED = "8 (701) 987-65-43"


@pytest.fixture
async def sms_console(mobizon: FakeMobizon, make_settings) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings(**mobizon.settings(), reminder_poll_seconds=0.1,
                               reminder_quiet_hours="off"))
    await app.start()
    mobizon.bot_url = app.http_url
    yield app
    await app.stop()


@pytest.fixture
async def staff(sms_console: BotApp) -> AsyncIterator[StaffClient]:
    await add_staff(sms_console)
    client = StaffClient(sms_console)
    assert await client.sign_in() == 200
    yield client
    await client.close()


def hearing_form(starts, **extra: str) -> dict[str, str]:
    local = to_local(starts)
    return {"case_number": "2-88/2026", "date": local.date().isoformat(),
            "time": f"{local:%H:%M}", "court_id": "astana-civil", "room": "7",
            "citizen_language": "kk", **extra}


async def table(app: BotApp, model):
    async with app.core.sessions() as session:
        return list((await session.scalars(select(model))).all())


async def test_enrolling_by_sms_needs_the_consent_read_out_and_is_audited(
        sms_console: BotApp, staff: StaffClient, mobizon: FakeMobizon, caplog) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    page = await (await staff.get("/staff/enrol")).text()
    assert "ТОҚТА" in page or "STOP" in page  # the consent text, to read out
    assert 'id="by-sms"' in page
    starts = utc_now() + timedelta(days=3)
    # Not ticked: nothing is kept.
    page = await (await staff.post("/staff/enrol", **hearing_form(starts, by="sms",
                                                                  phone=TYPED))).text()
    assert 'role="alert"' in page
    assert await table(sms_console, Hearing) == []
    # Ticked: the hearing is the caller's, reminders by SMS.
    answer = await staff.post("/staff/enrol", **hearing_form(starts, by="sms", phone=TYPED,
                                                             consent_read="on"))
    page = await answer.text()
    assert "+7 701 *** ** 43" in page and NUMBER not in page and "987-65" not in page
    [user] = await table(sms_console, User)
    assert (user.channel, user.language) == ("sms", "kk")
    assert NUMBER not in user.channel_user_id
    [hearing] = await table(sms_console, Hearing)
    assert hearing.user_id == user.id
    audit = [(row.action, row.target) for row in await table(sms_console, StaffAudit)]
    assert ("sms_consent_read", f"sms person {user.id}") in audit
    assert ("enrol_sms", f"hearing {hearing.id}") in audit
    await add_staff(sms_console, "dana", role="admin", name="Дана")
    admin = StaffClient(sms_console)
    assert await admin.sign_in("dana") == 200
    log_page = await (await admin.get("/staff/audit")).text()
    await admin.close()
    assert "sms_consent_read" in log_page and "aigerim" in log_page
    assert {(r.kind, r.status, r.link_id) for r in await table(sms_console, Reminder)} \
        == {("1d", "pending", None), ("2h", "pending", None)}  # 7 days before: passed
    # The number is sealed at rest and never logged.
    async with sms_console.core.engine.connect() as connection:
        raw = (await connection.execute(text("SELECT address FROM addresses"))).scalar()
    assert NUMBER not in raw
    assert await mobizon.reply(NUMBER, "stop") == 200
    [confirmation] = await mobizon.wait_for(1)
    assert confirmation.number == NUMBER and "SMS-еске салу" in confirmation.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert NUMBER not in logged and "987" not in logged


async def test_the_console_shows_exports_and_deletes_a_number_on_request(
        sms_console: BotApp, staff: StaffClient) -> None:
    people = sms_console.core.conversation.services.sms
    starts = utc_now() + timedelta(days=3)
    user_id, _hearing = await people.enrol(NUMBER, "ru", {
        "case_number": "2-99/2026", "court_id": "astana-civil",
        "starts_at": starts.isoformat(), "room": None, "online": False})
    page = await (await staff.post("/staff/sms", phone=TYPED)).text()
    assert 'id="sms-person"' in page and "+7 701 *** ** 43" in page and NUMBER not in page
    export = await staff.post(f"/staff/sms/{user_id}/export")
    document = json.loads(await export.read())
    assert document["phone_number"] == NUMBER
    assert document["hearings"][0]["case_number"] == "2-99/2026"
    page = await (await staff.post(f"/staff/sms/{user_id}/delete")).text()
    assert 'role="status"' in page
    assert await table(sms_console, User) == []
    assert await table(sms_console, Address) == []
    assert await table(sms_console, Hearing) == [] and await table(sms_console, Reminder) == []
    page = await (await staff.post("/staff/sms", phone=TYPED)).text()
    assert 'id="sms-none"' in page
    actions = [row.action for row in await table(sms_console, StaffAudit)]
    assert actions.count("sms_lookup") == 2
    assert "sms_export" in actions and "sms_delete" in actions


async def test_the_dashboard_counts_sms_and_parts_per_day(
        sms_console: BotApp, staff: StaffClient, mobizon: FakeMobizon) -> None:
    people = sms_console.core.conversation.services.sms
    for n in range(3):
        await people.enrol(f"7701000000{n}", "ru", {
            "case_number": f"2-{n}/2026", "court_id": "astana-smes", "room": "305",
            "starts_at": (utc_now() + timedelta(hours=2, seconds=1)).isoformat(),
            "online": False})
    sent = await mobizon.wait_for(3)
    page = await (await staff.get("/staff/dashboard")).text()
    today = to_local(utc_now()).date().isoformat()
    row = f"<tr><td>{today}</td><td>3</td><td>{sum(s.parts for s in sent)}</td></tr>"
    assert row in page
    assert 'id="sms-off"' not in page


async def test_without_sms_settings_there_is_no_sms_and_the_console_says_so(
        make_settings) -> None:
    app = BotApp(make_settings(reminders_enabled=False))
    await app.start()
    try:
        assert app.core.conversation.services.sms is None and app.sms is None
        await add_staff(app)
        client = StaffClient(app)
        assert await client.sign_in() == 200
        for path in ("/staff/enrol", "/staff/dashboard", "/staff/sms"):
            assert 'id="sms-off"' in await (await client.get(path)).text(), path
        starts = utc_now() + timedelta(days=2)
        page = await (await client.post("/staff/enrol", **hearing_form(
            starts, by="sms", phone=TYPED, consent_read="on"))).text()
        assert 'role="alert"' in page
        assert await table(app, Hearing) == []
        async with client.http.post(app.http_url + "/sms/inbound", data=b"{}") as answer:
            assert answer.status == 404
        await client.close()
    finally:
        await app.stop()


async def test_announcements_never_go_by_sms(sms_console: BotApp) -> None:
    """SMS people agreed to reminders and nothing else."""
    await sms_console.core.conversation.services.sms.enrol(NUMBER, "ru", {
        "case_number": "2-1/2026", "court_id": "astana-civil", "room": None, "online": False,
        "starts_at": (utc_now() + timedelta(days=3)).isoformat()})
    announcements = sms_console.console.announcements
    draft = await announcements.draft("Сот жабық", "Суд закрыт", ["kk", "ru"], None, None)
    announcement = await announcements.get(draft)
    assert await announcements.recipients(announcement) == []
