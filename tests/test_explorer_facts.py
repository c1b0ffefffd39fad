"""The legal facts the 2026-12-02 audit found wrong stay corrected, and the questions that decide
the answer are asked (docs/research/2026-12-02-facts-recheck.md).

Each wrong claim has a test that fails if the old value comes back: a computed court-divorce
duty, the АППК month counted from the decision, labour terms counted from the order's date,
civil servants sent to a conciliation commission, every court act appealed as a civil case. Each
new question is walked in Kazakh and Russian through the real conversation engine.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import Core
from bot.config import CONTENT_DIR
from bot.services.content import load_content
from bot.services.conversation import Screen
from bot.services.explorer.check import Path as Walk
from bot.services.explorer.check import PathwayWalker, all_paths
from bot.services.explorer.model import Duty
from bot.services.explorer.plan import PlanWriter, sections_of
from bot.services.explorer.progress import UNSURE
from bot.services.i18n import LANGUAGES, gettext_for
from tests.people import plain

CONTENT = load_content(Path(os.environ.get("CONTENT_DIR") or CONTENT_DIR))
TODAY = date(2026, 12, 2)


def writer(pathway_id: str, outcome_id: str, language: str, start: date | None = None
           ) -> PlanWriter:
    outcome = CONTENT.pathways[pathway_id].outcomes[outcome_id]
    return PlanWriter(CONTENT, outcome, language, gettext_for(language), TODAY,
                      start_date=start)


def whole(pathway_id: str, outcome_id: str, language: str, start: date | None = None) -> str:
    return plain(writer(pathway_id, outcome_id, language, start).whole())


async def walk(core: Core, pathway_id: str, answers: tuple[tuple[str, str], ...], outcome: str,
               language: str) -> list[Screen]:
    """One person through the engine: the answers, the summary, every page of the plan."""
    pathway = CONTENT.pathways[pathway_id]
    walker = PathwayWalker(core.conversation)
    shown = await walker.walk(pathway, Walk(answers, outcome), language)
    assert walker.problems == []
    pages = {s.name for s in shown if s.name.startswith(f"plan:{pathway_id}/{outcome}/")}
    assert len(pages) == len(sections_of(pathway.outcomes[outcome]))
    return shown


def asked(shown: list[Screen], pathway_id: str) -> list[str]:
    return [s.name.split("/", 1)[1] for s in shown if s.name.startswith(f"ask:{pathway_id}/")]


# ── 1. Court divorce: no computed duty from a rate nobody confirmed for 2026 ─────────────────


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("pathway_id", "outcome_id"), [
    ("family.divorce", "court"),
    ("admin.state_body", "sb_court"),
    ("admin.state_body", "sb_court_direct"),
])
def test_an_unconfirmed_court_duty_is_told_in_words_never_counted(pathway_id, outcome_id,
                                                                  language) -> None:
    text = whole(pathway_id, outcome_id, language)
    assert "1 297,50" not in text and "1 297,5" not in text
    assert "× 4 325" not in text  # no МРП multiplied out
    duty = CONTENT.pathways[pathway_id].outcomes[outcome_id].duty
    assert duty.kind == "check" and duty.check
    assert gettext_for(language)("👤 Person") in duty.text(language)  # the way to a person


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_court_divorce_duty_says_what_is_known_and_marks_it_as_before_2026(language) -> None:
    duty = CONTENT.pathways["family.divorce"].outcomes["court"].duty
    assert "0,5" in duty.text(language) and "2026" in duty.text(language)
    assert "0,3" not in duty.text(language)  # the old, wrong rate
    assert CONTENT.sources[duty.source].confidence == "L"  # a news report, not the law


def test_no_outcome_counts_a_duty_it_marks_as_unconfirmed() -> None:
    for pathway in CONTENT.pathways.values():
        for outcome in pathway.outcomes.values():
            if outcome.duty and outcome.duty.check:
                assert outcome.duty.kind not in ("mrp", "percent"), pathway.id
    with pytest.raises(ValidationError, match="not counted"):
        Duty(kind="mrp", mrp=0.3, text={"kk": "баж", "ru": "пошлина"}, source="duty_old_code",
             check=True)


# ── 2. АППК: the month to court runs from delivery of the act, not its adoption ──────────────


def test_the_appk_month_without_a_pre_trial_step_counts_from_receiving_the_act() -> None:
    outcome = CONTENT.pathways["admin.state_body"].outcomes["sb_court_direct"]
    assert outcome.start_event.ru == "день, когда вы получили решение или узнали о нём"
    assert "алған" in outcome.start_event.kk and "білген" in outcome.start_event.kk
    for language in LANGUAGES:
        assert "принят" not in outcome.deadlines[0].text(language)
        assert "қабылданған" not in outcome.deadlines[0].text(language)
    # received on 10 March 2026 (decided, say, in February): the last day is 10 April 2026
    text = whole("admin.state_body", "sb_court_direct", "ru", date(2026, 3, 10))
    assert "Последний день: 10 апреля 2026 г." in text
    assert "день, когда вы получили решение или узнали о нём — 10 марта 2026 г." in text


# ── 3. Labour: terms run from receiving (or the mailing of) the copy ─────────────────────────


@pytest.mark.parametrize(("outcome_id", "copy_of"), [
    ("dis_to_commission", "приказа"),
    ("dis_court_direct", "приказа"),
    ("dis_service_court", "приказа"),
    ("dis_court_after", "решения комиссии"),
])
def test_labour_terms_count_from_the_copy_the_worker_got(outcome_id, copy_of) -> None:
    outcome = CONTENT.pathways["labour.dismissal"].outcomes[outcome_id]
    assert outcome.start_event.ru.startswith("день, когда ")
    assert f"копию {copy_of}" in outcome.start_event.ru
    assert "письмом — день отправки" in outcome.start_event.ru
    assert "көшірме" in outcome.start_event.kk
    for language in LANGUAGES:
        text = whole("labour.dismissal", outcome_id, language)
        assert "дата приказа" not in text and "день решения согласительной" not in text
        assert "бұйрықтың күні" not in text and "шешім шығарған күн" not in text


def test_the_commission_month_runs_from_the_day_the_order_was_handed_over() -> None:
    # the copy handed over on 31 January 2026: one month ends on 28 February (a Saturday)
    text = whole("labour.dismissal", "dis_to_commission", "ru", date(2026, 1, 31))
    assert "Последний день: 28 февраля 2026 г." in text
    assert "подайте не позже 27 февраля 2026 г." in text  # the safe working day before


# ── 4. Civil servants, military and law-enforcement staff: no commission ─────────────────────


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_civil_servant_is_not_sent_to_a_conciliation_commission(core, language) -> None:
    shown = await walk(core, "labour.dismissal", (("dis_exempt", "no"), ("dis_service", "yes")),
                       "dis_service_court", language)
    assert asked(shown, "labour.dismissal") == ["dis_exempt", "dis_service"]
    question = next(s for s in shown if s.name == "ask:labour.dismissal/dis_service")
    assert any(word in question.text for word in ("военнослужащий", "әскери"))
    plan = " ".join(s.text for s in shown if s.name.startswith("plan:"))
    assert "dis_to_commission" not in " ".join(s.name for s in shown)
    assert any(word in plan for word in ("не обязательна", "міндетті емес"))
    assert any(word in plan for word in ("Помощь человека", "Адам көмегі"))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_not_sure_about_state_service_takes_the_shorter_commission_way(core,
                                                                          language) -> None:
    shown = await walk(core, "labour.dismissal",
                       (("dis_exempt", "no"), ("dis_service", UNSURE), ("dis_commission", "no")),
                       "dis_to_commission", language)
    unsure = next(s for s in shown if s.name == "unsure:labour.dismissal/dis_service")
    assert "go:human" in {c.id for c in unsure.all_choices}
    assert asked(shown, "labour.dismissal")[-1] == "dis_commission"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_unpaid_wages_of_a_civil_servant_go_straight_to_court(core, language) -> None:
    shown = await walk(core, "labour.wages",
                       (("wage_way", "dispute"), ("wage_exempt", "no"), ("wage_service", "yes")),
                       "wage_court_direct", language)
    assert asked(shown, "labour.wages") == ["wage_way", "wage_exempt", "wage_service"]


def test_every_way_to_a_state_service_plan_asks_the_service_question() -> None:
    for pathway_id, question in (("labour.dismissal", "dis_service"),
                                 ("labour.wages", "wage_service")):
        pathway = CONTENT.pathways[pathway_id]
        assert {o.value for o in pathway.questions[question].options} == {"yes", "no"}
        for way in all_paths(pathway):
            if (question, "yes") in way.answers:
                assert way.outcome in ("dis_service_court", "wage_court_direct")


# ── 5. court.appeal asks the kind of case first ──────────────────────────────────────────────


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_administrative_case_gets_two_months_to_appeal(core, language) -> None:
    shown = await walk(core, "court.appeal", (("ap_kind", "admin"),), "ap_admin", language)
    assert asked(shown, "court.appeal") == ["ap_kind"]
    outcome = CONTENT.pathways["court.appeal"].outcomes["ap_admin"]
    assert outcome.deadlines[0].term.count == 2 and outcome.deadlines[0].term.unit == "months"
    assert CONTENT.sources[outcome.deadlines[0].source].cite.ru.startswith("АППК РК, ст. 168")
    # final form on 15 September 2026: two months end on Sunday 15 November
    text = whole("court.appeal", "ap_admin", language, date(2026, 9, 15))
    assert ("Последний день: 15 ноября 2026 г." in text
            or "Соңғы күн: 2026 ж. 15 қараша" in text), text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_court_ruling_on_a_fine_gets_no_made_up_term(core, language) -> None:
    shown = await walk(core, "court.appeal", (("ap_kind", "fine"),), "ap_fine", language)
    outcome = CONTENT.pathways["court.appeal"].outcomes["ap_fine"]
    assert not outcome.deadlines  # the term was not found: nothing is counted
    plan = " ".join(s.text for s in shown if s.name.startswith("plan:"))
    assert any(word in plan for word in ("не смог подтвердить", "растай алмадым"))
    assert any(word in plan for word in ("Помощь человека", "Адам көмегі"))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_civil_case_goes_on_to_the_old_questions(core, language) -> None:
    shown = await walk(core, "court.appeal",
                       (("ap_kind", "civil"), ("ap_what", "decision"), ("ap_present", "yes")),
                       "ap_appeal", language)
    assert asked(shown, "court.appeal") == ["ap_kind", "ap_what", "ap_present"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_not_sure_of_the_kind_of_case_leads_to_a_person(core, language) -> None:
    pathway = CONTENT.pathways["court.appeal"]
    assert pathway.start == "ap_kind"
    assert pathway.unsure_for("ap_kind").next is None  # no guess: the terms differ too much
    walker = PathwayWalker(core.conversation)
    shown = await walker.walk(pathway, Walk((("ap_kind", UNSURE),), "ap_admin"), language)
    unsure = next(s for s in shown if s.name == "unsure:court.appeal/ap_kind")
    assert "go:human" in {c.id for c in unsure.all_choices}
    assert any(word in unsure.text for word in ("КоАП", "ӘҚБтК"))


# ── What the recheck confirmed, and what it could not ────────────────────────────────────────


@pytest.mark.parametrize("source_id", [
    "labour_159", "labour_160", "appk_136", "appk_168", "lab_gpk_223", "mrp_2026",
    "lab_duty_labour_old", "gpk_30_jurisdiction",
])
def test_sources_reread_on_the_recheck_carry_its_date_and_a_page_that_says_it(source_id) -> None:
    source = CONTENT.sources[source_id]
    assert source.checked == date(2026, 12, 2)
    assert source.confidence in ("H", "M")
    assert source.url != "https://adilet.zan.kz"  # a page that holds the text, not a front door


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reasoned_decision_term_is_now_stated_without_a_warning(language) -> None:
    item = CONTENT.pathways["court.appeal"].outcomes["ap_appeal"].deadlines[1]
    assert item.source == "lab_gpk_223" and not item.check
    warning = gettext_for(language)("⚠️ Not confirmed: check this with the court.")
    assert warning not in writer("court.appeal", "ap_appeal", language).page("deadlines")


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_nobody_could_confirm_is_not_told_as_fact(language) -> None:
    warning = gettext_for(language)("⚠️ Not confirmed: check this with the court.")
    consumer = CONTENT.pathways["consumer"].outcomes["court"]
    assert consumer.duty.kind != "exempt" and consumer.duty.check
    assert consumer.where[0].check  # "sue where the seller is" (gov.kz page not re-read)
    for pathway in CONTENT.pathways.values():
        for outcome in pathway.outcomes.values():
            for item in outcome.statements():
                if item.source == "gpk_145_simplified" and "1 000" in item.text(language):
                    assert item.check, pathway.id  # the 1 000 МРП threshold, not found
    injury = whole("damage.traffic", "court_injury", language)
    assert warning in injury
    assert "Общий срок исковой давности — 3 года." not in injury
    assert "Жалпы талап қою мерзімі — 3 жыл." not in injury
