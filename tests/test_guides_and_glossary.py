"""Guides and the glossary as a person uses them: every guide step by step with Back, "It
didn't work" and "I'm stuck"; guides opened from a plan, by deep link and at the end of another
guide; court words looked up by typing, with endings and typos, and opened from a plan page."""

from __future__ import annotations

from bot.app import Core
from bot.services.content import load_content
from bot.services.glossary.lexicon import Lexicon
from tests.people import Person, agreed_person

GUIDE_IDS = {"guide.eds", "guide.sud_kabinet", "guide.file_claim", "guide.pay_duty",
             "guide.track_case", "guide.online_hearing", "guide.court_documents",
             "guide.notifications", "guide.evidence", "guide.legal_aid", "guide.mediation"}


def test_all_eleven_guides_and_fifty_terms_are_written() -> None:
    content = load_content()
    assert set(content.guides) == GUIDE_IDS
    assert len(content.glossary.terms) >= 50
    for guide in content.guides.values():
        assert all(step.source or step.plain for step in guide.steps)
        assert guide.related, guide.id


async def test_a_guide_step_by_step_with_back_trouble_and_stuck(core: Core) -> None:
    person = await agreed_person(core)
    guide = core.content.guides["guide.eds"]
    shown = await person.press("go:guide:guide.eds")
    assert shown.text.startswith("📘 Получить ЭЦП\n\n" + guide.intro("ru"))
    assert f"Всего {len(guide.steps)} коротких шагов" in shown.text
    assert "22.11.2026" in shown.text  # the date the button names were checked
    shown = await person.press_label("▶ Начать")
    assert shown.name == "guide_step:guide.eds/1"
    assert shown.text.startswith(f"📘 Получить ЭЦП · шаг 1 из {len(guide.steps)}\n"
                                 f"{guide.steps[0].title('ru')}\n\n{guide.steps[0].text('ru')}")
    assert "👤 Помощь человека" in person.labels and "◀ Назад" in person.labels
    await person.press_label("Дальше ➡")
    assert person.screen.name == "guide_step:guide.eds/2"
    await person.press_label("◀ Назад")
    assert person.screen.name == "guide_step:guide.eds/1"
    with_trouble = next(n for n, step in enumerate(guide.steps, 1) if step.trouble)
    await person.press(f"go:guide_step:guide.eds/{with_trouble}")
    shown = await person.press_label("❓ Не получается")
    assert shown.text.endswith(guide.steps[with_trouble - 1].trouble("ru"))
    await person.press_label("🔁 Повторить шаг")
    assert person.screen.name == f"guide_step:guide.eds/{with_trouble}"
    shown = await person.press_label("👤 Помощь человека")
    assert shown.name == "human"


async def test_every_guide_can_be_read_to_its_end_in_both_languages(core: Core) -> None:
    for language in ("kk", "ru"):
        person = await agreed_person(core, language, user_id=f"reader-{language}")
        for guide_id, guide in core.content.guides.items():
            await person.press(f"go:guide:{guide_id}")
            await person.press(f"go:guide_step:{guide_id}/1")
            for number in range(2, len(guide.steps) + 1):
                await person.press(person.screen.choices[0].id)  # "Next"
                assert person.screen.name == f"guide_step:{guide_id}/{number}"
            await person.press(person.screen.choices[0].id)  # "Done"
            assert person.screen.name == f"guide_end:{guide_id}"
            related = [choice.id for choice in person.screen.choices][:len(guide.related)]
            assert len(related) == len(guide.related)
            for choice in related:  # each related topic opens (a pathway, guide or service)
                await person.press(choice)
                assert person.screen.name.split(":")[0] in ("path", "guide", "human",
                                                            "hearings", "language", "mydata")
                await person.press("back")


async def test_a_plan_opens_its_guide_and_a_deep_link_opens_a_guide(core: Core) -> None:
    person = await agreed_person(core)
    pathway = core.content.pathways["debt.court_order"]
    outcome_id, outcome = next((key, item) for key, item in pathway.outcomes.items()
                               if item.online and item.online.guide)
    from bot.services.explorer.plan import sections_of

    page = sections_of(outcome).index("help") + 1
    await person.press(f"go:plan:debt.court_order/{outcome_id}/{page}")
    guide_button = next(c for c in person.screen.choices if c.label.startswith("📘"))
    assert guide_button.id == f"go:guide:{outcome.online.guide}"
    await person.press(guide_button.id)
    assert person.screen.name == f"guide:{outcome.online.guide}"

    newcomer = Person(core, "newcomer")
    await newcomer.say("/start guide-online_hearing")
    await newcomer.press("lang:kk")
    shown = await newcomer.press("consent:yes")
    assert shown.name == "guide:guide.online_hearing"
    assert shown.text.startswith("📘 Сот отырысына бейнебайланыс арқылы қатысу")


def test_words_are_found_whatever_their_ending_or_typo() -> None:
    lexicon = Lexicon(load_content().glossary)
    for typed, term_id in [("истец", "plaintiff"), ("истцу", "plaintiff"),
                           ("что такое госпошлина?", "state_duty"), ("госпошлна", "state_duty"),
                           ("ЭЦП", "eds"), ("талапкер деген не", "plaintiff"),
                           ("мемлекеттік баж дегеніміз не", "state_duty"),
                           ("Сот бұйрығы", "court_order"), ("привет", None)]:
        found = lexicon.look_up(typed)
        assert (found.id if found else None) == term_id, typed
    assert lexicon.look_up("муж не платит алименты уже полгода") is None
    text = "Подайте исковое заявление в суд по месту жительства ответчика и оплатите госпошлину."
    assert [term.id for term in lexicon.terms_in(text, "ru")] == [
        "claim_form", "defendant", "state_duty"]
    text = "Талап арызды жауапкердің тұрғылықты жері бойынша беріңіз, мемлекеттік бажды төлеңіз."
    assert [term.id for term in lexicon.terms_in(text, "kk")] == [
        "claim_form", "defendant", "state_duty"]


async def test_the_glossary_by_typing_and_from_a_plan_page(core: Core) -> None:
    person = await agreed_person(core, "kk")
    await person.press("go:glossary")
    shown = await person.say("жауапкер")
    term = core.content.glossary.get("defendant")
    assert shown.name == "term:defendant"
    assert shown.text == f"📚 Жауапкер (орысша: Ответчик)\n{term.kk.text}"
    await person.press_label("📚 Басқа сөз")
    shown = await person.say("ббббб")
    assert shown.name == "glossary"
    assert shown.notice.startswith("Бұл сөзді әзірге білмеймін.")

    await person.press("go:plan:debt.loan/" + next(iter(
        core.content.pathways["debt.loan"].outcomes)) + "/1")
    words = next(c for c in person.screen.choices if c.label == "📚 Сөздердің мағынасы")
    shown = await person.press(words.id)
    ids = words.id.removeprefix("go:words:").split("+")
    for term_id in ids:
        assert core.content.glossary.get(term_id).kk.text in shown.text
    await person.press_label("◀ Артқа")
    assert person.screen.name.startswith("plan:debt.loan/")


def test_a_question_about_a_word_is_recognised_however_it_is_put() -> None:
    lexicon = Lexicon(load_content().glossary)
    for typed in ("госпошлина что это", "объясни что такое госпошлина", "госпошлина это",
                  "а что такое госпошлина это", "мемлекеттік баж деген не"):
        assert lexicon.asks_meaning(typed), typed
        assert lexicon.look_up(typed).id == "state_duty", typed
    assert not lexicon.asks_meaning("госпошлина")


async def test_a_sentence_typed_on_the_glossary_screen_is_understood_as_a_problem(
    core: Core
) -> None:
    person = await agreed_person(core)
    await person.press("go:glossary")
    shown = await person.say("муж не платит алименты уже полгода")
    assert shown.name == "path:family.alimony"
