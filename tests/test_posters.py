"""Printed posters and enrolment slips: the PDF is rendered to an image and its QR codes read
back with zbar, as a phone's camera would, and must hold exactly the expected deep links;
the Kazakh letters survive (text extracted with poppler, the font embedded); the console's
Posters page needs a sign-in; and a poster's WhatsApp text, sent as it is, opens its topic.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.services.clock import ManualClock
from bot.services.content import load_content
from bot.services.deep_links import DeepLinks, start_argument, whatsapp_text
from bot.services.posters import (
    CallCentre,
    Poster,
    bot_poster,
    enrolment_links,
    poster_problems,
    poster_topics,
    render_poster,
    render_slip,
    topic_poster,
)
from bot.storage.models import StaffAudit
from tests import screens as S
from tests.browser import chromium, needs_browser
from tests.fakes import whatsapp as wa
from tests.fakes.telegram import Citizen, FakeBotAPI
from tests.hearing_helpers import START
from tests.qr_tools import fonts_of, needs_qr_tools, qr_codes_in, text_of
from tests.staff_helpers import StaffClient, add_staff
from tests.test_staff_browser import sign_in, snapshot

CONTENT = load_content(Path(__file__).resolve().parents[1] / "bot" / "content")
LINKS = DeepLinks("sud_help_bot", "77010000000")
PHONE = CallCentre("1401", "пн–пт 09:00–18:00")
KAZAKH_LETTERS = "әғқңөұүһі"


def whatsapp(text: str) -> str:
    return f"https://wa.me/77010000000?text={quote(text, safe='')}"


# --- the links --------------------------------------------------------------------------------

def test_a_whatsapp_text_carries_its_topic_back_to_the_bot() -> None:
    assert whatsapp_text("Алимент / Алименты", "family-alimony") == \
        "Алимент / Алименты #family-alimony"
    for argument in ("family-alimony", "guide-online_hearing", "consumer", "enrol-K7QP3MZD"):
        assert start_argument(whatsapp_text("Слова / Сөздер", argument)) == argument
    assert start_argument(whatsapp_text("Сәлеметсіз бе / Здравствуйте", "")) == ""  # the bot
    assert start_argument("  #family-divorce \n") == "family-divorce"  # words deleted
    for ordinary in ("Муж не платит алименты", "дело №2-1234/2026", "#", "a#b", "# тег",
                     "мой #тег и ещё слова", "/start family-alimony"):
        assert start_argument(ordinary) is None, ordinary


def test_links_are_built_only_for_the_channels_that_are_known() -> None:
    assert DeepLinks().both("Алимент", "family-alimony") == {}
    assert DeepLinks("bot_a").both("x", "family-alimony") == {
        "Telegram": "https://t.me/bot_a?start=family-alimony"}
    assert DeepLinks(None, "+7 701 000-00-00").both("", "housing") == {
        "WhatsApp": "https://wa.me/77010000000?text=%23housing"}  # wa.me takes digits only
    assert DeepLinks("bot_a").telegram() == "https://t.me/bot_a"


def test_every_pathway_and_guide_has_a_poster_line_in_both_languages() -> None:
    topics = poster_topics(CONTENT)
    assert {topic.kind for topic in topics} == {"pathway", "guide"}
    assert len(topics) == len(CONTENT.pathways) + len(CONTENT.guides) == 26
    assert poster_problems(CONTENT) == []
    for topic in topics:
        assert topic.helps.kk != topic.helps.ru, topic.id
        assert len(topic.helps.kk) <= 110 and len(topic.helps.ru) <= 110, topic.id
    bare = topics[0].model_copy(update={"helps": None})
    assert poster_problems(CONTENT.model_copy(update={"topics": (bare,)})) == [
        f"topic {bare.id}: no `helps` line for its poster"]
    assert topic_poster(bare, LINKS).helps == {"kk": bare.title.kk, "ru": bare.title.ru}


# --- the printed page, read back ----------------------------------------------------------

@needs_qr_tools
def test_a_pathway_poster_holds_its_telegram_and_whatsapp_links() -> None:
    started = time.perf_counter()
    pdf = render_poster(topic_poster(CONTENT.topic("family.alimony"), LINKS), PHONE)
    made = time.perf_counter() - started
    assert pdf.startswith(b"%PDF")
    assert qr_codes_in(pdf) == sorted([
        "https://t.me/sud_help_bot?start=family-alimony",
        whatsapp("Алимент / Алименты #family-alimony")])
    text = text_of(pdf)
    assert "Бала алиментін қалай сұрау керегін" in text  # the Kazakh line, letters intact
    assert "Подскажет, как получить алименты на ребёнка" in text
    assert "1401" in text and "Телефон камерасын кодқа бағыттаңыз." in text
    print(f"poster made in {made * 1000:.0f} ms, {len(pdf) // 1024} KB")


@needs_qr_tools
def test_a_guide_poster_opens_the_guide() -> None:
    pdf = render_poster(topic_poster(CONTENT.topic("guide.online_hearing"), LINKS), PHONE)
    assert qr_codes_in(pdf) == sorted([
        "https://t.me/sud_help_bot?start=guide-online_hearing",
        whatsapp("Онлайн сот отырысы / Заседание по видеосвязи #guide-online_hearing")])
    assert "Сот отырысына бейнебайланыс арқылы қатысу" in text_of(pdf)


@needs_qr_tools
def test_the_bots_own_poster_opens_the_bot() -> None:
    telegram_only = render_poster(bot_poster(DeepLinks("sud_help_bot")), CallCentre())
    assert qr_codes_in(telegram_only) == ["https://t.me/sud_help_bot"]
    text = text_of(telegram_only)
    assert "Әділет көмекшісі" in text and "Помощник по судебным делам" in text
    assert "☎" not in text  # no number configured: none printed
    both = render_poster(bot_poster(LINKS), PHONE)
    assert qr_codes_in(both) == sorted(["https://t.me/sud_help_bot",
                                        whatsapp("Сәлеметсіз бе / Здравствуйте #start")])


@needs_qr_tools
def test_every_topics_poster_can_be_read_even_with_a_long_name() -> None:
    for topic in poster_topics(CONTENT):
        poster = topic_poster(topic, LINKS)
        assert qr_codes_in(render_poster(poster, PHONE)) == sorted(poster.links.values()), \
            topic.id


@needs_qr_tools
def test_an_enrolment_slip_holds_the_code_and_its_link() -> None:
    pdf = render_slip("K7QP3MZD", enrolment_links(LINKS, "K7QP3MZD"), date(2026, 12, 16), PHONE)
    assert qr_codes_in(pdf) == sorted(["https://t.me/sud_help_bot?start=enrol-K7QP3MZD",
                                       whatsapp("K7QP-3MZD #enrol-K7QP3MZD")])
    text = text_of(pdf)
    assert "K7QP-3MZD" in text.replace(" ", "")  # the letters are spaced out for reading
    assert "Бір рет қана жарайды. Соңғы күні: 16.12.2026." in text
    assert "Действует до 16.12.2026, один раз." in text


@needs_qr_tools
def test_kazakh_letters_are_printed_with_an_embedded_font() -> None:
    line = "Әділет бәрі, ғимараты, қаңтар, өтініш, ұлт, үкім, Һ һ, іс: ӘҒҚҢӨҰҮІ"
    pdf = render_poster(Poster("test", {"kk": line, "ru": "Русский"},
                               {"kk": line, "ru": "Строка"}, {"Telegram": "https://t.me/x"}),
                        CallCentre())
    text = text_of(pdf)
    assert text.count(line) == 2  # the title and the line, letter for letter
    assert all(letter in text for letter in KAZAKH_LETTERS)
    fonts = fonts_of(pdf)
    assert fonts and all(embedded for _name, embedded in fonts)
    assert all("DejaVuSans" in name for name, _embedded in fonts)


# --- the console ------------------------------------------------------------------------------

@pytest.fixture
async def console_bot(bot_api: FakeBotAPI, make_settings) -> AsyncIterator[BotApp]:
    """The bot on the fake Bot API with no TELEGRAM_BOT_USERNAME: the console learns the
    username from getMe ("adilet_test_bot")."""
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, reminders_enabled=False,
                               whatsapp_public_number="77010000000",
                               call_centre_phone="1401"))
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


async def audit_rows(app: BotApp) -> list[tuple[str, str | None]]:
    async with app.core.sessions() as session:
        return [(row.action, row.target) for row in
                (await session.scalars(select(StaffAudit).order_by(StaffAudit.id))).all()]


async def test_posters_and_slips_need_a_signed_in_operator(console_bot: BotApp) -> None:
    client = StaffClient(console_bot)
    try:
        for path in ("/staff/posters", "/staff/posters/bot.pdf",
                     "/staff/posters/family.alimony.pdf"):
            answer = await client.get(path)
            assert answer.status == 302 and answer.headers["Location"] == "/staff/login", path
        slip = await client.post("/staff/enrol/slip", with_csrf=False, code="K7QP3MZD")
        assert slip.status == 401
    finally:
        await client.close()


@needs_qr_tools
async def test_an_operator_downloads_a_poster_with_the_username_from_get_me(
    console_bot: BotApp, staff: StaffClient
) -> None:
    page = await staff.get("/staff/posters")
    html = await page.text()
    assert page.status == 200
    listed = re.findall(r'href="/staff/posters/([a-z_.]+)\.pdf"', html)
    assert listed == ["bot", *(topic.id for topic in poster_topics(console_bot.core.content))]
    assert "https://t.me/adilet_test_bot" in html  # from getMe
    assert "CALL_CENTRE_PHONE" not in html  # it is set

    answer = await staff.get("/staff/posters/family.alimony.pdf")
    assert answer.status == 200 and answer.content_type == "application/pdf"
    assert 'filename="poster-family.alimony.pdf"' in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert qr_codes_in(await answer.read()) == sorted([
        "https://t.me/adilet_test_bot?start=family-alimony",
        whatsapp("Алимент / Алименты #family-alimony")])
    assert ("poster", "family.alimony") in await audit_rows(console_bot)
    for unknown in ("service.hearings", "nothing.here"):  # services have no poster
        assert (await staff.get(f"/staff/posters/{unknown}.pdf")).status == 404


@needs_qr_tools
async def test_the_telegram_code_on_a_guide_poster_opens_the_guide(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    answer = await staff.get("/staff/posters/guide.eds.pdf")
    (link,) = [code for code in qr_codes_in(await answer.read()) if "t.me" in code]
    argument = parse_qs(urlsplit(link).query)["start"][0]
    assert argument == "guide-eds"
    citizen = Citizen(bot_api, 612, "ru")
    await citizen.say(f"/start {argument}")  # what Telegram sends when the link is opened
    await citizen.press("Русский")
    shown = await citizen.press(S.AGREE["ru"])
    assert shown.text.startswith(f"{S.THANKS['ru']}\n\n📘 Получить ЭЦП\n\n"), shown.text


async def test_without_a_messenger_the_page_says_so_plainly(make_settings) -> None:
    app = BotApp(make_settings())  # no Telegram, no WhatsApp: the local chat
    await app.start()
    client = StaffClient(app)
    try:
        await add_staff(app)
        assert await client.sign_in() == 200
        html = await (await client.get("/staff/posters")).text()
        assert "Telegram здесь не настроен" in html
        assert "Ни один мессенджер не настроен" in html
        assert "CALL_CENTRE_PHONE не задан" in html
        assert "/staff/posters/bot.pdf" not in html
        assert (await client.get("/staff/posters/bot.pdf")).status == 409
    finally:
        await client.close()
        await app.stop()


@needs_qr_tools
async def test_an_enrolment_slip_is_printed_for_a_live_code_only(
    console_bot: BotApp, staff: StaffClient, bot_api: FakeBotAPI
) -> None:
    day = (START + timedelta(days=40)).date().isoformat()
    page = await staff.post("/staff/enrol", case_number="2-77/2027", date=day, time="10:30",
                            court_id="astana-civil", citizen_language="kk")
    html = await page.text()
    code = re.search(r'id="enrol-code">([A-Z0-9-]+)<', html).group(1)
    bare = code.replace("-", "")
    assert 'action="/staff/enrol/slip"' in html

    assert (await staff.post("/staff/enrol/slip", with_csrf=False, code=code)).status == 403
    slip = await staff.post("/staff/enrol/slip", code=code)
    assert slip.status == 200 and slip.content_type == "application/pdf"
    pdf = await slip.read()
    assert qr_codes_in(pdf) == sorted([f"https://t.me/adilet_test_bot?start=enrol-{bare}",
                                       whatsapp(f"{code} #enrol-{bare}")])
    assert code in text_of(pdf).replace(" ", "")
    rows = await audit_rows(console_bot)
    assert rows[-1][0] == "enrol_slip" and rows[-1][1].startswith("enrolment ")
    assert all(bare not in (target or "") for _action, target in rows)  # the code is not kept

    # The QR's link, opened: the person agrees and the hearing is theirs; then the code is
    # used, and no slip is printed for it any more.
    citizen = Citizen(bot_api, 611, "kk")
    await citizen.say(f"/start enrol-{bare}")
    await citizen.press("Қазақша")
    await citizen.press_data("consent:yes")
    await citizen.press_data(f"enrolok:{bare}")
    assert (await staff.post("/staff/enrol/slip", code=code)).status == 404
    assert (await staff.post("/staff/enrol/slip", code="AAAA-BBBB")).status == 404


# --- WhatsApp: the poster's prefilled text opens the topic ------------------------------------

@pytest.fixture
async def graph() -> AsyncIterator[wa.FakeGraphAPI]:
    api = wa.FakeGraphAPI(now=ManualClock(START).now)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def whatsapp_bot(graph: wa.FakeGraphAPI, make_settings) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings(**graph.settings(
        reminders_enabled=False, whatsapp_chat_interval_seconds=0,
        whatsapp_public_number="77010000000")), clock=ManualClock(START))
    await app.start()
    graph.bot_url = app.http_url
    yield app
    await app.stop()


async def whatsapp_text_on_poster(app: BotApp, topic_id: str) -> str:
    """Download the poster as an operator, read its codes, and return the text the WhatsApp
    code puts in the person's message box."""
    await add_staff(app, username=f"op{len(topic_id)}")
    client = StaffClient(app)
    try:
        assert await client.sign_in(username=f"op{len(topic_id)}") == 200
        answer = await client.get(f"/staff/posters/{topic_id}.pdf")
        assert answer.status == 200
        codes = qr_codes_in(await answer.read())
    finally:
        await client.close()
    assert not any("t.me" in code for code in codes)  # Telegram is not configured here
    (link,) = codes
    assert urlsplit(link).netloc == "wa.me" and urlsplit(link).path == "/77010000000"
    return parse_qs(urlsplit(link).query)["text"][0]


@needs_qr_tools
async def test_the_whatsapp_code_on_a_poster_opens_its_topic(
    graph: wa.FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    text = await whatsapp_text_on_poster(whatsapp_bot, "family.alimony")
    assert text == "Алимент / Алименты #family-alimony"
    newcomer = wa.Citizen("KZ.600000000001")
    shown = await graph.say(newcomer, text)  # sent as the code prefilled it
    assert shown[0].titles[:2] == ["Русский", "Қазақша"]  # language and consent come first
    await graph.press(newcomer, "Қазақша")
    shown = await graph.press(newcomer, S.AGREE["kk"])
    assert "Алимент" in shown[-1].text and "▶ Бастау" in shown[-1].titles

    text = await whatsapp_text_on_poster(whatsapp_bot, "guide.online_hearing")
    regular = wa.Citizen("KZ.600000000002")
    await graph.say(regular, "Сәлем")
    await graph.press(regular, "Русский")
    await graph.press(regular, S.AGREE["ru"])
    shown = await graph.say(regular, text)
    # Opened by its tag, not guessed from the words ("Похоже, ваш вопрос об этом: …").
    assert shown[-1].text.startswith("📘 Участвовать в заседании по видеосвязи")
    shown = await graph.say(regular, "#family-divorce")  # the words deleted: the tag is enough
    assert shown[-1].text.startswith("Развод (расторжение брака)"), shown[-1].text


# --- in a real browser ------------------------------------------------------------------------

async def downloaded(download) -> bytes:
    return await asyncio.to_thread(Path(await download.path()).read_bytes)


@needs_browser
@needs_qr_tools
async def test_an_operator_finds_a_poster_and_a_slip_in_the_browser(
    console_bot: BotApp, tmp_path: Path
) -> None:
    await add_staff(console_bot)
    day = (START + timedelta(days=30)).date()
    async with chromium() as browser:
        page = await browser.new_page(locale="ru-RU", viewport={"width": 1280, "height": 860},
                                      accept_downloads=True)
        await sign_in(page, console_bot)
        await page.get_by_role("link", name="Плакаты", exact=True).click()
        await page.get_by_role("heading", name="Плакаты с QR-кодом").wait_for()
        await page.get_by_role("heading", name="Пути решения").wait_for()
        assert await page.locator("a.poster-link").count() == 27  # the bot, 15 + 11 topics
        await snapshot(page, tmp_path, "staff-posters")
        async with page.expect_download() as started:
            await page.get_by_role("link", name="Алименты", exact=True).click()
        download = await started.value
        assert download.suggested_filename == "poster-family.alimony.pdf"
        poster = await downloaded(download)
        assert "https://t.me/adilet_test_bot?start=family-alimony" in qr_codes_in(poster)

        await page.get_by_role("link", name="Записать гражданина").click()
        await page.get_by_label("Номер дела").fill("2-556/2026")
        await page.get_by_label("Дата").fill(day.isoformat())
        await page.get_by_label("Время (время Казахстана)").fill("11:00")
        await page.locator("select[name=court_id]").select_option("astana-civil")
        await page.get_by_role("button", name="Создать код").click()
        code = (await page.locator("#enrol-code").inner_text()).replace("-", "")
        async with page.expect_download() as started:
            await page.get_by_role("button", name="🖨 Листок с кодом (PDF)").click()
        slip = await downloaded(await started.value)
        assert f"https://t.me/adilet_test_bot?start=enrol-{code}" in qr_codes_in(slip)
