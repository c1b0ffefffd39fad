"""The local chat draws the same screens as Telegram: over its HTTP API, in the terminal, and
in a real browser."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from aiohttp import ClientSession, CookieJar
from sqlalchemy import update

from bot.app import BotApp, Core
from bot.channels.localchat.terminal import chat
from bot.storage.models import Reminder
from tests import screens as S
from tests.browser import chromium, needs_browser


class WebCitizen:
    """A person using the local web chat page's API, cookie and all."""

    def __init__(self, http: ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.screen: dict = {}

    async def open(self) -> None:
        async with self.http.get(f"{self.base}/") as response:
            assert response.status == 200
            assert "chat/api/event" in await response.text()

    async def send(self, kind: str, value: str) -> dict:
        async with self.http.post(f"{self.base}/chat/api/event",
                                  json={"kind": kind, "value": value}) as response:
            assert response.status == 200
            self.screen = (await response.json())["screens"][-1]
        return self.screen

    async def press(self, label: str) -> dict:
        buttons = self.screen["choices"] + self.screen["nav"]
        matching = [b["id"] for b in buttons if b["label"] == label]
        assert matching, f"no button {label!r} in {[b['label'] for b in buttons]}"
        return await self.send("choice", matching[0])

    @property
    def labels(self) -> list[str]:
        return [b["label"] for b in self.screen["choices"] + self.screen["nav"]]

    @property
    def text(self) -> str:
        notice = self.screen["notice"]
        return f"{notice}\n\n{self.screen['text']}" if notice else self.screen["text"]


async def test_the_same_conversation_through_the_web_chat(local_chat: BotApp) -> None:
    async with ClientSession(headers={"Accept-Language": "kk-KZ,kk;q=0.9"},
                             cookie_jar=CookieJar(unsafe=True)) as http:  # cookies on 127.0.0.1
        citizen = WebCitizen(http, local_chat.http_url)
        await citizen.open()
        await citizen.send("text", "/start")
        assert citizen.text == S.LANGUAGE_PROMPT_KK_FIRST
        await citizen.press("Қазақша")
        assert citizen.text.startswith(S.CONSENT_START["kk"])
        await citizen.press(S.AGREE["kk"])
        assert citizen.text == f"{S.THANKS['kk']}\n\n{S.MENU['kk']}"
        assert citizen.labels == S.MENU_BUTTONS["kk"]
        await citizen.press("💻 Соттың онлайн қызметі")
        assert citizen.text == S.GUIDES["kk"]
        await citizen.press("◀ Артқа")
        assert citizen.text == S.MENU["kk"]
        await citizen.send("text", "/language")
        await citizen.press("Русский")
        assert citizen.text == S.MENU["ru"]
        assert citizen.labels == S.MENU_BUTTONS["ru"]
        await citizen.send("choice", "go:nowhere")
        assert citizen.text == f"{S.STALE['ru']}\n\n{S.MENU['ru']}"


async def test_the_web_chat_refuses_requests_without_its_cookie_or_with_junk(
    local_chat: BotApp,
) -> None:
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        async with http.post(f"{local_chat.http_url}/chat/api/event",
                             json={"kind": "text", "value": "hi"}) as response:
            assert response.status == 403
        await WebCitizen(http, local_chat.http_url).open()
        for body in ("not json", "[1, 2]", '{"kind": "teleport"}'):
            async with http.post(f"{local_chat.http_url}/chat/api/event", data=body,
                                 headers={"Content-Type": "application/json"}) as response:
                assert response.status == 400


async def test_health_endpoint(local_chat: BotApp) -> None:
    async with ClientSession() as http, http.get(f"{local_chat.http_url}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "ok"


async def test_the_terminal_chat(make_settings) -> None:
    core = await Core.build(make_settings())
    replies = iter(["1", "1", "3", "8"])  # Русский, agree, guides, Back (after 6 + "more")
    printed: list[str] = []

    def read(_prompt: str) -> str:
        try:
            return next(replies)
        except StopIteration:
            raise EOFError from None

    try:
        await chat(core.conversation, read=read, write=printed.append)
    finally:
        await core.close()
    screens = printed[1:-1]  # after the greeting, before the goodbye line
    assert screens[0].startswith(S.LANGUAGE_PROMPT_RU_FIRST)  # no hint: the default first
    assert "  [1] Русский\n  [2] Қазақша" in screens[0]
    assert screens[2].startswith(f"! {S.THANKS['ru']}\n\n{S.MENU['ru']}")
    assert "  [3] 💻 Онлайн-услуги суда" in screens[2]
    assert screens[3].startswith(S.GUIDES["ru"])
    assert screens[4].startswith(S.MENU["ru"])


@needs_browser
async def test_a_person_clicks_through_the_web_chat_in_a_real_browser(
    local_chat: BotApp, tmp_path
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(locale="ru-RU", viewport={"width": 390, "height": 844})
        await page.goto(local_chat.http_url + "/")
        await page.get_by_role("button", name="Русский").click()
        await page.get_by_role("button", name=S.AGREE["ru"]).click()
        last = page.locator(".msg.bot").last
        await last.get_by_text(S.MENU["ru"]).wait_for()
        await last.get_by_role("button", name="💻 Онлайн-услуги суда").click()
        last = page.locator(".msg.bot").last
        await last.get_by_text(S.GUIDES["ru"]).wait_for()
        assert await last.get_attribute("data-screen") == "guides"
        await page.fill("#text", "муж не платит алименты")  # typed, not pressed
        await page.press("#text", "Enter")
        last = page.locator(".msg.bot").last
        await last.get_by_text("Похоже, ваш вопрос об этом: Алименты.").wait_for()
        assert await last.get_attribute("data-screen") == "path:family.alimony"
        await page.screenshot(path=str(tmp_path / "local-chat.png"), full_page=True)
        assert await page.evaluate("document.documentElement.lang") == "ru"


async def test_a_reminder_reaches_the_web_chat_through_its_inbox(make_settings) -> None:
    """Without a messenger, reminders wait in an inbox the page asks for every few seconds."""
    day = (date.today() + timedelta(days=20)).strftime("%d.%m.%Y")
    app = BotApp(make_settings(reminder_poll_seconds=0.2))
    await app.start()
    try:
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
            citizen = WebCitizen(http, app.http_url)
            await citizen.open()
            for kind, value in (("text", "/start"), ("choice", "lang:ru"),
                                ("choice", "consent:yes"), ("choice", "go:h_case"),
                                ("text", "2-5/2026"), ("choice", "go:h_court_typed"),
                                ("text", "Суд города Костаная"), ("text", day),
                                ("choice", "htime:1000"), ("choice", "hmode:in"),
                                ("choice", "hskip:room"), ("choice", "hsave")):
                await citizen.send(kind, value)
            assert citizen.screen["name"].startswith("hearing:"), citizen.text
            now = app.core.conversation.services.clock.now()
            async with app.core.sessions() as session, session.begin():
                await session.execute(update(Reminder).where(Reminder.kind == "1d").values(
                    due_at=now - timedelta(seconds=1)))
            waiting: list = []
            for _poll in range(100):
                async with http.get(f"{app.http_url}/chat/api/inbox") as response:
                    waiting += (await response.json())["screens"]
                if waiting:
                    break
                await asyncio.sleep(0.1)
            [reminder] = waiting
            assert "Напоминание" in reminder["text"] and "2-5/2026" in reminder["text"]
            assert reminder["choices"][0]["id"].startswith("rem:yes/")
    finally:
        await app.stop()
