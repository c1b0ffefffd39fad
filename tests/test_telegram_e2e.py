"""The whole bot over HTTP: aiogram's own client long-polls a fake Bot API on loopback.

A scripted citizen goes /start → language → consent → menu → a screen → back → switch
language, and each screen is checked word for word in both languages.
"""

from __future__ import annotations

import json

from sqlalchemy import select, text

from bot.app import BotApp
from bot.services.clock import format_moment
from bot.storage.models import User
from tests import screens as S
from tests.fakes.telegram import Citizen, FakeBotAPI


async def onboard(citizen: Citizen, language: str = "ru") -> None:
    await citizen.say("/start")
    await citizen.press({"ru": "Русский", "kk": "Қазақша"}[language])
    await citizen.press(S.AGREE[language])


async def test_first_visit_to_language_switch_in_both_languages(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 1001, language_code="ru")

    shown = await citizen.say("/start")
    assert shown.text == S.LANGUAGE_PROMPT_RU_FIRST  # guessed from Telegram: Russian first
    assert shown.labels == ["Русский", "Қазақша", "👤 Помощь / Көмек"]

    shown = await citizen.press("Русский")
    assert shown.text.startswith(S.CONSENT_START["ru"])
    assert "не спрашиваю ваше имя" in shown.text
    assert "Кто видит: только этот сервис, а операторы колл-центра" in shown.text
    assert "Если вы 365 дней ничего не пишете и впереди нет заседаний" in shown.text
    assert shown.labels == [S.AGREE["ru"], S.DECLINE["ru"], "◀ Назад", "👤 Помощь человека"]

    shown = await citizen.press(S.AGREE["ru"])
    assert shown.text == f"{S.THANKS['ru']}\n\n{S.MENU['ru']}"
    assert shown.labels == S.MENU_BUTTONS["ru"]

    shown = await citizen.press("💻 Онлайн-услуги суда")
    assert shown.text == S.GUIDES["ru"]
    # 11 guides and the glossary: six on the first page, then "more", then Back / Menu / Person
    # on one row.
    assert shown.labels[:6] == ["Получить ЭЦП", "Войти в «Судебный кабинет»",
                                "Подать иск онлайн", "Оплатить госпошлину онлайн",
                                "Узнать, что с моим делом",
                                "Заседание по видеосвязи"]  # the short label
    assert shown.labels[6:] == ["Ещё ➡", *S.NAV["ru"]]
    assert [len(row) for row in shown.buttons] == [1] * 7 + [3]

    shown = await citizen.press("Ещё ➡")
    assert shown.labels[0] == "Решение суда и запись"  # short label
    assert shown.labels[5:] == ["📚 Что значат судебные слова", "⬅ Предыдущие", *S.NAV["ru"]]

    shown = await citizen.press("◀ Назад")
    assert shown.text == S.MENU["ru"]

    # Switching language from a deeper screen brings the person back to that same screen.
    await citizen.press("💻 Онлайн-услуги суда")
    shown = await citizen.say("/language")
    assert shown.text == S.LANGUAGE_PROMPT_RU_FIRST
    assert shown.labels == ["Русский", "Қазақша", *S.NAV["ru"]]
    shown = await citizen.press("Қазақша")
    assert shown.text == S.GUIDES["kk"]
    assert shown.labels[0] == "ЭЦҚ алу"
    assert shown.labels[-3:] == S.NAV["kk"]

    shown = await citizen.press("🏠 Мәзір")
    assert shown.text == S.MENU["kk"]
    assert shown.labels == S.MENU_BUTTONS["kk"]


async def test_kazakh_speaker_is_offered_kazakh_first_and_declining_stores_nothing(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 1002, language_code="kk")
    shown = await citizen.say("сәлем")  # any first message starts the conversation
    assert shown.text == S.LANGUAGE_PROMPT_KK_FIRST
    assert shown.labels[:2] == ["Қазақша", "Русский"]

    await citizen.press("Қазақша")
    shown = await citizen.press(S.DECLINE["kk"])
    assert shown.text.startswith("Түсіндім: сіз туралы ештеңе сақталмайды.")
    assert shown.text.endswith(S.MENU["kk"])

    shown = await citizen.press("🔒 Менің деректерім")
    assert shown.text.startswith("Мен сіз туралы ештеңе сақтамаймын")

    async with telegram_bot.core.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT count(*) FROM users"))).scalar_one()
    assert rows == 0


async def test_deep_link_waits_for_language_and_consent(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 1003, language_code=None)
    shown = await citizen.say("/start family-alimony")
    assert shown.text == S.LANGUAGE_PROMPT_RU_FIRST  # default language first when unknown
    await citizen.press("Русский")
    shown = await citizen.press(S.AGREE["ru"])
    assert shown.text.startswith(f"{S.THANKS['ru']}\n\nАлименты\n\n")
    shown = await citizen.press("◀ Назад")
    assert shown.text == S.MENU["ru"]


async def test_consent_and_place_survive_a_restart_and_old_buttons_still_work(
    bot_api: FakeBotAPI, make_settings, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 1004)
    await onboard(citizen)
    menu_message = citizen.screen
    await citizen.press("💻 Онлайн-услуги суда")

    await telegram_bot.stop()
    restarted = BotApp(make_settings(telegram_bot_token=bot_api.token,
                                     telegram_api_base=bot_api.base_url))
    await restarted.start(polling_timeout=1)
    try:
        shown = await citizen.press("◀ Назад")  # remembered across the restart
        assert shown.text == S.MENU["ru"]
        shown = await citizen.press("🔒 Мои данные", on=menu_message)  # an old message's button
        assert shown.text.startswith("Что я храню о вас:\n• язык: Русский")
    finally:
        await restarted.stop()
        telegram_bot.telegram = telegram_bot._runner = telegram_bot.core = None


async def test_my_data_shows_the_consent_time_and_deletes_everything(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 1005)
    await onboard(citizen)
    shown = await citizen.press("🔒 Мои данные")
    async with telegram_bot.core.engine.connect() as connection:
        agreed_utc = (await connection.execute(select(User.consent_at))).scalar_one()
    # Stored in UTC, shown in Kazakhstan's time the Russian way: "23 ноября 2026 г., 03:25".
    assert f"• когда вы дали согласие: {format_moment(agreed_utc, 'ru')}\n" in shown.text
    await citizen.press("🗑 Удалить мои данные")
    shown = await citizen.press("🗑 Да, удалить")
    assert shown.text == (
        "Готово: ваши настройки, ответы, заседания, напоминания и чаты с операторами удалены. "
        "Теперь я ничего о вас не храню.\n\n"
        + S.MENU["ru"]
    )
    async with telegram_bot.core.engine.connect() as connection:
        users = (await connection.execute(text("SELECT count(*) FROM users"))).scalar_one()
        states = (await connection.execute(
            text("SELECT count(*) FROM conversation_states"))).scalar_one()
    assert (users, states) == (0, 0)


async def test_bot_sets_its_command_menu_in_both_languages(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    by_language = {params.get("language_code"): params for params in
                   bot_api.sent("setMyCommands")}
    assert set(by_language) == {None, "kk", "ru"}
    def described(language: str | None) -> dict[str, str]:
        commands = json.loads(by_language[language]["commands"])
        return {item["command"]: item["description"] for item in commands}

    assert described("kk")["language"] == "Тілді ауыстыру"
    assert described("ru")["language"] == "Сменить язык"
    assert described(None) == described("ru")  # other Telegram languages get Russian
    assert bot_api.sent("deleteWebhook"), "polling mode clears any old webhook first"
