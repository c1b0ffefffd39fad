"""A citizen in the chat asks for SMS copies of their reminders: the consent is told first, the
number typed, a reminder then reaches both the chat and the phone; they can stop it; "My data"
shows, exports and deletes the number. The copies are a link of relation "self_sms" in
`relative_links`, the one way a reminder row is addressed to someone besides the owner."""

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
from bot.services.conversation import Event, EventKind
from bot.services.hearings.book import HearingDraft
from bot.storage.models import SELF_SMS, Address, RelativeLink, Reminder, User
from tests.fakes.sms import FakeMobizon
from tests.people import Person

NUMBER = "77015550011"


class ChatPerson(Person):
    """A person in the local chat, so reminders to them are delivered (to its inbox)."""

    async def press(self, choice: str):
        return await self._send(Event(LOCAL, self.user_id, EventKind.choice, choice=choice))

    async def say(self, words: str):
        return await self._send(Event.from_text(LOCAL, self.user_id, words))


@pytest.fixture
async def app(mobizon: FakeMobizon, make_settings) -> AsyncIterator[BotApp]:
    bot = BotApp(make_settings(**mobizon.settings(), reminder_poll_seconds=0.1,
                               reminder_quiet_hours="off", local_chat="on"))
    await bot.start()
    mobizon.bot_url = bot.http_url
    yield bot
    await bot.stop()


async def person_in(app: BotApp) -> ChatPerson:
    person = ChatPerson(app.core, "browser-1")
    await person.say("/start")
    await person.press("lang:ru")
    await person.press("consent:yes")
    return person


async def subscribe(person: ChatPerson, mobizon: FakeMobizon, typed: str) -> None:
    """Type the number, then the code the phone got."""
    before = len(mobizon.sent)
    screen = await person.say(typed)
    assert "+7 701 *** ** 11" in screen.text and NUMBER not in screen.full_text()
    sms = (await mobizon.wait_for(before + 1))[-1]
    assert sms.number == NUMBER
    code = re.search(r"\b(\d{4})\b", sms.text).group(1)
    screen = await person.say(code)
    assert "+7 701 *** ** 11" in screen.full_text()


async def owner(app: BotApp) -> int:
    return await app.core.conversation.services.hearings.user_id(LOCAL, "browser-1")


async def add_hearing(app: BotApp, case: str, due_in: timedelta) -> int:
    book = app.core.conversation.services.hearings
    return await book.add(await owner(app), HearingDraft(
        case_number=case, starts_at=utc_now() + timedelta(hours=2) + due_in,
        court_id="astana-civil", reminders_on=["2h"]))


async def rows(app: BotApp, model):
    async with app.core.sessions() as session:
        return list((await session.scalars(select(model))).all())


async def test_sms_copies_reach_the_phone_as_well_as_the_chat_and_can_be_stopped(
        app: BotApp, mobizon: FakeMobizon) -> None:
    person = await person_in(app)
    await person.press("go:hearings")
    assert "📱 SMS copies" in person.labels or "📱 SMS-копии" in person.labels
    screen = await person.press("go:h_sms")
    assert "шифр" in screen.text  # what is kept, said before the number is asked for
    await person.press("go:h_sms_number")
    screen = await person.say("12345")
    assert "+7 701 123 45 67" in screen.full_text()  # bad input: a clear answer
    screen = await person.say("8 701 555 00 11")
    assert "+7 701 *** ** 11" in screen.text and NUMBER not in screen.full_text()
    [check] = await mobizon.wait_for(1)  # a code first: is the phone theirs?
    assert check.number == NUMBER
    assert await rows(app, RelativeLink) == []  # nothing until the code comes back
    screen = await person.say("0000" if "0000" not in check.text else "1111")
    assert "4" in screen.full_text()  # "type its 4 digits"
    assert await rows(app, RelativeLink) == []
    code = re.search(r"\b(\d{4})\b", check.text).group(1)
    screen = await person.say(code)
    assert "+7 701 *** ** 11" in screen.full_text() and NUMBER not in screen.full_text()
    [link] = await rows(app, RelativeLink)
    assert (link.relation, link.code_hash, link.hearing_id) == (SELF_SMS, None, None)
    assert link.relative_id != await owner(app) and link.used_at is not None

    await add_hearing(app, "2-321/2026", timedelta(seconds=0.5))
    sms = (await mobizon.wait_for(2))[-1]
    assert sms.number == NUMBER and "2-321/2026" in sms.text and "СТОП" in sms.text
    inbox = app.reminders.dispatcher._deliveries[LOCAL]
    for _tick in range(100):
        shown = inbox.take("browser-1")
        if shown:
            break
        await asyncio.sleep(0.05)
    assert any("2-321/2026" in screen.text for screen in shown)
    for _tick in range(100):  # the SMS is recorded as sent just after Mobizon took it
        statuses = {(r.status, r.link_id is None) for r in await rows(app, Reminder)}
        if statuses == {("sent", True), ("sent", False)}:
            break
        await asyncio.sleep(0.05)
    assert statuses == {("sent", True), ("sent", False)}

    # The SMS reads as the owner's own reminder, not as a relative's copy.
    assert "Копия" not in sms.text

    # Stopped in the chat: a copy still to come goes, and a new hearing's reminders come to
    # the chat only.
    await add_hearing(app, "2-323/2026", timedelta(minutes=5))
    assert sorted(r.link_id is None for r in await rows(app, Reminder)
                  if r.status == "pending") == [False, True]
    await person.press("go:h_sms")
    screen = await person.press("hsms:stop")
    assert "+7 701" not in screen.text
    assert await rows(app, RelativeLink) == []
    await add_hearing(app, "2-322/2026", timedelta(minutes=5))
    later = [r for r in await rows(app, Reminder) if r.status == "pending"]
    assert [r.link_id for r in later] == [None, None]
    # The number had nothing else to receive: it is not kept.
    assert [u.channel for u in await rows(app, User)] == [LOCAL]
    assert await rows(app, Address) == []


async def test_my_data_shows_exports_and_deletes_the_sms_number(
        app: BotApp, mobizon: FakeMobizon) -> None:
    person = await person_in(app)
    await person.press("go:h_sms_number")
    await subscribe(person, mobizon, "+7 701 555 00 11")
    await add_hearing(app, "2-400/2026", timedelta(days=1))
    screen = await person.press("go:mydata")
    assert "+7 701 *** ** 11" in screen.text
    screen = await person.press("data:export")
    [attachment] = screen.attachments
    document = json.loads(attachment.content)
    [own] = document["sms_copies"]
    assert own["phone_number"] == NUMBER
    assert [(c["case_number"], c["kind"]) for c in own["copies"]] == [("2-400/2026", "2h")]
    assert document["relatives_who_get_copies"] == []  # one's own number is no relative
    await person.press("go:mydata_delete")
    await person.press("data:delete")
    assert await rows(app, User) == []
    assert await rows(app, Address) == []
    assert await rows(app, RelativeLink) == [] and await rows(app, Reminder) == []


async def test_stop_by_sms_ends_the_copies_of_a_chat_user(
        app: BotApp, mobizon: FakeMobizon) -> None:
    person = await person_in(app)
    await person.press("go:h_sms_number")
    await subscribe(person, mobizon, "+7 701 555 00 11")
    await add_hearing(app, "2-500/2026", timedelta(minutes=5))
    assert await mobizon.reply(NUMBER, "СТОП") == 200
    await mobizon.wait_for(2)  # the code, then the one confirmation
    # The chat still gets its reminder; the SMS copy and the link are gone.
    assert {(r.link_id, r.status) for r in await rows(app, Reminder)} == {(None, "pending")}
    assert await rows(app, RelativeLink) == []
    screen = await person.press("go:h_sms")
    assert "hsms:stop" not in [c.id for c in screen.all_choices]
