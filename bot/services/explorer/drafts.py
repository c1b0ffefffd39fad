"""Draft documents filled from a person's answers: a PDF that opens on any phone and a DOCX to
edit. The page itself is a clean application to print and sign; that it is a draft to check
is said in a small footer on every page, and the sources in one short last line, by name in
the document's language (the links are in the bot's "📖 Where this comes from").

The PDF embeds DejaVu Sans (bot/assets/fonts, free licence) because the core PDF fonts have no
Kazakh letters (ә ғ қ ң ө ұ ү һ і).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel.dates import format_date

from bot.services.clock import BABEL_LOCALES, format_tenge
from bot.services.conversation.screens import Attachment
from bot.services.explorer.model import DRAFT_FIELDS, DraftTemplate, Section
from bot.services.i18n import gettext_for

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
BLANK = "________________________"
PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FIELD_LIMIT = 200  # characters kept of a typed name or address


@dataclass(frozen=True)
class FilledDraft:
    title: str
    footer: str  # "DRAFT made by a chatbot…", small, at the foot of every page
    addressee: list[str]
    parties: list[str]
    body: list[str]
    requests: list[str]
    attachments: list[str]
    closing: list[str]
    sources: str  # one short line naming the acts, or "" when none


def fill(template: DraftTemplate, language: str, answers: dict[str, str],
         fields: dict[str, str], today: date, amount: Decimal | None = None,
         sources: Sequence[str] = (), received: date | None = None) -> FilledDraft:
    """The template's paragraphs that match the answers, with the blanks filled in.

    `received` is the start date the person gave the deadline calculator (the day a copy
    came), reused so nobody is asked for it twice."""
    _ = gettext_for(language)
    values = {name: clean_field(fields.get(name, "")) or BLANK for name in DRAFT_FIELDS}
    values["amount"] = format_tenge(amount, language) if amount is not None else BLANK
    values["today"] = short_date(today, language)
    values["received"] = short_date(received, language) if received else BLANK

    def lines(sections: tuple[Section, ...]) -> list[str]:
        return [section.text(language).format_map(values) for section in sections
                if _applies(section, answers)]

    return FilledDraft(
        title=template.title(language),
        footer=_("DRAFT made by a chatbot. Check every line, fill in the blanks, and ask the "
                 "court office or free legal aid to look at it before you file it."),
        addressee=lines(template.addressee),
        parties=lines(template.parties),
        body=lines(template.body),
        requests=lines(template.requests),
        attachments=lines(template.attachments),
        closing=[_("Date: {today}").format(today=values["today"]),
                 _("Signature: {blank}").format(blank=BLANK)],
        sources=_("Sources: {acts}.").format(acts="; ".join(dict.fromkeys(sources)))
        if sources else "",
    )


def short_date(day: date, language: str) -> str:
    return format_date(day, "dd.MM.yyyy", locale=BABEL_LOCALES[language])


def _applies(section: Section, answers: dict[str, str]) -> bool:
    if not section.when:
        return True
    for question_id, wanted in section.when.items():
        wanted_values = [wanted] if isinstance(wanted, str) else wanted
        if answers.get(question_id) in wanted_values:
            return True
    return False


def clean_field(text: str) -> str:
    """A typed name or address, safe to print: no control characters, no braces, not huge."""
    text = re.sub(r"[\x00-\x1f\x7f{}]", " ", text)
    return " ".join(text.split())[:FIELD_LIMIT]


def _headings(language: str) -> dict[str, str]:
    _ = gettext_for(language)
    return {"requests": _("I ask the court:"), "attachments": _("Attached:")}


# fpdf2 and python-docx are imported on the first draft, not at start: importing both costs
# about 0.7 s and 29 MB (measured after the bot's own imports), for a screen few people reach.
def render_pdf(draft: FilledDraft, language: str) -> bytes:
    from fpdf import FPDF

    class DraftPdf(FPDF):
        def footer(self) -> None:  # fpdf2 calls it at the foot of every page
            self.set_y(-15)
            self.set_font("DejaVu", "", 7)
            self.set_text_color(110, 110, 110)
            self.multi_cell(self.epw, 3.5, draft.footer, align="C")

    pdf = DraftPdf(format="A4")
    pdf.set_margins(20, 18, 18)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(draft.title)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: int = 11, bold: bool = False, align: str = "L",
              gap: float = 2) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    for line in draft.addressee + draft.parties:
        write(line, align="R")
    pdf.ln(4)
    write(draft.title, size=14, bold=True, align="C", gap=6)
    for paragraph in draft.body:
        write(paragraph)
    headings = _headings(language)
    write(headings["requests"], bold=True)
    for number, request in enumerate(draft.requests, 1):
        write(f"{number}. {request}")
    if draft.attachments:
        write(headings["attachments"], bold=True)
        for number, item in enumerate(draft.attachments, 1):
            write(f"{number}. {item}")
    pdf.ln(4)
    for line in draft.closing:
        write(line)
    if draft.sources:
        pdf.set_text_color(90, 90, 90)
        write(draft.sources, size=7, gap=0)
    return bytes(pdf.output())


def render_docx(draft: FilledDraft, language: str) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = 1  # centre
    note = footer.add_run(draft.footer)
    note.font.size = Pt(8)
    note.font.color.rgb = RGBColor(0x6E, 0x6E, 0x6E)
    for line in draft.addressee + draft.parties:
        document.add_paragraph(line).alignment = 2  # right
    document.add_heading(draft.title, level=1).alignment = 1  # centre
    for paragraph in draft.body:
        document.add_paragraph(paragraph)
    headings = _headings(language)
    document.add_paragraph().add_run(headings["requests"]).bold = True
    for request in draft.requests:
        document.add_paragraph(request, style="List Number")
    if draft.attachments:
        document.add_paragraph().add_run(headings["attachments"]).bold = True
        for item in draft.attachments:
            document.add_paragraph(item, style="List Bullet")
    for line in draft.closing:
        document.add_paragraph(line)
    if draft.sources:
        document.add_paragraph().add_run(draft.sources).font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def draft_files(template: DraftTemplate, draft: FilledDraft, language: str) -> list[Attachment]:
    _ = gettext_for(language)
    stem = f"{template.id}-{language}-draft"
    caption = _("Draft: {title}. Check it before filing.").format(title=draft.title)
    return [
        Attachment(f"{stem}.pdf", render_pdf(draft, language), PDF_MIME, caption),
        Attachment(f"{stem}.docx", render_docx(draft, language), DOCX_MIME, caption),
    ]
