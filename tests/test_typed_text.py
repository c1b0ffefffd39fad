"""Typing instead of pressing, over Telegram (the fake Bot API on loopback, aiogram's own HTTP
client): a problem in one's own words opens its pathway or guide, an unclear one offers three
topics, a question about a word gets its meaning, the other language is noted once, and the
typed text is neither echoed nor stored."""

from __future__ import annotations

from bot.app import BotApp
from tests import screens as S
from tests.fakes.telegram import Citizen, FakeBotAPI
from tests.people import Person, agreed_person, stored_data
from tests.test_telegram_e2e import onboard


async def test_own_words_open_the_pathway_and_a_guide(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 4001)
    await onboard(citizen)
    shown = await citizen.say("муж не платит алименты уже полгода")
    alimony = telegram_bot.core.content.pathways["family.alimony"]
    assert shown.text.startswith("Похоже, ваш вопрос об этом: Алименты.\n\n")
    assert alimony.intro("ru") in shown.text
    assert shown.labels[-4:] == S.NAV["ru"]

    shown = await citizen.say("как получить эцп")
    assert shown.text.startswith("Похоже, ваш вопрос об этом: Получить ЭЦП.\n\n📘 Получить ЭЦП")
    shown = await citizen.press("◀ Назад")
    assert alimony.intro("ru") in shown.text  # Back leads to where they were
    assert "полгода" not in await stored_data(telegram_bot.core)  # the typed words are not kept


async def test_unclear_words_offer_three_topics_and_the_way_to_a_person(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 4002)
    await onboard(citizen)
    classifier = telegram_bot.core.conversation.services.classifier
    unclear = "деньги суд бумага"
    understood = classifier.understand(unclear)
    assert understood.intent == "unknown" and len(understood.alternatives) == 3
    shown = await citizen.say(unclear)
    assert shown.text == S.SUGGEST["ru"]
    topics = [telegram_bot.core.content.topic(topic_id) for topic_id in understood.alternatives]
    # Telegram shows a topic's short title when the full one would be cut off on a phone.
    titles = [topic.title("ru") if len(topic.title("ru")) <= 32 else topic.label("ru")
              for topic in topics]
    assert shown.labels == [*titles, *S.NAV["ru"]]
    shown = await citizen.press(titles[0])
    assert shown.text != S.SUGGEST["ru"]


async def test_a_greeting_or_another_legal_matter_is_not_guessed(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 4003)
    await onboard(citizen)
    for typed in ("привет", "меня избили на улице, что делать"):
        shown = await citizen.say(typed)
        assert shown.text == f"{S.TEXT['ru']}\n\n{S.MENU['ru']}"
        assert shown.labels == S.MENU_BUTTONS["ru"]


async def test_a_question_about_a_word_gets_its_meaning(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 4004)
    await onboard(citizen)
    term = telegram_bot.core.content.glossary.get("state_duty")
    shown = await citizen.say("что такое госпошлина?")
    assert shown.text.startswith(f"📚 {term.ru.term} (по-казахски: {term.kk.term})\n"
                                 f"{term.ru.text}")


async def test_writing_in_the_other_language_is_noted_once_and_answered_in_ones_own(
    bot_api: FakeBotAPI, telegram_bot: BotApp
) -> None:
    citizen = Citizen(bot_api, 4005, language_code="kk")
    await onboard(citizen, "kk")
    note = "Сіз басқа тілде жаздыңыз."
    shown = await citizen.say("муж не платит алименты")
    assert shown.text.startswith(note)
    assert "Сіздің сұрағыңыз мына тақырыпқа қатысты сияқты: Алимент." in shown.text
    shown = await citizen.say("уволили с работы без причины")
    assert not shown.text.startswith(note)
    assert shown.text.startswith("Сіздің сұрағыңыз мына тақырыпқа қатысты сияқты: Жұмыстан")


async def test_a_typed_reply_on_a_question_answers_it_or_asks_for_a_button(core) -> None:
    person = await agreed_person(core)
    await person.press("start:family.divorce")
    question = person.screen.name
    shown = await person.say("да")  # "Да, согласен(на)"
    assert shown.name != question and shown.name.startswith("ask:family.divorce/")
    asked = shown.name
    shown = await person.say("не знаю")
    assert shown.name == asked
    assert shown.notice == "Пожалуйста, нажмите один из ответов ниже."
    shown = await person.say("меня уволили с работы без причины вчера")  # their own words
    assert shown.name == "path:labour.dismissal"


async def test_a_first_message_about_a_problem_leads_there_after_onboarding(core) -> None:
    newcomer = Person(core, "first-words")
    shown = await newcomer.say("муж не платит алименты")
    assert shown.name == "language" and shown.notice == ""
    await newcomer.press("lang:ru")
    shown = await newcomer.press("consent:yes")
    assert shown.name == "path:family.alimony"


async def test_numbers_and_emoji_say_nothing_about_the_language(core) -> None:
    person = await agreed_person(core)
    for typed in ("870512345678", "👍", "ок"):
        shown = await person.say(typed)
        assert "другом языке" not in shown.notice, typed
