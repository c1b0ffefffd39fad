"""The plan's first page as a weak reader needs it: what to do, by when and how many days are
left, what it costs; sources behind one button per page; "information, not a promise" on every
page; and, in a real browser on a 390×844 phone, all of it and its buttons without scrolling."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest
from aiohttp import ClientSession, CookieJar

from bot.app import BotApp, Core
from bot.services.bilingual import Bilingual
from bot.services.content import load_content
from bot.services.explorer.calc import WorkCalendar, days_left, term_end
from bot.services.explorer.model import Deadline, Duty, Outcome, Statement, Term
from bot.services.explorer.plan import PlanWriter, sections_of
from bot.services.i18n import gettext_for
from tests.browser import chromium, needs_browser
from tests.people import agreed_person, plain
from tests.test_local_chat import WebCitizen

CONTENT = load_content()
ORDER = "debt.court_order"
WORK = WorkCalendar(CONTENT.rates)


def _outcome(term: Term, duty: Duty | None = None) -> Outcome:
    """An outcome of our own, so these sums do not move when a lawyer edits a pathway."""
    words = Bilingual(kk="Өтініш беріңіз.", ru="Подайте заявление.")
    return Outcome(
        title=Bilingual(kk="Сынақ", ru="Проверка"),
        what=(Statement(text=words, plain=True),),
        deadlines=(Deadline(text=words, plain=True, term=term),),
        start_event=Bilingual(kk="хат келген күн", ru="день, когда пришло письмо"),
        duty=duty,
    )


def _writer(outcome: Outcome, language: str, today: date, start: date | None) -> PlanWriter:
    return PlanWriter(CONTENT, outcome, language, gettext_for(language), today, None, start)


# Hand-counted on the 2026–2027 calendars: (start, term, today, last day to file, days left).
# Kazakhstan's holidays: 16 Dec (Independence Day), 1–2 Jan (2 Jan 2027 is a Saturday, so
# Monday 4 Jan is off too), 7 Jan (Christmas), 25 Oct (Republic Day, a Sunday in 2026).
HAND_COUNTED = [
    # 10 working days from Thu 10 Dec: 11, 14, 15, (16 is a holiday), 17, 18, 21, 22, 23, 24, 25
    (date(2026, 12, 10), Term(count=10, unit="working_days"), date(2026, 12, 14),
     date(2026, 12, 25), 8),
    # over the New Year: from Thu 24 Dec: 25, 28, 29, 30, 31, (1, 2, 4 Jan off), 5, 6,
    # (7 Jan off), 8, 11, 12 → Tue 12 Jan; on 30 Dec the days after it are 31, 5, 6, 8, 11, 12
    (date(2026, 12, 24), Term(count=10, unit="working_days"), date(2026, 12, 30),
     date(2027, 1, 12), 6),
    (date(2026, 12, 24), Term(count=10, unit="working_days"), date(2027, 1, 8),
     date(2027, 1, 12), 2),
    (date(2026, 12, 24), Term(count=10, unit="working_days"), date(2027, 1, 11),
     date(2027, 1, 12), 1),
    # a month from 31 Jan ends on 28 Feb, a Saturday: file by Friday 27 Feb, 7 days after 20 Feb
    (date(2026, 1, 31), Term(count=1, unit="months"), date(2026, 2, 20), date(2026, 2, 27), 7),
    # a month from 25 Sep ends on Sunday 25 Oct, Republic Day: file by Friday 23 Oct
    (date(2026, 9, 25), Term(count=1, unit="months"), date(2026, 10, 2), date(2026, 10, 23), 21),
    # two months from 16 Oct end on 16 Dec, Independence Day: file by Tuesday 15 Dec
    (date(2026, 10, 16), Term(count=2, unit="months"), date(2026, 12, 2), date(2026, 12, 15), 13),
    # a month from 31 Mar ends on Thursday 30 Apr, a working day
    (date(2026, 3, 31), Term(count=1, unit="months"), date(2026, 4, 28), date(2026, 4, 30), 2),
]


@pytest.mark.parametrize(("start", "term", "today", "by", "left"), HAND_COUNTED)
def test_days_left_match_the_hand_count(start, term, today, by, left) -> None:
    counted = days_left(today, term_end(start, term, WORK), term, WORK)
    assert (counted.by, counted.count) == (by, left)
    assert counted.working == (term.unit == "working_days")


@pytest.mark.parametrize(("start", "term", "today", "ru", "kk"), [
    (date(2026, 12, 10), Term(count=10, unit="working_days"), date(2026, 12, 14),
     "📅 Последний день: 25 декабря 2026 г., осталось 8 рабочих дней.",
     "📅 Соңғы күн: 2026 ж. 25 желтоқсан, 8 жұмыс күні қалды."),
    (date(2026, 12, 24), Term(count=10, unit="working_days"), date(2027, 1, 8),
     "📅 Последний день: 12 января 2027 г., осталось 2 рабочих дня.",
     "📅 Соңғы күн: 2027 ж. 12 қаңтар, 2 жұмыс күні қалды."),
    (date(2026, 12, 24), Term(count=10, unit="working_days"), date(2027, 1, 11),
     "📅 Последний день: 12 января 2027 г., остался 1 рабочий день.",
     "📅 Соңғы күн: 2027 ж. 12 қаңтар, 1 жұмыс күні қалды."),
    (date(2026, 9, 25), Term(count=1, unit="months"), date(2026, 10, 2),
     "📅 Последний день: 23 октября 2026 г., остался 21 день.",
     "📅 Соңғы күн: 2026 ж. 23 қазан, 21 күн қалды."),
    (date(2026, 10, 16), Term(count=2, unit="months"), date(2026, 12, 2),
     "📅 Последний день: 15 декабря 2026 г., осталось 13 дней.",
     "📅 Соңғы күн: 2026 ж. 15 желтоқсан, 13 күн қалды."),
    (date(2026, 3, 31), Term(count=1, unit="months"), date(2026, 4, 30),
     "📅 Сегодня последний день: 30 апреля 2026 г.",
     "📅 Соңғы күн — бүгін, 2026 ж. 30 сәуір."),
    (date(2026, 3, 31), Term(count=1, unit="months"), date(2026, 5, 4),
     "📅 Последний день был 30 апреля 2026 г.: срок прошёл. Сегодня же спросите юриста или "
     "колл-центр суда, что ещё можно сделать.",
     "📅 Соңғы күн 2026 ж. 30 сәуір еді: мерзім өтіп кетті. Енді не істеуге болатынын бүгін "
     "заңгерден немесе соттың байланыс орталығынан сұраңыз."),
])
def test_the_plan_says_how_many_days_are_left_in_both_languages(start, term, today, ru,
                                                                  kk) -> None:
    outcome = _outcome(term)
    assert plain(_writer(outcome, "ru", today, start).by_when()) == ru
    assert plain(_writer(outcome, "kk", today, start).by_when()) == kk


def test_without_a_date_the_plan_names_the_term_and_the_button() -> None:
    outcome = _outcome(Term(count=10, unit="working_days"))
    ru = _writer(outcome, "ru", date(2026, 12, 2), None).by_when()
    assert ru == ("📅 Срок: 10 рабочих дней. Начало отсчёта — день, когда пришло письмо. "
                  "Нажмите 📅 — я посчитаю дни.")
    kk = _writer(outcome, "kk", date(2026, 12, 2), None).by_when()
    assert kk.startswith("📅 Мерзімі: 10 жұмыс күні. Есептеу басталатын күн: хат келген күн.")


@pytest.mark.parametrize(("duty", "ru", "kk"), [
    (Duty(kind="none", text=Bilingual(kk="Тегін.", ru="Бесплатно.")),
     "💰 Стоимость: бесплатно", "💰 Құны: тегін"),
    (Duty(kind="exempt", source="consumer_gov_kz",
          text=Bilingual(kk="Баж алынбайды.", ru="Пошлина не взимается.")),
     "💰 Стоимость: бесплатно", "💰 Құны: тегін"),
    (Duty(kind="mrp", mrp=2, source="egov_divorce", text=Bilingual(kk="2 АЕК.", ru="2 МРП.")),
     "💰 Стоимость: 8 650 ₸ (госпошлина)", "💰 Құны: 8 650 ₸ (мемлекеттік баж)"),
    (Duty(kind="check", text=Bilingual(kk="Сотта сұраңыз.", ru="Спросите в суде.")),
     "💰 Стоимость: спросите в канцелярии суда",
     "💰 Құны: сот кеңсесінен сұраңыз"),
    (Duty(kind="percent", percent=1, cap_mrp=10000, source="egov_divorce",
          text=Bilingual(kk="1 %.", ru="1 %.")),
     "💰 Стоимость: 1 % от суммы иска", "💰 Құны: талап сомасының 1 %"),
])
def test_the_cost_is_said_in_a_word_or_in_tenge(duty: Duty, ru: str, kk: str) -> None:
    outcome = _outcome(Term(count=1, unit="months"), duty)
    assert plain(_writer(outcome, "ru", date(2026, 12, 2), None).cost()) == ru
    assert plain(_writer(outcome, "kk", date(2026, 12, 2), None).cost()) == kk


def test_every_page_of_every_plan_is_information_not_a_promise_without_source_lines() -> None:
    for pathway in CONTENT.pathways.values():
        for outcome in pathway.outcomes.values():
            for language, line, checked in (
                ("kk", "ℹ️ Бұл — анықтама, уәде емес.", "тексерілді"),
                ("ru", "ℹ️ Это информация, а не обещание", "проверено"),
            ):
                writer = _writer(outcome, language, date(2026, 12, 2), date(2026, 11, 25))
                for section in sections_of(outcome):
                    page = writer.page(section)
                    assert line in page, (pathway.id, section)
                    assert "📖" not in page and checked not in page, (pathway.id, section)
                    for source_id in writer.page_sources(section):
                        source = CONTENT.sources[source_id]
                        listed = writer.sources_text(section)
                        assert source.cite(language) in listed and source.url in listed


async def test_the_first_page_leads_and_its_sources_are_one_press_away(core: Core) -> None:
    person = await agreed_person(core)
    await person.press(f"start:{ORDER}")
    await person.press(f"ans:{ORDER}/agree/disagree")
    await person.press(f"ans:{ORDER}/in_time/no")
    shown = await person.press(f"plan:{ORDER}")
    assert shown.name == f"plan:{ORDER}/object/1"
    assert shown.text.startswith("Подать возражение на судебный приказ\n\n✍️ Что сделать:")
    assert "📅 Срок: 10 рабочих дней." in shown.text
    assert "💰 Стоимость:" in shown.text
    assert "📖" not in shown.text
    shown = await person.press_label("📅 Посчитать мои сроки")
    shown = await person.press(f"day:{ORDER}/object/today")  # counted from today: all 10 left
    assert shown.name == f"plan:{ORDER}/object/1"  # back on the first page, not asked twice
    assert "осталось 10 рабочих дней" in shown.text
    shown = await person.press(f"go:plan:{ORDER}/object/4")  # the deadlines
    assert "➡ Последний день" in shown.text and "осталось 10 рабочих дней" in shown.text
    assert "📅 Посчитать мои сроки" in person.labels
    shown = await person.press("back")
    assert shown.name == f"plan:{ORDER}/object/1"
    shown = await person.press_label("📖 Откуда это известно")
    assert shown.name == f"src:{ORDER}/object/1"
    assert "ГПК РК, ст. 141" in shown.text and "https://" in shown.text
    assert "проверено 22.11.2026" in shown.text
    shown = await person.press("back")
    assert shown.name == f"plan:{ORDER}/object/1"


# ── In a real browser, on a phone-sized screen ────────────────────────────────────────────

FOLD = """(box) => {
  const form = document.getElementById('say').getBoundingClientRect().top;
  const inside = (r) => r.top >= 0 && r.bottom <= form && r.height > 0;
  const text = box.querySelector('.text');
  const rectOf = (needle) => {
    const node = text.firstChild, at = node.data.indexOf(needle);
    if (at < 0) return null;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    return range.getBoundingClientRect();
  };
  const lines = {};
  for (const needle of %s) { const r = rectOf(needle); lines[needle] = !!r && inside(r); }
  const buttons = [...box.querySelectorAll('button')].map(
    (b) => [b.textContent, inside(b.getBoundingClientRect())]);
  return {lines, buttons, form, bottom: box.getBoundingClientRect().bottom};
}"""

PHONE = {"width": 390, "height": 844}


async def _settled(page) -> None:
    """Wait for the smooth scroll to the newest message to stop."""
    last = None
    for _frame in range(60):
        now = await page.evaluate("window.scrollY")
        if now == last:
            return
        last = now
        await asyncio.sleep(0.1)


@needs_browser
@pytest.mark.parametrize(("language", "lines"), [
    ("ru", ["📅 Последний день:", "рабочих дней", "💰 Стоимость:", "ℹ️ Это информация"]),
    ("kk", ["📅 Соңғы күн:", "жұмыс күні қалды", "💰 Құны:", "ℹ️ Бұл — анықтама"]),
])
async def test_the_first_plan_page_fits_a_phone_screen_with_its_buttons(
    local_chat: BotApp, tmp_path, language: str, lines: list[str]
) -> None:
    async with chromium() as browser:
        page = await browser.new_page(locale=f"{language}-KZ", viewport=PHONE)
        await page.goto(local_chat.http_url + "/")
        await page.locator(f'button[data-choice="lang:{language}"]').click()
        for choice in ("consent:yes", f"start:{ORDER}", f"ans:{ORDER}/agree/disagree",
                       f"ans:{ORDER}/in_time/no", f"plan:{ORDER}"):  # as if pressed
            await page.evaluate("(choice) => send('choice', choice, '')", choice)
        for choice in (f"go:date:{ORDER}/object", f"day:{ORDER}/object/yesterday"):  # pressed
            before = await page.locator(".msg.bot").count()
            await page.locator(".msg.bot").last.locator(f'button[data-choice="{choice}"]').click()
            await page.wait_for_function(f"document.querySelectorAll('.msg.bot').length > {before}")
        last = page.locator(".msg.bot").last
        assert await last.get_attribute("data-screen") == f"plan:{ORDER}/object/1"
        await _settled(page)
        await page.screenshot(path=str(tmp_path / f"plan-{language}.png"))
        seen = await last.evaluate(FOLD.replace("%s", json.dumps(lines)))
        assert all(seen["lines"].values()), seen
        assert len(seen["buttons"]) >= 6, seen  # dates, next, sources, share, back…person
        assert all(inside for _label, inside in seen["buttons"]), seen


async def test_the_sources_screen_works_through_the_web_chat(local_chat: BotApp) -> None:
    async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
        citizen = WebCitizen(http, local_chat.http_url)
        await citizen.open()
        for kind, value in (("text", "/start"), ("choice", "lang:kk"), ("choice", "consent:yes"),
                            ("choice", f"start:{ORDER}"), ("choice", f"ans:{ORDER}/agree/paid"),
                            ("choice", f"ans:{ORDER}/in_time/no"), ("choice", f"plan:{ORDER}")):
            await citizen.send(kind, value)
        await citizen.press("📖 Бұл қайдан алынды")
        assert citizen.text.startswith("📖 Бұл қайдан алынды: Сот бұйрығына қарсылық беру")
        assert "22.11.2026 тексерілді" in citizen.text


def test_the_forwarded_plan_leads_the_same_way_without_pointing_to_a_button() -> None:
    outcome = CONTENT.pathways[ORDER].outcomes["object"]
    whole = _writer(outcome, "ru", date(2026, 12, 2), None).whole()
    assert "✍️ Что сделать:" in whole and "📅 Срок: 10 рабочих дней." in whole
    assert "Нажмите 📅" not in whole  # a forwarded message has no buttons
    assert "проверено 22.11.2026" in whole  # sources stay beside each statement there


def test_a_claim_does_not_lead_with_the_appeal_term_of_the_decision_to_come() -> None:
    """'File a claim' then '📅 1 month' would read as a month to file it: the appeal's term is
    on the deadlines page only, counted there once a date is given."""
    outcome = CONTENT.pathways["family.divorce"].outcomes["court"]
    writer = _writer(outcome, "ru", date(2026, 12, 2), date(2026, 11, 25))
    lead = writer.page("what")
    assert "📅" not in lead and "месяц" not in lead
    deadlines = plain(writer.page("deadlines"))
    assert "Апелляционная жалоба" in deadlines and "➡ Последний день: 25 декабря 2026 г." in (
        deadlines)
    for pathway in CONTENT.pathways.values():
        for item in (d for o in pathway.outcomes.values() for d in o.deadlines if d.later):
            assert item.term, pathway.id  # `later` marks a term the calculator counts
