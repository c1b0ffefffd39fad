"""The Solution Explorer as a person uses it: leaving and coming back days later, changing one
answer with Back, the summary, starting over, "not sure", feedback, dates and sums typed in,
and names for a draft that are not kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from bot.app import Core
from bot.storage.models import ExplorerEvent
from tests.people import DIVORCE, Person, agreed_person, plain, stored_data


async def test_leave_and_continue_days_later_from_the_menu(make_settings) -> None:
    settings = make_settings()
    core = await Core.build(settings, migrate=True)
    person = await agreed_person(core)
    await person.press(f"go:path:{DIVORCE}")
    shown = await person.press_label("▶ Начать")
    assert shown.name == f"ask:{DIVORCE}/agree"
    await person.press_label("Да, согласен(на)")
    await core.close()

    core = await Core.build(settings, migrate=True)  # a restart: days later
    person = Person(core)
    shown = await person.say("/start")
    assert shown.name == "menu"
    assert person.labels[0] == "▶ Продолжить: Развод"
    shown = await person.press_label("▶ Продолжить: Развод")
    assert shown.name == f"ask:{DIVORCE}/children"  # the next open question
    await core.close()


async def test_back_changes_one_answer_and_keeps_the_others(core: Core) -> None:
    person = await agreed_person(core)
    shown = await person.answer("agree/no", "baby/no", "property/no")
    assert shown.name == f"summary:{DIVORCE}"
    assert "• Согласие супруга: Нет, не согласен(на)" in shown.text
    assert "• Раздел имущества: Нет" in shown.text

    shown = await person.press("back")
    assert shown.name == f"ask:{DIVORCE}/property"
    assert "✓ Нет" in person.labels  # the earlier answer is marked
    shown = await person.press("back")
    assert shown.name == f"ask:{DIVORCE}/baby"
    shown = await person.press(f"ans:{DIVORCE}/baby/yes")  # changed: now "who" is asked
    assert shown.name == f"ask:{DIVORCE}/who"
    shown = await person.press(f"ans:{DIVORCE}/who/wife")
    # "property" was answered before and is still on the way: straight to the summary
    assert shown.name == f"summary:{DIVORCE}"
    assert "• Раздел имущества: Нет" in shown.text
    assert "• Кто просит развод: Жена" in shown.text

    shown = await person.press_label("✏️ Изменить ответ")
    assert shown.name == f"change:{DIVORCE}"
    shown = await person.press_label("✏️ Согласие супруга")
    assert shown.name == f"ask:{DIVORCE}/agree"


async def test_summary_then_plan_pages_then_start_over(core: Core) -> None:
    person = await agreed_person(core, "kk")
    shown = await person.answer("agree/yes", "children/no", "claims/no")
    assert shown.text.startswith("Жауаптарыңыз:")
    shown = await person.press_label("✅ Жоспарымды көрсету")
    assert shown.name == f"plan:{DIVORCE}/registry/1"
    assert shown.text.startswith("АХАЖ арқылы ажырасу — Не істеу керек")
    assert "📖 egov.kz: «Некені бұзу»" in shown.text and "22.11.2026 тексерілді" in shown.text
    shown = await person.press_label("Әрі қарай ➡")
    shown = await person.press_label("Әрі қарай ➡")
    assert "Мемлекеттік баж" in shown.text
    assert "2 АЕК × 4 325 ₸ = 8 650 ₸." in plain(shown.text)
    await person.press("menu")
    assert "▶ Жалғастыру: Ажырасу" not in person.labels  # finished: nothing to continue
    shown = await person.press(f"go:path:{DIVORCE}")
    assert "🔁 Басынан бастау" in person.labels
    shown = await person.press_label("🔁 Басынан бастау")
    assert shown.name == f"ask:{DIVORCE}/agree"
    assert not any(label.startswith("✓") for label in person.labels)


async def test_not_sure_explains_and_leads_on_or_to_a_person(core: Core) -> None:
    person = await agreed_person(core)
    await person.press(f"start:{DIVORCE}")
    shown = await person.press_label("🤷 Не знаю / не подходит")
    assert shown.name == f"unsure:{DIVORCE}/agree"
    assert "Суд выслушает обоих" in shown.text
    assert person.labels[:2] == ["▶ Продолжить", "👤 Помощь человека"]
    shown = await person.press_label("▶ Продолжить")
    assert shown.name == f"ask:{DIVORCE}/baby"
    shown = await person.press_label("🤷 Не знаю / не подходит")  # no way on from here
    assert shown.name == f"unsure:{DIVORCE}/baby"
    assert "Развод бывает двух видов" in shown.text  # the pathway's broader explanation
    assert "▶ Продолжить" not in person.labels
    assert "👤 Помощь человека" in person.labels


async def test_deadline_dates_and_the_duty_sum_from_what_the_person_types(core: Core) -> None:
    person = await agreed_person(core)
    await person.answer("agree/no", "baby/no", "property/yes")
    await person.press(f"plan:{DIVORCE}")
    shown = await person.press(f"go:plan:{DIVORCE}/court_property/3")
    assert "Посчитать мои сроки" in shown.text
    await person.press_label("📅 Посчитать мои сроки")
    shown = await person.say("завтра")
    assert "Не получилось прочитать дату" in shown.notice
    shown = await person.say("25.09.2026")
    assert shown.name == f"plan:{DIVORCE}/court_property/3"
    assert "➡ Последний день: 25 октября 2026 г." in plain(shown.text)
    # the 25th is a Sunday, the 26th Republic Day
    assert "чтобы не опоздать, подайте не позже 23 октября 2026 г." in plain(shown.text)

    shown = await person.press(f"go:plan:{DIVORCE}/court_property/4")
    assert "Нажмите «Ввести сумму»" in shown.text
    await person.press_label("🧮 Ввести сумму")
    shown = await person.say("сто тысяч")
    assert "Не получилось прочитать сумму" in shown.notice
    shown = await person.say("500 000 тг")
    assert "1 % от 500 000 ₸ = 5 000 ₸." in plain(shown.text)


async def test_feedback_is_counted_once_per_plan_without_the_person(core: Core) -> None:
    person = await agreed_person(core)
    await person.answer("agree/yes", "children/no", "claims/no")
    await person.press(f"plan:{DIVORCE}")
    shown = await person.press(f"go:plan:{DIVORCE}/registry/5")  # the last: no deadlines
    assert "Было понятно?" in shown.text
    shown = await person.press_label("👎 Непонятно")
    assert "Человек может объяснить" in shown.notice
    await person.press_label("👎 Непонятно")
    async with core.engine.connect() as connection:
        rows = (await connection.execute(select(
            ExplorerEvent.pathway, ExplorerEvent.kind, ExplorerEvent.detail,
            ExplorerEvent.channel, ExplorerEvent.language))).all()
    assert ("family.divorce", "feedback", "down", "test", "ru") in rows
    assert [row.kind for row in rows].count("feedback") == 1
    assert ("family.divorce", "started", None, "test", "ru") in rows
    assert ("family.divorce", "plan", "registry", "test", "ru") in rows


async def test_names_typed_for_a_draft_are_sent_and_not_kept(core: Core) -> None:
    person = await agreed_person(core)
    await person.answer("agree/no", "baby/no", "property/no")
    await person.press(f"plan:{DIVORCE}")
    await person.press(f"go:draft:{DIVORCE}/court")
    await person.press_label("✍️ Вписать имена")
    await person.say("Иванова Мария Петровна")
    stored = await stored_data(core)
    assert "Иванова" in stored  # kept only while the draft is being made
    await person.press_label("⏭ Пропустить")
    await person.say("Иванов Пётр")
    await person.press_label("⏭ Пропустить")
    shown = await person.press_label("⏭ Пропустить")
    assert shown.name == f"ready:{DIVORCE}/court"
    assert [a.filename for a in shown.attachments] == ["divorce_claim-ru-draft.pdf",
                                                        "divorce_claim-ru-draft.docx"]
    stored = await stored_data(core)
    assert "Иванов" not in stored


async def test_names_are_dropped_when_the_person_walks_away_from_the_draft(core: Core) -> None:
    person = await agreed_person(core)
    await person.answer("agree/no", "baby/no", "property/no")
    await person.press(f"go:field:{DIVORCE}/court/0")
    await person.say("Иванова Мария Петровна")
    await person.press("menu")
    stored = await stored_data(core)
    assert "Иванова" not in stored


@pytest.mark.parametrize("choice", [
    "ans:family.divorce/agree/maybe", "ans:family.divorce/nothing/yes", "ans:nowhere/agree/yes",
    "ans:family.divorce", "uns:family.divorce/baby", "fb:family.divorce/registry/sideways",
    "go:plan:family.divorce/registry/99", "go:plan:family.divorce/nowhere/1",
    "day:family.divorce/court/tomorrow", "doc:family.divorce/registry", "start:nowhere",
    "skip:family.divorce/court/9",
])
async def test_forged_explorer_buttons_lead_to_the_menu(core: Core, choice: str) -> None:
    person = await agreed_person(core)
    shown = await person.press(choice)
    assert shown.name == "menu"
    assert "устарела" in shown.notice


async def test_a_deep_link_opens_the_pathway_after_language_and_consent(core: Core) -> None:
    person = Person(core, "deep")
    await person.say("/start family-divorce")
    await person.press("lang:kk")
    shown = await person.press("consent:yes")
    assert shown.name == f"path:{DIVORCE}"
    assert shown.text.startswith("Ажырасу")
    assert person.labels[0] == "▶ Бастау"


async def test_a_person_who_declined_can_still_use_the_explorer(core: Core) -> None:
    person = Person(core, "nodata")
    await person.say("/start")
    await person.press("lang:ru")
    await person.press("consent:no")
    await person.press(f"start:{DIVORCE}")
    shown = await person.press(f"ans:{DIVORCE}/agree/yes")
    assert shown.name == f"ask:{DIVORCE}/children"
    async with core.engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM users"))).scalar() == 0
