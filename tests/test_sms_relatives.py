"""A relative without a messenger gets the copies by SMS (issue 19: "the relative opens it on
their own Telegram or WhatsApp, or gets SMS, if enrolled so").

End to end over real HTTP: a citizen in the chat makes an invitation, which (SMS being set up)
says to call the call centre with the code; the relative calls, the operator reads them the
consent in the console and enrols their number with that code; the link in `relative_links`
is then the relative's, on channel "sms", and the copies go through the reminder dispatcher,
the Mobizon client and the fake Mobizon on loopback: the reminder, and a date the citizen
moves, in the relative's language, marked as a copy with the name the citizen gave, in at most
two parts. The code works once; STOP from the relative's phone ends the link at once; deleting
the citizen's data deletes the number that was kept only for their copies.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.channels.localchat.web import CHANNEL as LOCAL
from bot.services.clock import utc_now
from bot.services.hearings.book import HearingDraft
from bot.storage.models import RELATIVE, Address, RelativeLink, Reminder, StaffAudit, User
from tests.fakes.sms import FakeMobizon
from tests.staff_helpers import StaffClient, add_staff
from tests.test_sms_chat import ChatPerson

RELATIVE_NUMBER = "77017770022"
TYPED = "8 701 777 00 22"
MASKED = "+7 701 *** ** 22"
CODE = re.compile(r"/start rel-([A-Z0-9]+)")


@pytest.fixture
async def app(mobizon: FakeMobizon, make_settings) -> AsyncIterator[BotApp]:
    bot = BotApp(make_settings(**mobizon.settings(), reminder_poll_seconds=0.1,
                               reminder_quiet_hours="off", local_chat="on",
                               call_centre_phone="1414"))
    await bot.start()
    mobizon.bot_url = bot.http_url
    yield bot
    await bot.stop()


@pytest.fixture
async def staff(app: BotApp) -> AsyncIterator[StaffClient]:
    await add_staff(app)
    client = StaffClient(app)
    assert await client.sign_in() == 200
    yield client
    await client.close()


async def citizen_in(app: BotApp) -> ChatPerson:
    person = ChatPerson(app.core, "browser-7")
    await person.say("/start")
    await person.press("lang:ru")
    await person.press("consent:yes")
    return person


async def owner(app: BotApp) -> int:
    return await app.core.conversation.services.hearings.user_id(LOCAL, "browser-7")


async def add_hearing(app: BotApp, case: str, due_in: timedelta) -> int:
    book = app.core.conversation.services.hearings
    return await book.add(await owner(app), HearingDraft(
        case_number=case, starts_at=utc_now() + timedelta(hours=2) + due_in,
        court_id="astana-civil", room="305", reminders_on=["2h"]))


async def invite(person: ChatPerson) -> tuple[str, str]:
    """The citizen's invitation for all their hearings: the code, and the text shown."""
    await person.press("go:relatives")
    await person.press("go:rel_scope")
    await person.press("go:rel_name:all")
    made = await person.say("мама")
    code = CODE.search(made.text).group(1)
    return code, made.text


async def rows(app: BotApp, model) -> list:
    async with app.core.sessions() as session:
        return list((await session.scalars(select(model))).all())


async def settle(condition, seconds: float = 10) -> None:
    for _tick in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError


def enrolment(code: str, **extra: str) -> dict[str, str]:
    return {"code": code, "phone": TYPED, "relative_language": "kk", **extra}


async def test_a_relative_enrolled_by_sms_gets_the_copies_until_they_reply_stop(
        app: BotApp, staff: StaffClient, mobizon: FakeMobizon) -> None:
    citizen = await citizen_in(app)
    later = await add_hearing(app, "2-610/2026", timedelta(days=3))
    code, invitation = await invite(citizen)
    spoken = "-".join(code[i:i + 4] for i in range(0, 12, 4))
    assert "1414" in invitation and spoken in invitation and "SMS" in invitation

    # The console: the relative's consent, to read out; without the tick nothing is kept.
    page = await (await staff.get("/staff/enrol/relative")).text()
    assert 'id="relative-sms"' in page and "ТОҚТА" in page and "СТОП" in page
    assert "копии напоминаний о судебных заседаниях вашего родственника" in page
    page = await (await staff.post("/staff/enrol/relative", **enrolment(spoken))).text()
    assert 'role="alert"' in page
    page = await (await staff.post("/staff/enrol/relative", **enrolment(
        "AAAA-BBBB-CCCC", consent_read="on"))).text()
    assert 'role="alert"' in page and "не работает" in page
    assert [u.channel for u in await rows(app, User)] == [LOCAL]  # nothing kept for either
    page = await (await staff.post("/staff/enrol/relative", **enrolment(
        spoken.lower(), consent_read="on"))).text()
    assert 'id="relative-phone"' in page and MASKED in page
    assert RELATIVE_NUMBER not in page and "777-00" not in page and "2-610" not in page

    [link] = await rows(app, RelativeLink)
    sms_person = next(u for u in await rows(app, User) if u.channel == "sms")
    assert (link.relation, link.relative_id, link.citizen_id) == \
        (RELATIVE, sms_person.id, await owner(app))
    assert sms_person.language == "kk" and RELATIVE_NUMBER not in sms_person.channel_user_id
    audit = [(row.action, row.target) for row in await rows(app, StaffAudit)]
    assert ("sms_consent_read", f"sms person {sms_person.id}") in audit
    assert ("enrol_relative_sms", f"relative link {link.id}") in audit
    # The reminder still to come is copied for the relative at once.
    assert sorted(r.link_id is not None for r in await rows(app, Reminder)
                  if r.hearing_id == later) == [False, True]

    # The code worked once.
    page = await (await staff.post("/staff/enrol/relative", **enrolment(
        spoken, consent_read="on"))).text()
    assert 'role="alert"' in page and len(await rows(app, RelativeLink)) == 1

    # A reminder reaches both: the chat, and the relative's phone as a copy, in Kazakh.
    await add_hearing(app, "2-611/2026", timedelta(seconds=0.5))
    [copy] = await mobizon.wait_for(1)
    assert copy.number == RELATIVE_NUMBER
    assert copy.text.startswith("Көшірме (мама): ") and "2-611/2026" in copy.text
    assert "ТОҚТА" in copy.text and copy.parts <= 2
    inbox = app.reminders.dispatcher._deliveries[LOCAL]
    shown: list = []
    for _tick in range(100):
        shown += inbox.take("browser-7")
        if shown:
            break
        await asyncio.sleep(0.05)
    assert any("2-611/2026" in screen.text for screen in shown)

    # The citizen sees who gets copies, on which channel.
    screen = await citizen.press("go:relatives")
    assert "• SMS: все ваши заседания" in screen.text and "(«мама»)" in screen.text

    # The citizen moves a hearing: the relative is told, by SMS.
    book = app.core.conversation.services.hearings
    await book.change(await owner(app), later, starts_at=utc_now() + timedelta(days=4))
    moved = (await mobizon.wait_for(2))[-1]
    assert moved.number == RELATIVE_NUMBER
    assert moved.text.startswith("Көшірме (мама): Отырыс ауыстырылды") and moved.parts <= 2

    # STOP from the relative's phone: the link and its copies still to come go at once, one
    # confirmation; the citizen keeps their own reminders.
    assert await mobizon.reply(RELATIVE_NUMBER, "тоқта") == 200
    confirmation = (await mobizon.wait_for(3))[-1]
    assert confirmation.number == RELATIVE_NUMBER and "SMS" in confirmation.text
    assert await mobizon.reply(RELATIVE_NUMBER, "STOP") == 200
    await asyncio.sleep(0.3)
    assert len(mobizon.sent) == 3
    assert await rows(app, RelativeLink) == []
    assert [r.link_id for r in await rows(app, Reminder) if r.status == "pending"] == [None]
    screen = await citizen.press("go:relatives")
    assert "Сейчас копии никто не получает." in screen.text


async def test_my_data_of_both_and_deleting_the_citizen_forgets_the_relatives_number(
        app: BotApp, staff: StaffClient) -> None:
    citizen = await citizen_in(app)
    await add_hearing(app, "2-620/2026", timedelta(days=2))
    code, _text = await invite(citizen)
    page = await (await staff.post("/staff/enrol/relative", **enrolment(
        code, consent_read="on"))).text()
    assert MASKED in page

    # The citizen's "My data": a relative gets copies, by SMS; the relative's number is theirs.
    screen = await citizen.press("go:mydata")
    assert "родственники, которые получают копии ваших напоминаний (1)" in screen.text
    document = json.loads((await citizen.press("data:export")).attachments[0].content)
    [given] = document["relatives_who_get_copies"]
    assert (given["messenger"], given["name_they_see"]) == ("sms", "мама")
    assert RELATIVE_NUMBER not in json.dumps(document) and document["sms_copies"] == []

    # The relative's, by the console on their request: the copies, never the citizen's case.
    page = await (await staff.post("/staff/sms", phone=TYPED)).text()
    person_id = int(re.search(r"/staff/sms/(\d+)/export", page).group(1))
    export = await staff.post(f"/staff/sms/{person_id}/export")
    theirs = json.loads(await export.read())
    assert theirs["phone_number"] == RELATIVE_NUMBER and theirs["hearings"] == []
    [received] = theirs["copies_i_get"]
    assert (received["relation"], received["from"], received["hearings"]) == \
        ("relative", "мама", "all")
    assert [c["kind"] for c in received["copies"]] == ["2h"]
    assert "2-620" not in json.dumps(theirs)

    # The citizen deletes their data: the links, the copies and the number kept only for them.
    await citizen.press("go:mydata_delete")
    await citizen.press("data:delete")
    assert await rows(app, User) == [] and await rows(app, Address) == []
    assert await rows(app, RelativeLink) == [] and await rows(app, Reminder) == []


async def test_the_citizen_stopping_an_sms_relative_forgets_their_number(
        app: BotApp, staff: StaffClient) -> None:
    citizen = await citizen_in(app)
    await add_hearing(app, "2-630/2026", timedelta(days=2))
    code, _text = await invite(citizen)
    await staff.post("/staff/enrol/relative", **enrolment(code, consent_read="on"))
    [link] = await rows(app, RelativeLink)
    await citizen.press("go:relatives")
    await citizen.press(f"go:rel_stop:{link.id}")
    screen = await citizen.press(f"relstop:{link.id}")
    assert screen.notice == "🔕 Готово: копий больше не будет."
    assert [u.channel for u in await rows(app, User)] == [LOCAL]
    assert await rows(app, Address) == []
    assert [r.link_id for r in await rows(app, Reminder)] == [None]


async def test_without_sms_settings_the_relative_page_says_so(make_settings) -> None:
    app = BotApp(make_settings(reminders_enabled=False))
    await app.start()
    try:
        await add_staff(app)
        client = StaffClient(app)
        assert await client.sign_in() == 200
        page = await (await client.get("/staff/enrol/relative")).text()
        assert 'id="sms-off"' in page and 'id="relative-sms"' not in page
        page = await (await client.post("/staff/enrol/relative", code="AAAABBBBCCCC",
                                        phone=TYPED, consent_read="on")).text()
        assert 'role="alert"' in page
        assert 'id="to-relative-sms"' not in await (await client.get("/staff/enrol")).text()
        await client.close()
    finally:
        await app.stop()
