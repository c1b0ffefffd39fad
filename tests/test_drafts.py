"""Draft documents, opened and read back: the answers are in them, in the person's language,
Kazakh letters survive in the PDF, skipped fields are blank lines, every draft is marked as a
draft in a small footer, its sources are one short last line, and nothing typed for it is
kept once it is made."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date

import docx
import pypdf
import pytest

from bot.services.content import load_content
from bot.services.explorer.drafts import BLANK, draft_files, fill
from tests.people import agreed_person, stored_data

CONTENT = load_content()
TODAY = date(2026, 11, 22)
KAZAKH_LETTERS = "әғқңөұүһі"
REQUIRED = {"divorce_claim", "alimony_order", "debt_claim", "court_order_objection",
            "consumer_claim", "labour_claim", "fine_complaint"}


def read_pdf(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def read_docx(content: bytes) -> str:
    """The body's paragraphs, then the page footer's."""
    document = docx.Document(io.BytesIO(content))
    footer = [paragraph.text for paragraph in document.sections[0].footer.paragraphs]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + footer)


def _files(template_id: str, language: str, answers: dict, fields: dict, amount=None):
    template = CONTENT.drafts[template_id]
    draft = fill(template, language, answers, fields, TODAY, amount,
                 ["https://adilet.zan.kz/rus/docs/K1500000377"])
    pdf, word = draft_files(template, draft, language)
    return draft, read_pdf(pdf.content), read_docx(word.content), (pdf, word)


def test_the_issue_s_seven_drafts_exist() -> None:
    assert REQUIRED <= set(CONTENT.drafts)
    used = {o.draft for p in CONTENT.pathways.values() for o in p.outcomes.values() if o.draft}
    assert REQUIRED <= used


def test_a_kazakh_divorce_claim_keeps_kazakh_letters_and_the_answers() -> None:
    fields = {"your_name": "Әлиева Гүлнар Сәкенқызы", "other_name": "Әлиев Нұрлан Үмбетұлы",
              "court": "Алматы қаласы Алмалы аудандық соты"}
    answers = {"agree": "no", "baby": "no", "property": "yes"}
    _draft, pdf, word, (pdf_file, word_file) = _files("divorce_claim", "kk", answers, fields)
    for text in (pdf, word):
        assert "Әлиева Гүлнар Сәкенқызы" in text
        assert "Әлиев Нұрлан Үмбетұлы" in text
        assert "Ажырасу туралы талап арыз" in text
        assert "ЖОБА" in text  # marked as a draft
        assert "Жауапкер ажырасуға келіспейді." in text  # chosen by the "agree: no" answer
        assert "Ортақ мүлік бөлінсін." in text  # chosen by the "property: yes" answer
        assert "Балалардың тұратын жері" not in text  # no children on this path
        assert all(letter in text.lower() for letter in "әұүө")
    assert pdf_file.filename == "divorce_claim-kk-draft.pdf"
    assert pdf_file.content.startswith(b"%PDF")
    assert word_file.mime_type.endswith("wordprocessingml.document")


def test_a_russian_draft_with_skipped_names_has_blank_lines() -> None:
    _draft, pdf, word, _made = _files("divorce_claim", "ru",
                                       {"agree": "yes", "children": "yes"}, {})
    for text in (pdf, word):
        assert "Исковое заявление о расторжении брака" in text
        assert "Истец: " + BLANK in text
        assert "ПРОЕКТ" in text
        assert "Определить место жительства детей" in text
    assert "Ажырасу" not in pdf  # nothing in the other language


@pytest.mark.parametrize("template_id", sorted(REQUIRED))
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_draft_renders_in_both_languages(template_id: str, language: str) -> None:
    fields = {"your_name": "Сәрсенбаев Қанат", "your_address": "Шымкент, Тәуке хан 5",
              "other_name": "ЖШС «Құрылыс»", "other_address": "Астана"}
    _draft, pdf, word, _made = _files(template_id, language, {}, fields, amount=500000)
    template = CONTENT.drafts[template_id]
    assert template.title(language) in word
    assert template.title(language).split()[0] in pdf
    for name in template.fields:
        if name in fields:
            assert fields[name] in word, name
    assert "{" not in pdf and "{" not in word  # every placeholder filled


def test_typed_names_cannot_break_the_document() -> None:
    hostile = {"your_name": "{other_name}\x00\x07" + "Я" * 500}
    word = _files("divorce_claim", "ru", {}, hostile)[2]
    assert "{other_name}" not in word
    assert "Я" * 150 in word and "Я" * 200 not in word  # cut to 200 characters


# ── The details a court office asks for, read back with poppler's pdftotext ────────────────

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    not PDFTOTEXT and not os.environ.get("REQUIRE_POPPLER"),
    reason="poppler-utils' pdftotext is not installed (CI installs it)")


def pdftotext(content: bytes) -> str:
    """The PDF's text as poppler reads it, in reading order with the layout kept."""
    done = subprocess.run([PDFTOTEXT or "pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
                          input=content, capture_output=True, check=True)
    return done.stdout.decode()


def _one_line(text: str) -> str:
    return " ".join(text.split())


ALIMONY_FIELDS = {"your_name": "Сәрсенова Әйгерім", "your_iin": "900101450123",
                  "your_phone": "+7 701 234 56 78", "your_address": "Түркістан, Тәуке хан 5",
                  "other_name": "Сәрсенов Болат", "child_name": "Сәрсенова Аружан Болатқызы",
                  "child_birth": "05.03.2020"}


@needs_pdftotext
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_alimony_draft_carries_the_iin_phone_and_the_child(language: str) -> None:
    template = CONTENT.drafts["alimony_order"]
    draft = fill(template, language, {}, ALIMONY_FIELDS, TODAY,
                 sources=["ҚР Неке және отбасы кодексі, 139-бап"])
    pdf, word = draft_files(template, draft, language)
    for text in (_one_line(pdftotext(pdf.content)), _one_line(read_docx(word.content))):
        assert "900101450123" in text and "+7 701 234 56 78" in text
        assert "Сәрсенова Аружан Болатқызы, 05.03.2020" in text
    assert pypdf.PdfReader(io.BytesIO(pdf.content)).get_num_pages() == 1  # no page of links


@needs_pdftotext
@pytest.mark.parametrize(("language", "sentence"), [
    ("ru", "Судом вынесен судебный приказ № 2-1234/2026 от 18.11.2026. Его копию я получил(а) "
           "(или узнал(а) о приказе): 20.11.2026."),
    ("kk", "Сот 18.11.2026 № 2-1234/2026 сот бұйрығын шығарды. Оның көшірмесін алған (бұйрық "
           "туралы білген) күнім: 20.11.2026."),
])
def test_an_objection_carries_the_order_and_reuses_the_day_the_copy_came(language: str,
                                                                         sentence: str) -> None:
    template = CONTENT.drafts["court_order_objection"]
    fields = {"order_number": "2-1234/2026", "order_date": "18.11.2026"}
    draft = fill(template, language, {"agree": "disagree"}, fields, TODAY,
                 received=date(2026, 11, 20))
    pdf, word = draft_files(template, draft, language)
    for text in (_one_line(pdftotext(pdf.content)), _one_line(read_docx(word.content))):
        assert sentence in text


@needs_pdftotext
@pytest.mark.parametrize("template_id", ["alimony_order", "court_order_objection"])
def test_skipped_details_are_blank_lines_to_fill_by_hand(template_id: str) -> None:
    template = CONTENT.drafts[template_id]
    pdf, word = draft_files(template, fill(template, "ru", {}, {}, TODAY), "ru")
    for text in (_one_line(pdftotext(pdf.content)), _one_line(read_docx(word.content))):
        assert f"ИИН: {BLANK}, телефон: {BLANK}" in text
        if template_id == "alimony_order":
            assert f"ФИО и дата рождения: {BLANK}, {BLANK}." in text
        else:
            assert f"приказ № {BLANK} от {BLANK}" in text
            assert f"о приказе): {BLANK}." in text


@needs_pdftotext
def test_the_draft_mark_is_a_small_footer_and_the_sources_one_short_line() -> None:
    template = CONTENT.drafts["alimony_order"]
    acts = ["ҚР Неке және отбасы кодексі, 139-бап", "ҚР АПК, 30-бап"]
    draft = fill(template, "kk", {}, ALIMONY_FIELDS, TODAY, sources=acts)
    pdf, word = draft_files(template, draft, "kk")
    text = pdftotext(pdf.content)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert not lines[0].startswith("ЖОБА")  # the application starts as a court expects
    assert "ЖОБА" in " ".join(lines[-3:])  # the mark is at the foot of the page
    sources = [line for line in lines if line.startswith("Дереккөздер:")]
    assert sources == ["Дереккөздер: ҚР Неке және отбасы кодексі, 139-бап; ҚР АПК, 30-бап."]
    assert "https://" not in text
    document = docx.Document(io.BytesIO(word.content))
    assert "ЖОБА" in document.sections[0].footer.paragraphs[0].text
    assert "ЖОБА" not in document.paragraphs[0].text


@needs_pdftotext
async def test_details_typed_for_an_objection_go_in_the_file_and_are_not_kept(core) -> None:
    order = "debt.court_order"
    person = await agreed_person(core)
    for choice in (f"start:{order}", f"ans:{order}/agree/disagree", f"ans:{order}/in_time/no",
                   f"plan:{order}", f"go:date:{order}/object"):
        await person.press(choice)
    await person.say("20.11.2026")  # given once, to the deadline calculator
    await person.press(f"go:draft:{order}/object")
    shown = await person.press_label("✍️ Вписать имена")
    assert shown.text.startswith("Ваше полное имя, как в удостоверении личности.")
    await person.say("Абенов Ерлан Маратович")
    shown = await person.say("12345")
    assert "ИИН — это 12 цифр" in shown.notice and shown.name.endswith("/1")  # asked again
    await person.say("900101 450123")
    shown = await person.say("8 (701) 234-56-78")
    assert shown.name == f"field:{order}/object/3"
    for _field in range(3):  # no address, nobody on the other side
        shown = await person.press_label("⏭ Пропустить")
    assert shown.text.startswith("Номер судебного приказа")
    await person.say("2-77/2026")
    shown = await person.say("31.02.2026")
    assert "Не получилось прочитать дату" in shown.notice
    await person.say("18.11.2026")
    assert "Абенов" in await stored_data(core)  # only while the draft is being made
    shown = await person.press_label("📄 Сделать сейчас")  # the court's name left blank
    assert shown.name == f"ready:{order}/object"
    pdf = _one_line(pdftotext(shown.attachments[0].content))
    word = _one_line(read_docx(shown.attachments[1].content))
    for text in (pdf, word):
        assert "Должник: Абенов Ерлан Маратович" in text
        assert "ИИН: 900101450123, телефон: 8 (701) 234-56-78" in text
        assert "приказ № 2-77/2026 от 18.11.2026" in text
        assert "о приказе): 20.11.2026." in text  # the calculator's date, not asked again
    stored = await stored_data(core)
    for typed in ("Абенов", "900101450123", "234-56-78", "2-77/2026", "18.11.2026"):
        assert typed not in stored, typed


def test_a_draft_blank_that_is_never_asked_is_a_content_problem() -> None:
    """{your_iin} on the form but not among the questions would always print blank."""
    from bot.services.explorer.check import static_problems

    assert not [p for p in static_problems(CONTENT) if p.startswith("draft ")]
    complaint = CONTENT.drafts["fine_complaint"]
    unasked = complaint.model_copy(update={"fields": ("your_name", "your_address")})
    content = CONTENT.model_copy(update={"drafts": {**CONTENT.drafts, "fine_complaint": unasked}})
    problems = [p for p in static_problems(content) if p.startswith("draft fine_complaint")]
    assert "draft fine_complaint: {your_iin} is never asked (add it to `fields`)" in problems
    assert "draft fine_complaint: {your_phone} is never asked (add it to `fields`)" in problems
