"""The WhatsApp channel end to end: the bot's real aiohttp webhook and Graph API client against
a fake Graph API on loopback that checks WhatsApp's limits, with webhooks signed as Meta signs
them. Reminders run on a clock the test moves, across the 24-hour window."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select
from sqlalchemy import text as sql

from bot.app import BotApp
from bot.config import Settings
from bot.services.clock import ManualClock
from bot.services.reminders.service import build_dispatcher
from bot.storage.models import FollowUp, InboundMessage, Reminder, User
from tests import screens as S
from tests.conftest import SettingsFactory
from tests.fakes.whatsapp import APP_SECRET, VERIFY_TOKEN, Citizen, FakeGraphAPI, Fault
from tests.hearing_helpers import START, local
from tests.people import plain
from tests.staff_helpers import StaffClient, add_staff
from tests.test_drafts import read_docx, read_pdf


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
        reminder_backoff_seconds=0.05, reminders_enabled=False, instance_name="wa-test"))


@pytest.fixture
async def whatsapp_bot(graph: FakeGraphAPI, wa_settings: Settings,
                       clock: ManualClock) -> AsyncIterator[BotApp]:
    """The whole bot serving WhatsApp only, on the test's clock; its reminder job is off (the
    tests run the dispatcher themselves)."""
    app = BotApp(wa_settings, clock=clock)
    await app.start()
    graph.bot_url = app.http_url
    yield app
    await app.stop()


async def onboard(graph: FakeGraphAPI, citizen: Citizen, language: str = "kk") -> None:
    await graph.say(citizen, "Сәлем")
    await graph.press(citizen, "Қазақша" if language == "kk" else "Русский")
    shown = await graph.press(citizen, S.AGREE[language])
    assert shown[-1].text.startswith(S.THANKS[language]), shown[-1].text


# --- the webhook -----------------------------------------------------------------------------

async def test_meta_verifies_the_webhook_with_the_verify_token(whatsapp_bot: BotApp) -> None:
    url = f"{whatsapp_bot.http_url}/whatsapp/webhook"
    async with ClientSession() as http:
        async with http.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1158201444",
                                         "hub.verify_token": VERIFY_TOKEN}) as response:
            assert (response.status, await response.text()) == (200, "1158201444")
        async with http.get(url, params={"hub.mode": "subscribe", "hub.challenge": "1",
                                         "hub.verify_token": "guess"}) as response:
            assert response.status == 403


async def test_unsigned_or_forged_webhooks_are_refused_and_nothing_happens(
    graph: FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    citizen = Citizen("KZ.200000000001")
    payload = graph.payload(citizen, {"type": "text", "text": {"body": "/start"}})
    assert await graph.post(payload, secret=None) == 403  # no signature
    assert await graph.post(payload, secret="someone-else") == 403  # another app's secret
    assert await graph.post(payload, signature="sha256=") == 403
    signed = json.dumps(graph.payload(citizen, {"type": "text", "text": {"body": "hi"}})).encode()
    tampered = signed.replace(b"hi", b"ho")
    good = "sha256=" + hmac.new(APP_SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert await graph.post(tampered, signature=good) == 403  # the body changed on the way
    await asyncio.sleep(0.5)
    assert graph.sent == []
    async with whatsapp_bot.core.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(InboundMessage)) == 0
    # A signed webhook is answered at once, and the person then gets the language choice.
    answer = await graph.say(citizen, "/start")
    assert answer[0].text == S.LANGUAGE_PROMPT_RU_FIRST
    assert answer[0].kind == "button"
    assert answer[0].titles == ["Русский", "Қазақша", "👤 Помощь / Көмек"]


async def test_a_redelivered_message_is_answered_once_even_by_another_instance(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, wa_settings: Settings, clock: ManualClock
) -> None:
    citizen = Citizen("KZ.200000000002")
    payload = graph.payload(citizen, {"type": "text", "text": {"body": "/start"}})
    graph.last_wrote[citizen.user_id] = clock.now()
    statuses = await asyncio.gather(*(graph.post(payload) for _ in range(3)))
    assert statuses == [200, 200, 200]
    await graph.settled(citizen.user_id, 0)
    second = BotApp(wa_settings, clock=clock)  # a second instance on the same database
    await second.start()
    try:
        graph.bot_url = second.http_url
        assert await graph.post(payload) == 200
        await asyncio.sleep(0.6)
    finally:
        await second.stop()
    assert len(graph.messages(citizen.user_id)) == 1


# --- a whole pathway -------------------------------------------------------------------------

async def test_divorce_pathway_to_the_draft_files_through_whatsapp(
    graph: FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    citizen = Citizen("KZ.300000000001", phone="77010000301")
    # A click-to-chat link (wa.me/…?text=/start family-divorce) opens the pathway.
    await graph.say(citizen, "/start family-divorce")
    await graph.press(citizen, "Қазақша")
    shown = await graph.press(citizen, S.AGREE["kk"])
    assert "Ажырасу (некені бұзу)" in shown[0].text
    assert shown[0].titles == ["▶ Бастау", *S.NAV["kk"]]
    shown = await graph.press(citizen, "▶ Бастау")
    assert shown[0].text == "Жұбайыңыз ажырасуға келісе ме?"
    assert shown[0].kind == "list"  # 3 answers + Back, Menu, Person: more than 3 buttons
    assert shown[0].titles == ["Иә, келіседі", "Жоқ, келіспейді", "🤷 Білмеймін / сай емес",
                               *S.NAV["kk"]]
    await graph.press(citizen, "Жоқ, келіспейді")
    await graph.press(citizen, "Жоқ")
    shown = await graph.press(citizen, "Жоқ")
    assert shown[0].text.startswith("Жауаптарыңыз:")
    shown = await graph.press(citizen, "✅ Жоспарымды көрсету")
    assert shown[0].text.startswith("Сот арқылы ажырасу — Не істеу керек")
    assert "📖 egov.kz: «Некені бұзу»" in shown[0].text
    while not any(t.startswith("📄") for t in shown[-1].titles):
        shown = await graph.press(citizen, "Әрі қарай ➡")
    await graph.press(citizen, "📄")
    await graph.press(citizen, "✍️")
    await graph.say(citizen, "Серікова Әсел Қайратқызы")
    await graph.press(citizen, "⏭")
    await graph.say(citizen, "Сериков Ұлан")
    await graph.press(citizen, "⏭")
    shown = await graph.press(citizen, "⏭")  # the last field: the court
    documents = [m for m in shown if m.kind == "document"]
    assert [d.message["document"]["filename"] for d in documents] == [
        "divorce_claim-kk-draft.pdf", "divorce_claim-kk-draft.docx"]
    files = [graph.media[d.message["document"]["id"]] for d in documents]
    assert [kind for _, kind, _ in files] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    for text in (read_pdf(files[0][2]), read_docx(files[1][2])):
        assert "Серікова Әсел Қайратқызы" in text and "Жауапкер ажырасуға келіспейді." in text
    assert graph.rejected == []  # every message was within WhatsApp's limits
    async with whatsapp_bot.core.sessions() as session:
        users = list(await session.scalars(select(User)))
    # Known by the business-scoped id; the phone number is not kept.
    assert [(u.channel, u.channel_user_id) for u in users] == [("whatsapp", "KZ.300000000001")]


async def test_stickers_voice_and_photos_get_a_kind_answer(
    graph: FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    citizen = Citizen("KZ.300000000002")
    await onboard(graph, citizen, "ru")
    shown = await graph.send(citizen, {"type": "sticker", "sticker": {"id": "s1"}})
    assert shown[0].text.startswith(S.MEDIA["ru"])
    shown = await graph.send(citizen, {"type": "audio", "audio": {"id": "a1", "voice": True}})
    assert shown[0].text.startswith(S.VOICE["ru"])
    shown = await graph.send(citizen, {"type": "image", "image": {"id": "i1"}})
    assert "фото" in shown[0].text
    assert shown[0].options  # the screen, with its buttons, is still there


# --- long lists ------------------------------------------------------------------------------

async def test_lists_over_ten_options_are_paged_and_every_option_is_reachable(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, clock: ManualClock
) -> None:
    citizen = Citizen("KZ.400000000001")
    await onboard(graph, citizen, "ru")
    await graph.press(citizen, "📅 Мои заседания")
    await graph.press(citizen, "➕")
    shown = await graph.say(citizen, "2-77/2026")
    # 17 regions: five a page, with Previous / More, Back, Menu, Person: 10 rows at most.
    regions = []
    for _page in range(5):
        titles = shown[-1].titles
        assert len(titles) <= 10 and titles[-3:] == S.NAV["ru"]
        regions += [t for t in titles[:-3] if not t.startswith(("⬅", "Ещё", "✏️"))]
        if not any(t.startswith("Ещё") for t in titles):
            break
        shown = await graph.press(citizen, "Ещё")
    assert len(regions) == 17 and len(set(regions)) == 17, regions
    assert "Восточно-Казахстанская…" in regions  # cut to 24; the row's description is whole
    while any(t.startswith("⬅") for t in shown[-1].titles):
        shown = await graph.press(citizen, "⬅")  # back a page, to the first
    shown = await graph.press(citizen, "Астана")
    shown = await graph.press(citizen, "Суд по гражданским делам")
    # The calendar is a grid of 35 cells: as a list, a page at a time, blanks left out.
    days = []
    while True:
        titles = shown[-1].titles
        assert len(titles) <= 10
        days += [t for t in titles if t.isdigit()]
        if any(t.startswith("⬅ В начало") for t in titles):
            break
        shown = await graph.press(citizen, "Ещё")
    assert days == [str(day) for day in range(23, 31)]  # from today, 23 November
    shown = await graph.press(citizen, "дек")  # the next month
    while "15" not in shown[-1].titles:
        shown = await graph.press(citizen, "Ещё")
    shown = await graph.press(citizen, "15")
    assert "Во сколько" in shown[-1].text
    assert graph.rejected == []


# --- numbered lines --------------------------------------------------------------------------

async def test_numbered_lines_are_answered_by_number(
    graph: FakeGraphAPI, make_settings: SettingsFactory, clock: ManualClock
) -> None:
    app = BotApp(make_settings(**graph.settings(whatsapp_interactive=False,
                                                reminders_enabled=False)), clock=clock)
    await app.start()
    graph.bot_url = app.http_url
    try:
        citizen = Citizen("KZ.500000000001")
        shown = await graph.say(citizen, "Здравствуйте")
        assert shown[0].kind == "text"
        assert "1. Русский\n2. Қазақша\n3. 👤 Помощь / Көмек" in shown[0].text
        assert shown[0].text.endswith("Ответьте цифрой, например 1.")
        shown = await graph.say(citizen, "2")
        assert shown[0].text.startswith(S.CONSENT_START["kk"])
        assert "1. ✅ Келісемін" in shown[0].text
        shown = await graph.say(citizen, " 1. ")
        assert shown[0].text.startswith(S.THANKS["kk"])
        shown = await graph.say(citizen, "99")  # no such option: read as words, kindly
        assert shown[0].kind == "text" and shown[0].text
    finally:
        await app.stop()


async def test_refused_buttons_fall_back_to_numbered_lines(
    graph: FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    citizen = Citizen("KZ.500000000002")
    graph.faults.append(Fault(131009, kinds=("interactive",)))  # e.g. an old phone's client
    shown = await graph.say(citizen, "Привет")
    assert shown[0].kind == "text" and "2. Қазақша" in shown[0].text
    shown = await graph.say(citizen, "1")
    assert shown[0].text.startswith(S.CONSENT_START["ru"])
    assert shown[0].kind == "list"  # buttons work again: back to lists


# --- rate limits -----------------------------------------------------------------------------

async def test_rate_limits_and_passing_faults_are_retried(
    graph: FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    citizen = Citizen("KZ.600000000001")
    graph.faults += [Fault(130429), Fault(131056), Fault(131000, status=500)]
    shown = await graph.say(citizen, "/start")
    assert len(shown) == 1 and shown[0].text == S.LANGUAGE_PROMPT_RU_FIRST
    assert graph.rejected == [(citizen.user_id, 130429), (citizen.user_id, 131056),
                              (citizen.user_id, 131000)]


# --- reminders and the 24-hour window --------------------------------------------------------

async def add_hearing_on_whatsapp(graph: FakeGraphAPI, citizen: Citizen,
                                  language: str = "ru") -> int:
    """Add the hearing of 10 December 2026, 10:00, in Astana's civil court, room 305."""
    region, court = {"ru": ("Астана", "Суд по гражданским делам"),
                     "kk": ("Астана қаласы", "Азаматтық")}[language]
    await graph.press(citizen, "📅")
    await graph.press(citizen, "➕")
    await graph.say(citizen, "2-1234/2026")
    await graph.press(citizen, region)
    await graph.press(citizen, court)
    await graph.say(citizen, "10.12.2026")
    await graph.say(citizen, "10:00")
    await graph.press(citizen, "👣")
    shown = await graph.say(citizen, "305")
    assert "2-1234/2026" in shown[-1].text and "10:00" in shown[-1].text
    shown = await graph.press(citizen, "✅")
    hearing_id = int(next(o["id"] for o in shown[-1].options
                          if o["id"].startswith("hics:")).split(":")[1])
    # The calendar file goes as a document WhatsApp accepts; the name keeps ".ics".
    shown = await graph.press(citizen, "📲")
    document = next(m for m in shown if m.kind == "document").message["document"]
    filename, kind, content = graph.media[document["id"]]
    assert (filename, kind) == ("hearing-2-1234-2026.ics", "text/plain")
    assert content.startswith(b"BEGIN:VCALENDAR")
    return hearing_id


async def run_reminders(app: BotApp, settings: Settings, clock: ManualClock):
    core = app.core
    dispatcher = build_dispatcher(settings, core.sessions, core.conversation,
                                  {"whatsapp": app.whatsapp.delivery}, clock)
    return await dispatcher.run_due()


async def test_reminders_use_a_template_outside_the_24_hour_window(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, wa_settings: Settings, clock: ManualClock
) -> None:
    citizen = Citizen("KZ.700000000001", phone="77010000701")
    await onboard(graph, citizen, "ru")
    hearing_id = await add_hearing_on_whatsapp(graph, citizen)
    user = citizen.user_id
    before = len(graph.messages(user))

    clock.set(local(2026, 12, 3, 10, 0))  # 7 days before; the person last wrote 10 days ago
    report = await run_reminders(whatsapp_bot, wa_settings, clock)
    assert report.outcomes["sent"] == 1
    template_sent = graph.messages(user)[before]
    template = template_sent.message["template"]
    assert (template["name"], template["language"]["code"]) == ("hearing_reminder", "ru")
    values = [p["text"] for p in template["components"][0]["parameters"]]
    assert plain(values[0]) == "10 декабря 2026 г., 10:00"
    assert values[1].startswith("Межрайонный суд по гражданским делам"), values
    assert "зал 305" in values[1]
    assert values[2] == "2-1234/2026"
    buttons = [c["parameters"][0]["payload"] for c in template["components"][1:]]
    assert buttons == [f"rem:open/{hearing_id}", f"rem:stop/{hearing_id}"]

    # "Подробнее" on the template opens the hearing, and opens the window again.
    shown = await graph.send(citizen, {"type": "button", "button": {
        "payload": buttons[0], "text": "Подробнее"}})
    assert "2-1234/2026" in shown[-1].text

    clock.set(local(2026, 12, 9, 10, 0))  # a day before: 6 days since the person wrote
    graph.last_wrote[user] = local(2026, 12, 9, 9, 0)
    await graph.say(citizen, "меню")  # …but they write an hour before it
    before = len(graph.messages(user))
    report = await run_reminders(whatsapp_bot, wa_settings, clock)
    assert report.outcomes["sent"] == 1
    reminder = graph.messages(user)[before]
    assert reminder.kind == "list"  # within the window: the full reminder, with its buttons
    assert reminder.text.startswith("🔔 Напоминание: ваше судебное заседание.")
    assert reminder.titles[:2] == ["✅ Я приду", "🙁 Не смогу прийти"]
    async with whatsapp_bot.core.sessions() as session:
        rows = {r.kind: r for r in await session.scalars(select(Reminder))}
    assert rows["7d"].status == rows["1d"].status == "sent"
    assert (rows["7d"].message_id, rows["1d"].message_id) == (template_sent.id, reminder.id)


async def test_a_refused_template_is_recorded_for_staff_and_never_repeated(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, wa_settings: Settings, clock: ManualClock
) -> None:
    citizen = Citizen("KZ.700000000002")
    await onboard(graph, citizen, "kk")
    await add_hearing_on_whatsapp(graph, citizen, "kk")
    unapproved = wa_settings.model_copy(update={"whatsapp_template_reminder": "court_reminder"})
    whatsapp_bot.whatsapp.delivery.templates["hearing_reminder"] = "court_reminder"
    clock.set(local(2026, 12, 3, 10, 0))
    report = await run_reminders(whatsapp_bot, unapproved, clock)
    assert report.outcomes["failed"] == 1
    assert graph.rejected[-1] == (citizen.user_id, 132001)
    report = await run_reminders(whatsapp_bot, unapproved, clock)
    assert report.batches == 0  # not tried again
    async with whatsapp_bot.core.sessions() as session:
        follow_ups = list(await session.scalars(select(FollowUp)))
        reminder = await session.get(Reminder, follow_ups[0].reminder_id)
    assert [f.reason for f in follow_ups] == ["refused: template court_reminder kk: code 132001"]
    assert reminder.status == "failed" and reminder.kind == "7d"


async def test_reminders_back_off_rate_limits_and_go_exactly_once(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, wa_settings: Settings, clock: ManualClock
) -> None:
    citizen = Citizen("KZ.700000000003")
    await onboard(graph, citizen, "ru")
    await add_hearing_on_whatsapp(graph, citizen)
    clock.set(local(2026, 12, 3, 10, 0))
    graph.faults += [Fault(130429, count=2), Fault(131056), Fault(131000, status=500, count=2)]
    before = len(graph.messages(citizen.user_id))
    report = await run_reminders(whatsapp_bot, wa_settings, clock)
    assert report.outcomes["sent"] == 1
    assert [code for _, code in graph.rejected] == [130429, 130429, 131056, 131000, 131000]
    sent = graph.messages(citizen.user_id)[before:]
    assert [m.kind for m in sent] == ["template"]
    assert (await run_reminders(whatsapp_bot, wa_settings, clock)).batches == 0


async def test_a_failure_reported_later_by_webhook_goes_to_staff(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, wa_settings: Settings, clock: ManualClock
) -> None:
    citizen = Citizen("KZ.700000000004")
    await onboard(graph, citizen, "ru")
    await add_hearing_on_whatsapp(graph, citizen)
    clock.set(local(2026, 12, 3, 10, 0))
    await run_reminders(whatsapp_bot, wa_settings, clock)
    sent = graph.messages(citizen.user_id)[-1]
    assert await graph.report_failed(sent.id, citizen.user_id, 131026) == 200
    await asyncio.sleep(0.5)
    async with whatsapp_bot.core.sessions() as session:
        reminder = await session.scalar(select(Reminder).where(Reminder.message_id == sent.id))
        follow_ups = list(await session.scalars(select(FollowUp)))
    assert reminder.status == "failed" and reminder.last_error == "undelivered: code 131026"
    assert [f.reminder_id for f in follow_ups] == [reminder.id]


# --- who the person is -----------------------------------------------------------------------

async def test_a_person_known_by_phone_keeps_their_place_when_meta_sends_their_id(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, clock: ManualClock
) -> None:
    by_phone = Citizen(None, phone="77010000801")  # an older payload: only wa_id
    await graph.say(by_phone, "Сәлем")
    await graph.press(by_phone, "Қазақша")
    await graph.press(by_phone, S.AGREE["kk"])
    shown = await graph.press(by_phone, "🔒")  # My data says the number is kept
    assert "WhatsApp нөміріңізді сақтаймын" in shown[0].text
    async with whatsapp_bot.core.engine.connect() as connection:
        (stored_id,) = (await connection.execute(sql("SELECT channel_user_id FROM users"))).one()
        (kept,) = (await connection.execute(sql("SELECT address FROM addresses"))).one()
    # Stored under a keyed hash of the number; the number itself only encrypted, to send to.
    assert stored_id.startswith("n:") and "77010000801" not in stored_id
    assert kept.startswith("sealed:")
    same = Citizen("KZ.800000000001", phone="77010000801")  # now with the business id
    shown = await graph.say(same, "/menu")
    assert shown[0].text == S.MENU["kk"]  # not asked for language and consent again
    shown = await graph.press(same, "🔒")
    assert "Атыңызды және телефон нөміріңізді сақтамаймын" in shown[0].text
    async with whatsapp_bot.core.sessions() as session:
        ids = list(await session.scalars(select(User.channel_user_id)))
    assert ids == ["KZ.800000000001"]
    async with whatsapp_bot.core.engine.connect() as connection:
        numbers = (await connection.execute(sql("SELECT count(*) FROM addresses"))).scalar()
    assert numbers == 0  # the number is no longer kept


async def test_whatsapp_settings_come_all_four_or_none(make_settings: SettingsFactory) -> None:
    from bot.config import ConfigError, load_settings
    with pytest.raises(ConfigError) as error:
        load_settings(_env_file=None, whatsapp_token="t", whatsapp_phone_number_id="1")
    assert "WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN" in str(error.value)
    settings = make_settings()
    assert not settings.whatsapp_enabled and settings.serves_local_chat
    settings = make_settings(whatsapp_token="t", whatsapp_phone_number_id="1",
                             whatsapp_app_secret="s", whatsapp_verify_token="v")
    assert settings.whatsapp_enabled and not settings.serves_local_chat


# --- every screen fits ------------------------------------------------------------------------

async def test_every_reachable_screen_fits_whatsapp_in_both_languages(core) -> None:
    """The content check's walk presses every button on every screen in both languages; each
    screen it reaches, drawn for WhatsApp (every page, and as numbered lines), is checked
    against the limits the fake Graph API enforces as Meta does."""
    from bot.channels.whatsapp.drawing import PAGE_VERB, WhatsAppPresenter
    from bot.services.content_check import walk
    from tests.fakes.whatsapp import limits_problem

    presenter = WhatsAppPresenter()
    result = await walk(core)
    assert len(result.screens) > 300
    paged = 0
    for (who, language, ref), screen in result.screens.items():
        drawings = [presenter.draw(screen), presenter.draw(screen, numbered=True)]
        pages = {o["id"] for m in drawings[0].messages if m["type"] == "interactive"
                 for o in _rows(m) if o["id"].startswith(PAGE_VERB)}
        paged += bool(pages)
        drawings += [presenter.draw(screen, page=int(p.split(":")[1])) for p in pages]
        for drawing in drawings:
            for message in drawing.messages:
                problem = limits_problem(message)
                assert problem is None, (who, language, ref, problem)
    assert paged  # the calendar and the times were paged


def _rows(message: dict) -> list[dict]:
    action = message["interactive"]["action"]
    if "buttons" in action:
        return [button["reply"] for button in action["buttons"]]
    return [row for section in action["sections"] for row in section["rows"]]


async def test_run_serves_whatsapp_alongside_telegram(bot_api, tmp_path) -> None:
    """`python -m bot run` (what `make run` starts) with both messengers configured."""
    from tests.fakes.telegram import Citizen as TelegramCitizen
    from tests.test_run_command import start_bot, stop_bot

    graph = FakeGraphAPI()
    await graph.start()
    settings = graph.settings()
    process = await start_bot({
        **{name.upper(): str(value) for name, value in settings.items()},
        "TELEGRAM_BOT_TOKEN": bot_api.token, "TELEGRAM_API_BASE": bot_api.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}", "HTTP_PORT": "0",
    }, tmp_path)
    try:
        lines = [(await asyncio.wait_for(process.stdout.readline(), 30)).decode()
                 for _ in range(2)]
        assert lines[0].startswith("Telegram bot running (polling)")
        assert lines[1].startswith("WhatsApp webhook at http://")
        graph.bot_url = lines[1].split()[3].removesuffix("/whatsapp/webhook")
        shown = await graph.say(Citizen("KZ.900000000001"), "/start")
        assert shown[0].text == S.LANGUAGE_PROMPT_RU_FIRST
        shown = await TelegramCitizen(bot_api, 3001).say("/start")
        assert shown.text == S.LANGUAGE_PROMPT_RU_FIRST
    finally:
        code, log = await stop_bot(process)
        await graph.stop()
    assert code == 0, log
    assert "Traceback" not in log


# --- an operator answers on WhatsApp -----------------------------------------------------------


async def test_an_operator_answers_a_whatsapp_citizen_within_the_24_hour_window(
    graph: FakeGraphAPI, whatsapp_bot: BotApp, clock: ManualClock
) -> None:
    """The console's reply goes out on the citizen's own channel; once their 24 hours have
    passed WhatsApp refuses a free-form reply, and the console says so beside the message."""
    citizen = Citizen("KZ.200000000090")
    await onboard(graph, citizen, "ru")
    await graph.press(citizen, "👤")
    await graph.press(citizen, "💬")
    shown = await graph.press(citizen, "✅")
    assert "Ваш номер в очереди: 1." in shown[-1].text
    await add_staff(whatsapp_bot)
    staff = StaffClient(whatsapp_bot)
    try:
        assert await staff.sign_in() == 200
        await staff.post("/staff/handoffs/1/take")
        await staff.post("/staff/handoffs/1/reply", text="Здравствуйте! Чем помочь?")
        reply = graph.messages(citizen.user_id)[-1]
        assert "Здравствуйте! Чем помочь?" in reply.text
        assert reply.titles[0] == "❌ Завершить чат"
        clock.advance(hours=25)
        assert (await staff.get("/staff/")).status == 302  # the 8-hour session has ended too
        assert await staff.sign_in() == 200
        sent_before = len(graph.messages(citizen.user_id))
        answer = await staff.post("/staff/handoffs/1/reply", text="Вы ещё здесь?")
        assert answer.status == 303
        assert len(graph.messages(citizen.user_id)) == sent_before
        thread = await (await staff.get("/staff/handoffs/1/thread")).text()
        assert "Не доставлено: refused: outside the 24-hour window" in thread
    finally:
        await staff.close()
