"""Draft documents, opened and read back: the answers are in them, in the person's language,
Kazakh letters survive in the PDF, skipped names are blank lines, and every draft is marked as
a draft."""

from __future__ import annotations

import io
from datetime import date

import docx
import pypdf
import pytest

from bot.services.content import load_content
from bot.services.explorer.drafts import BLANK, draft_files, fill

CONTENT = load_content()
TODAY = date(2026, 11, 22)
KAZAKH_LETTERS = "әғқңөұүһі"
REQUIRED = {"divorce_claim", "alimony_order", "debt_claim", "court_order_objection",
            "consumer_claim", "labour_claim", "fine_complaint"}


def read_pdf(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def read_docx(content: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in docx.Document(io.BytesIO(content)).paragraphs)


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
