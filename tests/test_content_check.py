"""The content check walks every screen, and really catches what it promises to catch."""

from __future__ import annotations

from dataclasses import replace

from bot.app import Core
from bot.services.content_check import check_screens, walk
from bot.services.conversation.registry import View


async def test_every_screen_passes_in_both_languages(make_settings) -> None:
    # With SMS set up, as `python -m bot content check` walks it: its screens are checked too.
    core = await Core.build(make_settings(sms_provider="mobizon", sms_api_key="check",
                                          sms_inbound_secret="check"))
    try:
        result = await walk(core)
        assert check_screens(result, core.conversation.registry) == []
        languages = {language for (_who, language, _ref) in result.screens}
        assert languages == {"kk", "ru"}
        reached = {ref.split(":")[0] for (_w, _l, ref) in result.screens}
        assert {"menu", "language", "consent", "explorer", "guides", "guide", "human",
                "mydata", "mydata_delete", "hearings", "guide_step", "guide_trouble", "guide_end",
                "glossary", "term", "words", "path", "plan", "hearing", "h_date", "h_time",
                "h_confirm", "h_found", "h_cant", "h_stop", "reminder", "h_sms",
                "h_sms_number"} <= reached
        assert result.edges > 300
    finally:
        await core.close()


async def test_the_check_reports_dead_ends_long_screens_and_long_labels(make_settings) -> None:
    core = await Core.build(make_settings())
    registry = core.conversation.registry
    try:
        @registry.screen("broken")
        def broken(ctx, _argument: str) -> View:
            from bot.services.conversation.screens import Choice

            return View(text="слово " * 150, options=[Choice("go:guides", "x" * 30)],
                        back=False, menu=False, human=False)

        original = registry.screens["menu"].render

        def menu_with_a_way_in(ctx, argument: str) -> View:
            from bot.services.conversation.screens import Choice

            view = original(ctx, argument)
            view.options.append(Choice("go:broken", "Broken"))
            return view

        registry.screens["menu"] = replace(registry.screens["menu"], render=menu_with_a_way_in)
        problems = "\n".join(check_screens(await walk(core), registry))
        assert "agreed/kk/broken: 150 words (at most 110)" in problems
        assert "agreed/ru/broken: no way back or to the menu" in problems
        assert "agreed/ru/broken: no way to a person" in problems
        assert "over 24 chars" in problems
    finally:
        await core.close()


# The wording rules (bot/services/wording.py), each with a failing and a passing example.

def _terms():
    from bot.services.wording import load_terms

    return load_terms()


def test_russian_words_in_a_kazakh_text_are_caught_except_in_brackets() -> None:
    from bot.services.wording import russian_words

    assert russian_words("сосын «Ещё» → «Экспорт чата» басыңыз", _terms())
    assert russian_words("«Тағы» → «Чатты экспорттау» басыңыз (орысша — Ещё, Экспорт чата)",
                         _terms()) == []
    assert russian_words("Иә, келісемін. Сот шешімі sud.kz сайтында.", _terms()) == []


def test_a_date_before_deyin_needs_its_dative_placeholder_or_ending() -> None:
    from bot.services.wording import missing_case

    assert missing_case("Кешікпеу үшін {day} дейін беріңіз")
    assert missing_case("5 наурыз дейін беріңіз")
    assert missing_case("қарызды __________ (күні) дейін қайтаруға")
    assert missing_case("{date} бастап санаймыз")  # бастап wants the ablative
    assert missing_case("Кешікпеу үшін {day_dative} дейін беріңіз") == []
    assert missing_case("5 наурызға дейін, 600 АЕК-ке дейін, шешіміне дейін") == []
    assert missing_case("__________ бастап __________ дейін") == []  # blanks to fill in
    assert missing_case("{date_ablative} бастап") == []


def test_the_term_list_is_enforced_in_each_language() -> None:
    from bot.services.wording import term_violations

    terms = _terms()
    assert term_violations("Сіз талапкер болсаңыз", "kk", terms)
    assert term_violations("Сіз талап қоюшы болсаңыз", "kk", terms) == []
    assert term_violations("«👤 Адам» батырмасын басыңыз", "kk", terms)
    assert term_violations("«👤 Адам көмегі» батырмасын басыңыз", "kk", terms) == []
    assert term_violations("Этот гид поможет", "ru", terms)
    assert term_violations("Эта инструкция поможет; руководство органа", "ru", terms) == []
    assert term_violations("Я не понял(а) это.", "ru", terms)


def test_numbers_must_match_between_kazakh_and_russian() -> None:
    from bot.services.wording import numbers_differ

    assert numbers_differ("5 ретке дейін", "до пяти раз")
    assert numbers_differ("600 АЕК (2 595 000 ₸)", "600 МРП (2595000 ₸)") == []
    assert numbers_differ("2026 ж. 5 наурыз", "5 марта 2026 г.") == []


def test_a_failing_pair_names_its_file_and_key() -> None:
    from bot.services.wording import Pair, pair_problems

    pair = Pair("content/pathways/x.yaml", "outcomes.a.what[0].text",
                "Кешікпеу үшін {day} дейін беріңіз", "Подайте не позже {day}")
    [problem] = pair_problems([pair], _terms())
    assert problem.startswith("content/pathways/x.yaml outcomes.a.what[0].text: kk: ")


def _screen(text: str, *labels: tuple[str, str]):
    from bot.services.conversation.screens import Choice, Screen

    return Screen(name="s", language="kk", text=text,
                  choices=tuple(Choice(i, label) for i, label in labels))


def test_buttons_a_text_names_must_be_on_its_screen() -> None:
    from bot.services.wording import Pair, screen_problems

    pairs = [Pair("content/guides/g.yaml", "steps[0].trouble", "«👤 Адам» батырмасын басыңыз",
                  "нажмите «👤 Человек»")]
    person = ("go:human", "👤 Адам көмегі")
    bad = {("agreed", "kk", "guide_step:g/1"): _screen("«👤 Адам» батырмасын басыңыз", person)}
    [problem] = screen_problems(bad, pairs)
    assert "agreed/kk/guide_step:g/1: the text names «👤 Адам»" in problem
    assert "content/guides/g.yaml steps[0].trouble" in problem
    good = {("agreed", "kk", "guide_step:g/1"): _screen("«👤 Адам көмегі» батырмасын басыңыз",
                                                          person)}
    assert screen_problems(good, pairs) == []
    # A website's button («Рұқсат ету») is not the bot's: it is not checked.
    site = {("agreed", "kk", "x"): _screen("«Рұқсат ету» батырмасын басыңыз", person)}
    assert screen_problems(site, []) == []
    # A bot button named without its emoji is found too, on a screen that lacks it.
    count = ("go:calc", "📅 Мерзімімді есептеу")
    plan = {("agreed", "kk", "plan"): _screen("«Мерзімімді есептеу» батырмасын басыңыз", count),
            ("agreed", "kk", "other"): _screen("«Мерзімімді есептеу» батырмасын басыңыз",
                                               person)}
    [problem] = screen_problems(plan, [])
    assert problem.startswith("agreed/kk/other:")


def test_two_buttons_that_do_different_things_never_look_the_same() -> None:
    from bot.services.wording import screen_problems

    bad = {("agreed", "kk", "hearing:1"): _screen("Отырыс", ("go:h_delete:1", "🗑 Өшіру")),
           ("agreed", "kk", "reminder"): _screen("Отырыс", ("rem:stop/1", "🔕 Өшіру"))}
    [problem] = screen_problems(bad, [])
    assert "look the same but do different things" in problem
    good = {("agreed", "kk", "hearing:1"): _screen("Отырыс", ("go:h_delete:1", "🗑 Отырысты жою")),
            ("agreed", "kk", "reminder"): _screen("Отырыс", ("rem:stop/1", "🔕 Еске салмау"))}
    assert screen_problems(good, []) == []


def test_the_real_texts_pass_the_wording_rules() -> None:
    from bot.services.wording import all_pairs, pair_problems

    assert pair_problems(all_pairs(), _terms()) == []


def test_questions_ask_one_thing_positively_and_answers_do_not_sound_unsure() -> None:
    from types import SimpleNamespace

    from bot.services.bilingual import Bilingual
    from bot.services.wording import question_problems

    def content(kk: str, ru: str, *labels: tuple[str, str]):
        options = [SimpleNamespace(label=Bilingual(kk=a, ru=b)) for a, b in labels]
        question = SimpleNamespace(text=Bilingual(kk=kk, ru=ru), options=options)
        return SimpleNamespace(pathways={"p": SimpleNamespace(questions={"q": question})})

    bad = question_problems(content(
        "Құқық бұзғаныңызбен келісесіз бе және дәлелдерге дауласпайсыз ба?",
        "Вы согласны? Вы не спорите с доказательствами?",
        ("Иә", "Да"), ("Жоқ, сәйкес емес", "Нет, не подходит")))
    text = "\n".join(bad)
    assert "content/pathways/p.yaml questions.q.text: kk: a negative question" in text
    assert "questions.q.text: ru: two questions on one screen" in text
    assert "questions.q.text: ru: a negative question" in text
    assert "questions.q.options[1].label: kk: «Жоқ, сәйкес емес» sounds like" in text
    assert "questions.q.options[1].label: ru:" in text
    assert question_problems(content(
        "Құқық бұзғаныңызбен және дәлелдермен келісесіз бе?",
        "Вы согласны с нарушением и с доказательствами?",
        ("Иә, келісемін", "Да"), ("Жоқ, бірде-біреуі емес", "Нет, ничего из этого"))) == []


def test_an_amount_in_mrp_comes_with_tenge_on_its_screen() -> None:
    from bot.services.wording import screen_problems

    person = ("go:human", "👤 Адам көмегі")
    bad = {("agreed", "kk", "plan:x/1"): _screen("1 000 АЕК-ке дейінгі талап", person)}
    [problem] = screen_problems(bad, [])
    assert problem == "agreed/kk/plan:x/1: an amount in МРП/АЕК without tenge"
    good = {("agreed", "kk", "plan:x/1"): _screen(
        "1 000 АЕК-ке (2026 жылы 4 325 000 ₸) дейінгі талап", person)}
    assert screen_problems(good, []) == []


def test_a_vague_pointer_names_whom_to_ask_and_how() -> None:
    from bot.services.wording import Pair, pair_problems, vague_pointers

    # «The court» alone, nobody at all, «some people», «a person»: no next step.
    assert vague_pointers("Обычно иск подают в районный суд. Какой именно суд — уточните в суде.",
                          "ru")
    assert vague_pointers("Қай сотқа беретініңізді сотта нақтылаңыз.", "kk")
    assert vague_pointers("Денсаулыққа зиян туралы талап баждан босатыла ма — 2026 жылға "
                          "расталмады. Сотта немесе баж төлеу бетінде тексеріңіз.", "kk")
    assert vague_pointers("Проверьте текущую ставку в суде или на странице оплаты.", "ru")
    assert vague_pointers("Так ли это в 2026 году, уточните.", "ru")
    assert vague_pointers("Некоторым людям положена бесплатная юридическая помощь.", "ru")
    assert vague_pointers("Кейбір адамдарға тегін заң көмегі беріледі.", "kk")
    assert vague_pointers("Білмесеңіз, адаммен сөйлесіңіз.", "kk")
    # Who, where and how: the court's office, the call centre, a lawyer, a guide, a button.
    assert vague_pointers("Сумму пошлины уточните в канцелярии суда (по телефону или на приёме) "
                          "или спросите в колл-центре: кнопка «👤 Помощь человека».", "ru") == []
    assert vague_pointers("Баж сомасын сот кеңсесінен (телефонмен немесе барып) немесе "
                          "колл-орталықтан біліңіз: «👤 Адам көмегі» батырмасы.", "kk") == []
    assert vague_pointers("С какого дня считать срок, спросите у юриста.", "ru") == []
    assert vague_pointers("Кейбір адамдарға тегін заң көмегі беріледі. Кімге болатынын «Тегін заң "
                          "көмегі» нұсқаулығынан қараңыз.", "kk") == []
    assert vague_pointers("Білмесеңіз, «👤 Адам көмегі» батырмасын басыңыз.", "kk") == []
    # Whom to ask may be named in the sentence before; the reader's own checks are no pointer.
    assert vague_pointers("Позвоните в страховую компанию. Спросите, какие документы нужны.",
                          "ru") == []
    assert vague_pointers("Проверьте, что раскладка латинская и Caps Lock выключен.", "ru") == []
    # A failing text names its file and key; a heading («Сначала узнайте сумму») leads on.
    pair = Pair("content/pathways/x.yaml", "outcomes.a.where[0].text",
                "Қай сотқа беретініңізді сотта нақтылаңыз.", "Какой именно суд — уточните в суде.")
    problems = pair_problems([pair], _terms())
    assert problems[0].startswith("content/pathways/x.yaml outcomes.a.where[0].text: kk: "
                                  "«нақтылаңыз» points to «the court» only")
    assert problems[1].startswith("content/pathways/x.yaml outcomes.a.where[0].text: ru: "
                                  "«уточните» points to «the court» only")
    heading = Pair("content/guides/g.yaml", "steps[0].title", "Алдымен соманы біліңіз",
                   "Сначала узнайте сумму")
    assert pair_problems([heading], _terms()) == []
