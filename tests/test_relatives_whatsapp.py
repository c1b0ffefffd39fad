"""A relative opens a citizen's invitation on WhatsApp: the text the link fills in, sent through
the bot's real signed webhook; the copies then go through the WhatsApp delivery against the
fake Graph API — as the approved template outside the 24-hour window, with buttons that open
the relative's own screens."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from bot.app import BotApp
from bot.config import Settings
from bot.services.clock import ManualClock
from bot.services.hearings.book import HearingDraft
from bot.services.reminders.service import build_dispatcher
from bot.storage.models import RelativeLink, Reminder
from tests.conftest import SettingsFactory
from tests.fakes.whatsapp import Citizen, FakeGraphAPI
from tests.hearing_helpers import START, local
from tests.people import agreed_person

WA_LINK = re.compile(r"https://wa\.me/77000000000\?text=(\S+)")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def graph(clock: ManualClock) -> AsyncIterator[FakeGraphAPI]:
    api = FakeGraphAPI(now=clock.now)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def wa_settings(graph: FakeGraphAPI, make_settings: SettingsFactory) -> Settings:
    return make_settings(**graph.settings(
        whatsapp_backoff_seconds=0.05, whatsapp_chat_interval_seconds=0,
        reminder_backoff_seconds=0.05, reminders_enabled=False, instance_name="wa-test",
        whatsapp_public_number="77000000000"))


@pytest.fixture
async def whatsapp_bot(graph: FakeGraphAPI, wa_settings: Settings,
                       clock: ManualClock) -> AsyncIterator[BotApp]:
    app = BotApp(wa_settings, clock=clock)
    await app.start()
    graph.bot_url = app.http_url
    yield app
    await app.stop()


async def test_a_relative_opens_the_invitation_on_whatsapp_and_gets_a_template_copy(
        graph: FakeGraphAPI, whatsapp_bot: BotApp, wa_settings: Settings,
        clock: ManualClock) -> None:
    core = whatsapp_bot.core
    citizen = await agreed_person(core, "ru", "c1")  # the citizen, on another channel
    book = core.conversation.services.hearings
    await book.add(await book.user_id("test", "c1"), HearingDraft(
        case_number="2-1234/2026", starts_at=local(2026, 12, 10, 10), court_id="astana-civil",
        room="305"))
    await citizen.press("go:rel_name:all")
    made = await citizen.press("relmake:all")  # no name given
    text = unquote(WA_LINK.search(made.text).group(1))
    assert text.startswith("/start rel-")

    relative = Citizen("KZ.700000000777", phone="77010000777")
    shown = await graph.say(relative, text)  # what the wa.me link puts in the chat
    assert "Выберите язык" in shown[-1].text
    shown = await graph.press(relative, "Русский")
    assert shown[-1].text.startswith("👪 Вас приглашают получать копии напоминаний")
    assert "Чьё заседание" not in shown[-1].text  # the citizen gave no name
    shown = await graph.press(relative, "✅ Принимаю")
    assert shown[-1].text.startswith("✅ Готово: копии напоминаний будут приходить сюда.")

    clock.set(local(2026, 12, 3, 10))  # 7 days before; the relative wrote 10 days ago
    dispatcher = build_dispatcher(wa_settings, core.sessions, core.conversation,
                                  {"whatsapp": whatsapp_bot.whatsapp.delivery}, clock)
    before = len(graph.messages(relative.user_id))
    assert (await dispatcher.run_due()).outcomes["sent"] == 1  # the copy (the citizen is on "test")
    [sent] = graph.messages(relative.user_id)[before:]
    template = sent.message["template"]
    assert (template["name"], template["language"]["code"]) == ("hearing_reminder", "ru")
    values = [p["text"] for p in template["components"][0]["parameters"]]
    assert values[2] == "2-1234/2026"
    async with core.sessions() as session:
        link = await session.scalar(select(RelativeLink.id))
    buttons = [c["parameters"][0]["payload"] for c in template["components"][1:]]
    assert buttons == [f"rem:copy/{link}", f"rem:copystop/{link}"]

    # "Не напоминать" on the template: the relative is asked, then the copies stop.
    shown = await graph.send(relative, {"type": "button", "button": {
        "payload": buttons[1], "text": "Не напоминать"}})
    assert shown[-1].text.startswith("Больше не получать копии напоминаний родственника?")
    shown = await graph.press(relative, "🔕 Да, остановить")
    assert shown[-1].text.startswith("🔕 Готово: копий больше не будет.")
    async with core.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(RelativeLink)) == 0
        assert await session.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.link_id.is_not(None))) == 0
