"""One full pathway end to end, as a citizen meets it: through the Telegram adapter (aiogram's
HTTP client and a fake Bot API on loopback) and through the local web chat, files included."""

from __future__ import annotations

from aiohttp import ClientSession, CookieJar

from bot.app import BotApp
from tests import screens as S
from tests.fakes.telegram import Citizen, FakeBotAPI
from tests.test_drafts import read_docx, read_pdf
from tests.test_local_chat import WebCitizen


async def test_divorce_by_deep_link_to_the_draft_on_telegram(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 3001, language_code="kk")
    await citizen.say("/start family-divorce")  # e.g. from a QR code on a court's poster
    await citizen.press("Қазақша")
    shown = await citizen.press(S.AGREE["kk"])
    assert "\n\nАжырасу (некені бұзу)\n\nБірнеше сұрақ қоямын." in shown.text
    shown = await citizen.press("▶ Бастау")
    assert shown.text == "Жұбайыңыз ажырасуға келісе ме?"
    assert shown.labels[:3] == ["Иә, келіседі", "Жоқ, келіспейді", "🤷 Білмеймін / сай емес"]
    await citizen.press("Жоқ, келіспейді")
    await citizen.press("Жоқ, екеуі де емес")  # no pregnancy, no baby
    shown = await citizen.press("Жоқ")  # no property to divide
    assert shown.text.startswith("Жауаптарыңыз:")
    shown = await citizen.press("✅ Жоспарымды көрсету")
    assert shown.text.startswith("Сот арқылы ажырасу — Не істеу керек")
    assert "📖 egov.kz: «Некені бұзу»" in shown.text
    while "📄 Құжат жобасы" not in shown.labels:
        shown = await citizen.press("Әрі қарай ➡")
    await citizen.press("📄 Құжат жобасы")
    await citizen.press("✍️ Аты-жөнді жазу")
    await citizen.say("Серікова Әсел Қайратқызы")
    await citizen.press("⏭ Өткізіп жіберу")
    await citizen.say("Сериков Ұлан")
    await citizen.press("⏭ Өткізіп жіберу")
    before = bot_api.outputs(citizen.user_id)
    await citizen.press_data("skip:family.divorce/court/4")  # the last field: the court
    await bot_api.wait_outputs(citizen.user_id, before + 3)  # the screen, the PDF, the DOCX
    files = [message.document for message in bot_api.chats[citizen.user_id].values()
             if message.document]
    assert [file["file_name"] for file in files] == [
        "divorce_claim-kk-draft.pdf", "divorce_claim-kk-draft.docx"]
    for text in (read_pdf(files[0]["content"]), read_docx(files[1]["content"])):
        assert "Серікова Әсел Қайратқызы" in text and "Сериков Ұлан" in text
        assert "Жауапкер ажырасуға келіспейді." in text


async def test_a_pathway_and_its_files_through_the_web_chat(local_chat: BotApp) -> None:
    async with ClientSession(headers={"Accept-Language": "ru-RU,ru;q=0.9"},
                             cookie_jar=CookieJar(unsafe=True)) as http:
        citizen = WebCitizen(http, local_chat.http_url)
        await citizen.open()
        await citizen.send("text", "/start")
        await citizen.press("Русский")
        await citizen.press(S.AGREE["ru"])
        await citizen.press("⚖️ Что мне делать?")
        await citizen.press("Развод (расторжение брака)")
        await citizen.press("▶ Начать")
        await citizen.press("Да, согласен(на)")
        await citizen.press("Нет")
        await citizen.press("Нет, споров нет")
        await citizen.press("✅ Показать мой план")
        assert citizen.text.startswith("Развод через ЗАГС — Что делать")
        await citizen.press("📤 План одним сообщением")
        assert citizen.text.startswith("⚖️ План действий: Развод через ЗАГС")
        assert "Госпошлина" in citizen.text and "проверено 22.11.2026" in citizen.text
        await citizen.press("◀ Назад")
        await citizen.send("choice", "go:plan:family.divorce/court/6")
        await citizen.press("📄 Проект документа")
        await citizen.press("📄 Оставить пустым")
        assert [f["filename"] for f in citizen.screen["attachments"]] == [
            "divorce_claim-ru-draft.pdf", "divorce_claim-ru-draft.docx"]
        async with http.get(f"{local_chat.http_url}/chat/file/0") as response:
            assert response.status == 200
            assert response.content_type == "application/pdf"
            assert (await response.read()).startswith(b"%PDF")
        async with http.get(f"{local_chat.http_url}/chat/file/7") as response:
            assert response.status == 404
    async with ClientSession() as stranger:  # another browser gets nobody's files
        async with stranger.get(f"{local_chat.http_url}/chat/file/0") as response:
            assert response.status == 404
