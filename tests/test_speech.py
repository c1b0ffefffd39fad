"""Screens read aloud: the spoken forms in both languages, real voices from espeak-ng and the
Opus encoder (checked with ffprobe), the cache, and 🔊 on Telegram, WhatsApp and the local chat.

The voice tests need Debian's espeak-ng, opusenc (opus-tools) or ffmpeg, and ffprobe; they are
skipped without them, and fail instead when REQUIRE_SPEECH=1 (CI)."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession, CookieJar
from sqlalchemy import select

from bot.app import BotApp, Core
from bot.config import Settings
from bot.services.clock import ManualClock
from bot.services.conversation import Event, EventKind, Screen
from bot.services.conversation.screens import LISTEN, Choice
from bot.services.speech import Speech
from bot.services.speech.cache import VoiceCache
from bot.services.speech.spoken import spoken
from bot.services.speech.synth import Synthesiser, Tools
from bot.storage.models import User
from tests import screens as S
from tests.conftest import SettingsFactory
from tests.fakes.telegram import FakeBotAPI, agreed_citizen
from tests.fakes.whatsapp import Citizen as WhatsAppCitizen
from tests.fakes.whatsapp import FakeGraphAPI
from tests.hearing_helpers import START
from tests.speech import needs_speech, probe
from tests.test_local_chat import WebCitizen

# --- spoken forms ------------------------------------------------------------------------------

RUSSIAN = [
    ("Госпошлина 10 000 ₸.", "Госпошлина десять тысяч тенге."),
    ("500\u00a0000 ₸", "пятьсот тысяч тенге"),  # Babel groups with a no-break space
    ("1,5 млн ₸", "одна целая пять десятых миллиона тенге"),
    ("1 %", "один процент"),
    ("2 % от суммы", "два процента от суммы"),
    ("5 %", "пять процентов"),
    ("2,5 %", "две целых пять десятых процента"),
    ("не более 10 000 МРП", "не более десяти тысяч месячных расчётных показателей"),
    ("в течение 15 рабочих дней", "в течение пятнадцати рабочих дней"),
    ("до 5 %", "до пяти процентов"),
    ("Проверено 1 декабря 2026 г.\nГПК РК", "Проверено первое декабря две тысячи двадцать "
                                           "шестого года. Гражданский процессуальный кодекс "
                                           "Республики Казахстан"),
    ("1 МРП", "один месячный расчётный показатель"),
    ("3 МРП", "три месячных расчётных показателя"),
    ("10 декабря 2026 г., 10:00", "десятое декабря две тысячи двадцать шестого года, "
                                  "десять часов"),
    ("до 10 декабря", "до десятого декабря"),
    ("в 2026 г.", "в две тысячи двадцать шестом году"),
    ("проверено 22.11.2026", "проверено двадцать второе ноября две тысячи двадцать шестого года"),
    ("от 28.01.2011 № 401-IV", "от двадцать восьмого января две тысячи одиннадцатого года "
                               "номер четыреста один тире четыре"),
    ("09:30", "девять часов тридцать минут"),
    ("21:01", "двадцать один час одна минута"),
    ("22:00–08:00", "двадцать два часа — восемь часов"),
    ("ст. 148 ГПК", "статья сто сорок восемь Гражданского процессуального кодекса"),
    ("ГПК РК, ст. 403", "Гражданский процессуальный кодекс Республики Казахстан, "
                        "статья четыреста три"),
    ("ст. 148–149", "статьи сто сорок восемь — сто сорок девять"),
    ("ст. 133-3", "статья сто тридцать три тире три"),
    ("ч. 1 ст. 30", "часть один статья тридцать"),
    ("2 недели", "две недели"),
    ("1-го числа", "первого числа"),
    ("Дело № 7194-26-00-2/1501", "Дело номер семь один девять четыре, тире, два шесть, тире, "
                                 "ноль ноль, тире, два, дробь, один пять ноль один"),
    ("ЭЦП и ЗАГС", "э цэ пэ и загс"),
]

KAZAKH = [
    ("Баж 10 000 ₸.", "Баж он мың теңге."),
    ("1 %", "бір пайыз"),
    ("2,5 %", "екі бүтін оннан бес пайыз"),
    ("10 АЕК", "он айлық есептік көрсеткіш"),
    ("2026 ж. 10 желтоқсан, 10:00", "екі мың жиырма алтыншы жылғы он желтоқсан, сағат он"),
    ("28.01.2011", "екі мың он бірінші жылғы жиырма сегіз қаңтар"),
    ("09:30", "сағат тоғыз отыз минут"),
    ("ҚР АПК, 148-бап", "Қазақстан Республикасының Азаматтық процестік кодексі, "
                        "жүз қырық сегізінші бап"),
    ("91–92-баптар", "тоқсан бірінші — тоқсан екінші баптар"),
    ("1-тармағы", "бірінші тармағы"),
    ("40-бап", "қырқыншы бап"),
    ("Іс № 2-1234/2026", "Іс нөмір екі, сызықша, бір екі үш төрт, қиғаш сызық, екі нөл екі алты"),
    ("ЭЦҚ-ны алу", "э це қаны алу"),
]


@pytest.mark.parametrize(("written", "said"), RUSSIAN)
def test_russian_spoken_forms(written: str, said: str) -> None:
    assert spoken(written, "ru").removesuffix(".") == said.removesuffix(".")


@pytest.mark.parametrize(("written", "said"), KAZAKH)
def test_kazakh_spoken_forms(written: str, said: str) -> None:
    assert spoken(written, "kk").removesuffix(".") == said.removesuffix(".")


def test_emoji_arrows_and_markup_are_dropped_and_lines_become_sentences() -> None:
    said = spoken("⚖️ <b>Моя</b> *правовая* проблема ➡\n• 👤 Помощь человека → здесь\n"
                  "Подробнее: https://egov.kz/cms/ru", "ru")
    assert said == "Моя правовая проблема. Помощь человека здесь. Подробнее: ссылка в сообщении."


# --- what the engine is given ------------------------------------------------------------------

class Recording(Synthesiser):
    """The real synthesiser, noting each text it is given."""

    def __init__(self, tools: Tools) -> None:
        super().__init__(tools)
        self.texts: list[tuple[str, str]] = []

    async def ogg_opus(self, text: str, language: str) -> bytes:
        self.texts.append((language, text))
        return await super().ogg_opus(text, language)


def clean(text: str) -> list[str]:
    """What must never reach the engine: pictographs, arrows, markup, digits."""
    found = [char for char in text if unicodedata.category(char) in ("So", "Sm", "Sk")
             or char in "<>*_`#" or char.isdigit()]
    return found


async def test_no_emoji_markup_or_digits_reach_the_engine_on_real_screens(
    core: Core, tmp_path
) -> None:
    """Menus, a Solution Explorer question, a plan page with its sources, a guide step and
    the call-centre screen, in both languages, as the engine is given them."""
    tools = needs_speech()
    recording = Recording(tools)
    core.conversation.services.speech = Speech(recording, VoiceCache(tmp_path, 10**8))
    presses = ["go:menu", "go:explorer", "go:path:family.alimony", "go:guides",
               "go:guide:guide.eds", "go:human", "go:mydata"]
    for language in ("ru", "kk"):
        user = f"clean-{language}"
        for event in (Event("web", user, EventKind.command, command="start"),
                      Event("web", user, EventKind.choice, choice=f"lang:{language}"),
                      Event("web", user, EventKind.choice, choice="consent:yes")):
            await core.conversation.handle(event)
        for press in presses:
            await core.conversation.handle(Event("web", user, EventKind.choice, choice=press))
            screens = await core.conversation.handle(
                Event("web", user, EventKind.choice, choice=LISTEN))
            assert screens[-1].voice is not None, screens[-1].notice
    assert len(recording.texts) >= 2 * len(presses) - 2
    for language, text in recording.texts:
        assert clean(text) == [], (language, text)
        assert "Кнопка один" in text or "бірінші батырма" in text


# --- real voices -------------------------------------------------------------------------------

MENU_RU = Screen("menu", "ru", S.MENU["ru"],
                 tuple(Choice(f"x{n}", label) for n, label in enumerate(S.MENU_BUTTONS["ru"])))
GUIDE_KK = Screen("guide", "kk", "ЭЦҚ алу үшін ХҚКО-ға барыңыз. Баж 2026 ж. 10 желтоқсан "
                  "дейін 1 АЕК, яғни 4 325 ₸. 📖 ҚР АПК, 148-бап.",
                  (Choice("next", "▶ Келесі"), Choice("back", "◀ Артқа")))


@pytest.mark.parametrize("screen", [MENU_RU, GUIDE_KK], ids=["ru", "kk"])
async def test_a_screen_becomes_an_ogg_opus_voice_of_plausible_length(
    screen: Screen, tmp_path
) -> None:
    speech = Speech(Synthesiser(needs_speech(), words_per_minute=150))
    ogg = await speech.voice(screen)
    found = probe(ogg)
    assert (found["container"], found["codec"], found["channels"]) == ("ogg", "opus", 1)
    words = len(speech.script(screen).split())
    # 150 words a minute is 0.4 s a word; pauses at full stops add some.
    assert 0.25 * words < found["seconds"] < 0.8 * words, (words, found)


@pytest.mark.parametrize("encoder", ["opusenc", "ffmpeg"])
async def test_either_encoder_makes_ogg_opus(encoder: str) -> None:
    tools = needs_speech()
    if getattr(tools, encoder) is None:
        pytest.skip(f"{encoder} not installed")
    only = Tools(tools.espeak, tools.opusenc if encoder == "opusenc" else None,
                 tools.ffmpeg if encoder == "ffmpeg" else None)
    ogg = await Synthesiser(only).ogg_opus("Сәлем, бұл сынақ.", "kk")
    found = probe(ogg)
    assert (found["container"], found["codec"]) == ("ogg", "opus") and found["seconds"] > 0.5


# --- the cache ---------------------------------------------------------------------------------

def voices(folder) -> list[str]:
    return sorted(p.name for p in folder.glob("*.ogg")) if folder.exists() else []


async def test_the_same_screen_twice_makes_one_file(tmp_path) -> None:
    cache = VoiceCache(tmp_path / "voice", 10**8)
    speech = Speech(Synthesiser(needs_speech()), cache)
    first = await speech.voice(MENU_RU)
    second = await speech.voice(MENU_RU)
    assert first == second and cache.made == 1
    assert len(voices(tmp_path / "voice")) == 1


async def test_two_requests_at_once_make_one_file(tmp_path) -> None:
    recording = Recording(needs_speech())
    cache = VoiceCache(tmp_path / "voice", 10**8)
    speech = Speech(recording, cache)
    made = await asyncio.gather(*(speech.voice(GUIDE_KK) for _ in range(5)))
    assert len(set(made)) == 1
    assert len(recording.texts) == 1 and cache.made == 1
    assert len(voices(tmp_path / "voice")) == 1


async def test_the_cache_stays_under_its_limit_and_keeps_the_latest(tmp_path) -> None:
    speech = Speech(Synthesiser(needs_speech()), VoiceCache(tmp_path / "voice", 0))
    one = len(await speech.voice(MENU_RU))
    cache = VoiceCache(tmp_path / "voice", int(2.5 * one))
    speech = Speech(Synthesiser(needs_speech()), cache)
    for number in range(6):
        await speech.voice(Screen("s", "ru", S.MENU["ru"] + f" Шаг {number}.",
                                  MENU_RU.choices))
        assert cache.size()[1] <= cache.limit_bytes
    files, _size = cache.size()
    assert 1 <= files <= 3
    latest = Screen("s", "ru", S.MENU["ru"] + " Шаг 5.", MENU_RU.choices)
    await speech.voice(latest)
    assert cache.made == 6  # the latest was still there


async def test_a_screen_with_a_typed_name_is_not_stored(core: Core, tmp_path) -> None:
    """A draft's field shows the name the person typed: its voice is made, never kept."""
    tools = needs_speech()
    folder = tmp_path / "voice"
    core.conversation.services.speech = Speech(Synthesiser(tools), VoiceCache(folder, 10**8))
    conversation, user = core.conversation, "typed-name"
    for event in (Event("web", user, EventKind.command, command="start"),
                  Event("web", user, EventKind.choice, choice="lang:ru"),
                  Event("web", user, EventKind.choice, choice="consent:yes")):
        await conversation.handle(event)
    visit = await core.conversation.services.store.load("web", user)
    visit.place.data["draft_fields"] = {"name": "Жанна Серикова"}
    visit.place.screen = "menu"
    await core.conversation.services.store.save(visit, 2)
    # Any screen that shows a typed value is personal, whatever screen it is.
    from bot.services.conversation.context import Context
    from bot.services.conversation.registry import View

    ctx = Context(Event("web", user, EventKind.choice, choice=LISTEN), visit,
                  conversation.services)
    assert conversation.registry.shows_personal(ctx, "menu", View("Истец: Жанна Серикова"))
    assert not conversation.registry.shows_personal(ctx, "menu", View(S.MENU["ru"]))
    screen = conversation._to_screen(ctx, "menu", View("Истец: Жанна Серикова."))
    voiced = await conversation.services.speech.voiced(screen)
    assert voiced.voice is not None and probe(voiced.voice.content)["codec"] == "opus"
    assert voices(folder) == []
    # A screen marked personal (a hearing, the case number in it) is not stored either…
    hearing = Screen("hearing", "ru", "📁 Дело № 2-1234/2026", personal=True)
    await conversation.services.speech.voiced(hearing)
    assert voices(folder) == []
    # …while the menu is.
    await conversation.handle(Event("web", user, EventKind.choice, choice=LISTEN))
    assert len(voices(folder)) == 1


# --- without the engine ------------------------------------------------------------------------

async def test_without_the_engine_the_button_answers_kindly_in_both_languages(
    make_settings: SettingsFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.services.speech"):
        speech = Speech.from_settings(make_settings(), Tools(None, None, None))
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.services.speech"]
    assert len(warnings) == 1 and "espeak-ng and opusenc or ffmpeg" in warnings[0]
    core = await Core.build(make_settings(), migrate=True)
    core.conversation.services.speech = speech
    try:
        for language, said in (("ru", "Извините, прослушать сейчас нельзя."),
                               ("kk", "Кешіріңіз, қазір тыңдау мүмкін емес.")):
            user = f"no-engine-{language}"
            for event in (Event("web", user, EventKind.command, command="start"),
                          Event("web", user, EventKind.choice, choice=f"lang:{language}"),
                          Event("web", user, EventKind.choice, choice="consent:yes"),
                          Event("web", user, EventKind.choice, choice=LISTEN)):
                screen = (await core.conversation.handle(event))[-1]
            assert screen.notice.startswith(said), screen.notice
            assert screen.text == S.MENU[language] and screen.voice is None
            assert [c.label for c in screen.all_choices] == S.MENU_BUTTONS[language]
    finally:
        await core.close()


# --- the channels ------------------------------------------------------------------------------

def with_buttons(citizen):
    """The latest message with buttons (a voice message below the screen has none)."""
    return next(m for m in reversed(citizen.api.messages(citizen.user_id)) if m.buttons)


async def press_and_hear(citizen, label: str) -> None:
    """Press a button whose answer is the screen (drawn in place) and then its voice."""
    api = citizen.api
    before = api.outputs(citizen.user_id)
    await citizen.press(label, on=with_buttons(citizen))
    await api.wait_outputs(citizen.user_id, before + 2, seconds=20)

async def test_telegram_gets_the_screen_as_send_voice(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    needs_speech()
    citizen = await agreed_citizen(bot_api, 3101, "kk")
    menu = citizen.screen
    assert menu.labels == S.MENU_BUTTONS["kk"]
    await press_and_hear(citizen, "🔊 Тыңдау")
    voice = bot_api.sent("sendVoice")
    assert len(voice) == 1 and int(voice[0]["chat_id"]) == 3101
    shown = citizen.screen
    assert shown.voice is not None and shown.voice["file_name"] == "voice.ogg"
    assert probe(shown.voice["content"])["codec"] == "opus"
    # The screen itself stays as it was, with its buttons, above the voice.
    assert bot_api.messages(3101)[-2].text == S.MENU["kk"]


async def test_read_every_screen_aloud_is_kept_with_the_profile(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    needs_speech()
    citizen = await agreed_citizen(bot_api, 3102, "ru")
    await citizen.press("🔒 Мои данные")
    await press_and_hear(citizen, "🔊 Читать каждый экран вслух")
    assert citizen.screen.voice is not None  # this very screen is read already
    assert "Готово: теперь я читаю вслух каждый экран." in bot_api.messages(3102)[-2].text
    async with telegram_bot.core.sessions() as session:
        assert await session.scalar(select(User.read_aloud).where(
            User.channel_user_id == "3102"))
    before = len(bot_api.sent("sendVoice"))
    await press_and_hear(citizen, "🏠 Меню")
    assert len(bot_api.sent("sendVoice")) == before + 1
    await press_and_hear(citizen, "🔒 Мои данные")
    await citizen.press("🔇 Не читать экраны вслух", on=with_buttons(citizen))
    count = len(bot_api.sent("sendVoice"))
    await citizen.press("🏠 Меню", on=with_buttons(citizen))
    assert len(bot_api.sent("sendVoice")) == count
    async with telegram_bot.core.sessions() as session:
        assert not await session.scalar(select(User.read_aloud).where(
            User.channel_user_id == "3102"))


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraphAPI]:
    clock = ManualClock(START)
    api = FakeGraphAPI(now=clock.now)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def whatsapp_bot(graph: FakeGraphAPI, make_settings: SettingsFactory
                       ) -> AsyncIterator[BotApp]:
    settings: Settings = make_settings(**graph.settings(
        whatsapp_backoff_seconds=0.05, whatsapp_chat_interval_seconds=0,
        reminders_enabled=False))
    app = BotApp(settings, clock=ManualClock(START))
    await app.start()
    graph.bot_url = app.http_url
    yield app
    await app.stop()


async def test_whatsapp_gets_the_screen_as_an_audio_message(
    graph: FakeGraphAPI, whatsapp_bot: BotApp
) -> None:
    needs_speech()
    citizen = WhatsAppCitizen("KZ.3103000000001")
    await graph.say(citizen, "Сәлем")
    await graph.press(citizen, "Русский")
    menu = (await graph.press(citizen, S.AGREE["ru"]))[-1]
    assert menu.titles[-1] == "🔊 Слушать"
    shown = await graph.press(citizen, "🔊 Слушать", menu)
    assert [m.kind for m in shown] == ["list", "audio"]
    filename, kind, content = graph.media[shown[-1].message["audio"]["id"]]
    assert (filename, kind) == ("voice.ogg", "audio/ogg")
    assert probe(content)["codec"] == "opus"


async def test_the_local_chat_plays_the_voice_and_numbers_buttons_as_it_is_read(
    local_chat: BotApp
) -> None:
    needs_speech()
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        citizen = WebCitizen(http, local_chat.http_url)
        await citizen.open()
        await citizen.send("text", "/start")
        await citizen.press("Русский")
        await citizen.press(S.AGREE["ru"])
        await citizen.press("💻 Онлайн-услуги суда")
        numbers = [b["number"] for b in citizen.screen["choices"] + citizen.screen["nav"]]
        assert numbers == list(range(1, len(numbers) + 1))
        await citizen.press("🔊 Слушать")
        assert citizen.screen["voice"], citizen.screen
        async with http.get(f"{local_chat.http_url}/{citizen.screen['voice']}") as answer:
            assert answer.status == 200 and answer.content_type == "audio/ogg"
            assert probe(await answer.read())["codec"] == "opus"
        page = await (await http.get(f"{local_chat.http_url}/")).text()
        assert "<audio" in page or "createElement(\"audio\")" in page
    # The spoken numbers are the buttons' numbers.
    said = re.findall(r"Кнопка (\w+):", local_chat.core.conversation.services.speech.script(
        Screen("guides", "ru", S.GUIDES["ru"],
               tuple(Choice(f"x{n}", f"Пункт {n}") for n in range(3)))))
    assert said == ["один", "два", "три"]
