"""The language review's worst defects (shared/reviews/2026-12-02-language.md), each held so it
cannot come back: Kazakh that tells a defendant to ignore court papers, guide texts naming a help
button that is not on their screen, a date before «дейін» without its dative, a plan that states
the outcome of a dismissal case as certain, and a Russian bot that changes gender mid-chat."""

from __future__ import annotations

import re

import pytest

from bot.app import Core
from bot.services.i18n import gettext_for
from bot.services.kazakh import forms, inflect
from tests.people import DIVORCE, agreed_person, plain


def _pairs(core: Core, pathway: str, outcome: str, section: str) -> list[dict[str, str]]:
    items = getattr(core.content.pathways[pathway].outcomes[outcome], section)
    return [{language: item.text(language) for language in ("kk", "ru")} for item in items]


@pytest.mark.parametrize(("pathway", "outcome", "section"), [
    ("damage.traffic", "culprit", "where"), ("housing", "got_claim", "what")])
async def test_kazakh_never_says_ignore_the_court_papers(core: Core, pathway, outcome,
                                                         section) -> None:
    first = _pairs(core, pathway, outcome, section)[0]
    assert "елемеңіз" not in first["kk"]
    assert "назарсыз қалдырмаңыз" in first["kk"]  # "do not leave without attention", as in ru
    assert "не оставляйте" in first["ru"].lower()
    everything = "\n".join(
        statement.text("kk") for path in core.content.pathways.values()
        for result in path.outcomes.values() for section_items in
        (result.what, result.where, result.help) for statement in section_items)
    assert not re.search(r"\bелеме(ңіз|ңдер|)\b", everything)


async def test_guide_texts_name_the_help_button_that_is_on_their_screen(core: Core) -> None:
    for language, label in (("kk", "👤 Адам көмегі"), ("ru", "👤 Помощь человека")):
        person = await agreed_person(core, language, user_id=f"g-{language}")
        shown = await person.press("go:guide_step:guide.notifications/4")
        assert label in person.labels
        shown = await person.press("go:guide_trouble:guide.notifications/4")
        assert f"«{label}»" in shown.text and label in person.labels
        for guide in core.content.guides.values():
            for step in guide.steps:
                for text in (step.text(language), step.trouble(language) if step.trouble
                             else ""):
                    named = re.findall(r"«(👤[^»]*)»", text)
                    assert set(named) <= {label}, (guide.id, named)


def test_a_date_before_deyin_takes_the_dative() -> None:
    assert inflect("2026 ж. 5 наурыз", "dative") == "2026 ж. 5 наурызға"
    assert inflect("2026 ж. 5 сәуір", "dative") == "2026 ж. 5 сәуірге"
    assert inflect("2026 ж. 5 қыркүйек", "dative") == "2026 ж. 5 қыркүйекке"
    assert inflect("2026 ж. 1 шілде", "dative") == "2026 ж. 1 шілдеге"
    assert inflect("5", "dative") == "5-ке" and inflect("6", "dative") == "6-ға"
    assert inflect("40", "dative") == "40-қа" and inflect("1000", "dative") == "1000-ға"
    assert inflect("2026 ж. 5 наурыз", "ablative") == "2026 ж. 5 наурыздан"
    assert inflect("2026 ж. 5 маусым", "ablative") == "2026 ж. 5 маусымнан"
    assert inflect("2026 ж. 5 қыркүйек", "ablative") == "2026 ж. 5 қыркүйектен"
    assert forms("day", "5 марта 2026 г.", "ru")["day_dative"] == "5 марта 2026 г."
    line = gettext_for("kk")("(a day off: to be safe, file by {day})")
    assert "{day_dative} дейін" in line
    assert "{day} дейін" not in line
    rendered = line.format(**forms("day", "2026 ж. 23 қазан", "kk"))
    assert "2026 ж. 23 қазанға дейін" in rendered


async def test_the_kazakh_plan_page_renders_the_safe_day_in_the_dative(core: Core) -> None:
    person = await agreed_person(core, "kk")
    await person.answer("agree/no", "baby/no", "property/yes")
    await person.press(f"plan:{DIVORCE}")
    await person.press(f"go:plan:{DIVORCE}/court_property/3")
    await person.press_label("📅 Мерзімімді есептеу")
    shown = await person.say("25.09.2026")
    text = plain(shown.text)
    assert "2026 ж. 23 қазанға дейін" in text, text  # the 25th is a Sunday
    assert not re.search(r"қазан дейін", text)


def test_dismissal_plans_do_not_promise_reinstatement() -> None:
    from bot.services.content import load_content

    content = load_content()
    outcomes = content.pathways["labour.dismissal"].outcomes
    for outcome in outcomes.values():
        for statement in [*outcome.what, *outcome.where, *outcome.help]:
            kk, ru = statement.text("kk"), statement.text("ru")
            assert "қайта алынады" not in kk and "төленеді" not in kk, kk
            assert not re.search(r"\bвосстанавливают\b", ru), ru
    first = outcomes["dis_to_commission"].what[1]
    assert "мүмкін" in first.text("kk") and "могут" in first.text("ru")
    assert "вынужденный прогул" not in first.text("ru")  # explained in plain words


def test_the_russian_bot_speaks_of_itself_as_one_masculine_i() -> None:
    from babel.messages.pofile import read_po

    from bot.services.i18n import LOCALES_DIR

    with (LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    texts = [message.string for message in catalog if message.id and message.string]
    mixed = [text for text in texts if re.search(r"понял\(а\)|уверен\(а\)|застрял\(а\)", text)]
    assert mixed == []
    feminine = [text for text in texts
                if re.search(r"\bЯ\s+(?:не\s+)?(?:нашла|поняла|записала|напомнила)\b|\bРада\b",
                             text)]
    assert feminine == []
    assert any(re.search(r"\bя не понял\b", text, re.I) for text in texts)
    assert any("Я нашёл" in text for text in texts)


async def test_the_first_screen_offers_help_in_both_languages(core: Core) -> None:
    from tests.people import Person

    person = Person(core, "newcomer")
    await person.say("/start")
    assert person.labels[-1] in ("👤 Көмек / Помощь", "👤 Помощь / Көмек")


def test_delete_and_stop_reminders_never_share_a_word_in_kazakh() -> None:
    _ = gettext_for("kk")
    delete, stop = _("🗑 Delete"), _("🔕 Stop reminders")
    words = {label: set(re.findall(r"\w+", label.lower())) for label in (delete, stop,
                                                                       _("🔕 Stop all reminders"))}
    assert not words[delete] & words[stop] and not words[delete] & words[_("🔕 Stop all reminders")]
    assert "өшіру" not in " ".join(words[stop] | words[_("🔕 Stop all reminders")])
    assert "жою" in _("Delete this hearing and its reminders?") or "жоя" in _(
        "Delete this hearing and its reminders?")


def test_russian_source_line_has_no_double_full_stop() -> None:
    from datetime import date

    from bot.services.clock import format_day

    line = gettext_for("ru")("Source: {source}. Checked: {date}.").format(
        source="ГПК РК", date=format_day(date(2026, 11, 22), "ru"))
    assert ".." not in line and line.endswith("г.")


async def test_reminder_list_inside_a_sentence_is_lower_case_in_russian(core: Core) -> None:
    from types import SimpleNamespace

    from bot.services.flows.hearings import _reminder_summary

    ctx = SimpleNamespace(gettext=gettext_for("ru"))
    hearing = SimpleNamespace(reminders_on=["7d", "1d", "2h"])
    assert _reminder_summary(ctx, hearing) == "🔔 Напоминания: за 7 дней, за 1 день, за 2 часа."
