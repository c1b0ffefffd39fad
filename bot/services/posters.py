"""Printed posters with QR codes that open the bot at the right place, and slips for a caller's
enrolment code.

A poster is one A4 page in Kazakh and Russian (a court lobby serves both): the topic's name and
one line of what it helps with in each language, a QR code per messenger, and the call centre's
number for those who would rather talk to a person. Type is large: many readers are elderly.
A slip is an A6 page with the enrolment code's QR and the code in large letters.

The QR codes are drawn as vector squares (segno gives the modules), so they stay sharp at any
printer's resolution. The PDF embeds DejaVu Sans for the Kazakh letters (ә ғ қ ң ө ұ ү һ і).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from bot.services.content import Content, Topic
from bot.services.deep_links import DeepLinks
from bot.services.enrolment import DEEP_LINK_PREFIX, shown
from bot.services.explorer.drafts import FONTS
from bot.services.i18n import LANGUAGES, N_, gettext_for

POSTER_KINDS = ("pathway", "guide")  # topics that get a poster (services are in the menu)
LINE = 0.45  # line height in mm per point of type (about 1.3 × the type size)
QUIET = 4  # the QR code's blank border, in modules (the standard's minimum)
INK = (0, 0, 0)
BLUE = (0, 61, 122)
GREY = (70, 70, 70)
TITLE_SIZES = (36, 30, 27, 24, 22)  # points, largest first
TOP_ROOM = 95  # mm for the names and lines on a poster, so the codes stay large

BOT_NAME = N_("Justice helper")
BOT_HELPS = N_("A chatbot for court matters: which court, what it costs, which deadline, how to "
               "use the courts online, and reminders of your hearings.")
GREETING = N_("Hello")
POINT_CAMERA = N_("Point your phone's camera at the code.")
CALL = N_("To talk to a person, call:")
INFORMS = N_("The bot gives information; it does not replace a lawyer.")
SLIP_TITLE = N_("Your code for hearing reminders")
SLIP_HOW = N_("Scan the QR code, or write this code to the bot:")
SLIP_VALID = N_("Valid until {date}, once.")


@dataclass(frozen=True)
class Poster:
    name: str  # for the file: "family.alimony", "bot"
    titles: Mapping[str, str]  # kk, ru
    helps: Mapping[str, str]
    links: Mapping[str, str]  # "Telegram" / "WhatsApp" → the link its QR code holds


@dataclass(frozen=True)
class CallCentre:
    phone: str = ""
    hours: str = ""


def topic_poster(topic: Topic, links: DeepLinks) -> Poster:
    words = " / ".join(topic.label(code) for code in LANGUAGES)  # "Алимент / Алименты"
    helps = topic.helps or topic.title
    return Poster(topic.id, {code: topic.title(code) for code in LANGUAGES},
                  {code: helps(code) for code in LANGUAGES}, links.both(words, topic.deep_link))


def bot_poster(links: DeepLinks) -> Poster:
    words = " / ".join(gettext_for(code)(GREETING) for code in LANGUAGES)
    return Poster("bot", {code: gettext_for(code)(BOT_NAME) for code in LANGUAGES},
                  {code: gettext_for(code)(BOT_HELPS) for code in LANGUAGES},
                  links.both(words))


def enrolment_links(links: DeepLinks, code: str) -> dict[str, str]:
    """The links that carry a caller's code: opening one is the same as typing the code."""
    return links.both(shown(code), f"{DEEP_LINK_PREFIX}{code}")


def poster_topics(content: Content) -> list[Topic]:
    return [topic for kind in POSTER_KINDS for topic in content.topics_of(kind)]


def poster_problems(content: Content) -> list[str]:
    """For the content check: every pathway and guide needs its poster line."""
    return [f"topic {topic.id}: no `helps` line for its poster" for topic in poster_topics(content)
            if topic.helps is None]


# --- drawing ----------------------------------------------------------------------------------

class _Page:
    """fpdf2 with DejaVu Sans and a few ways to write centred, wrapped text."""

    def __init__(self, page_format: str | tuple[float, float], margin: float, title: str) -> None:
        from fpdf import FPDF  # imported on the first poster: it costs a moment at start

        self.pdf = pdf = FPDF(format=page_format)
        pdf.set_margins(margin, margin, margin)
        pdf.set_auto_page_break(False)
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_title(title)
        pdf.set_creator("Adilet komekshisi")
        pdf.add_page()

    def write(self, text: str, size: float, bold: bool = False, colour=INK,
              gap: float = 0, spacing: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_char_spacing(spacing)
        pdf.set_text_color(*colour)
        pdf.multi_cell(pdf.epw, size * LINE, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_char_spacing(0)
        pdf.ln(gap)

    def height(self, text: str, size: float, bold: bool = False, gap: float = 0) -> float:
        pdf = self.pdf
        pdf.set_font("DejaVu", "B" if bold else "", size)
        lines = pdf.multi_cell(pdf.epw, size * LINE, text, dry_run=True, output="LINES")
        return len(lines) * size * LINE + gap

    def rule(self, gap: float = 3) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(gap)

    def codes(self, links: Mapping[str, str], size: float, caption: float,
              link_size: float) -> None:
        """The QR codes side by side, each with its messenger's name and the link beneath."""
        pdf = self.pdf
        count = len(links)
        gap = (pdf.epw - count * size) / count
        top = pdf.get_y()
        for index, (channel, link) in enumerate(links.items()):
            x = pdf.l_margin + gap / 2 + index * (size + gap)
            _draw_qr(pdf, link, x, top, size)
            pdf.set_xy(x - gap / 2, top + size + 1)
            pdf.set_font("DejaVu", "B", caption)
            pdf.set_text_color(*BLUE)
            pdf.cell(size + gap, caption * LINE, channel, align="C",
                     new_x="LEFT", new_y="NEXT")
            if link_size:
                pdf.set_font("DejaVu", "", link_size)
                pdf.set_text_color(*GREY)
                pdf.multi_cell(size + gap, link_size * LINE, _printable(link), align="C")
        pdf.set_xy(pdf.l_margin, top + size + 1 + caption * LINE + 2 * link_size * LINE + 3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _draw_qr(pdf, link: str, x: float, y: float, size: float) -> None:
    import segno

    matrix = segno.make(link, error="m", micro=False).matrix
    module = size / (len(matrix) + 2 * QUIET)
    pdf.set_fill_color(*INK)
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1  # one rectangle for a run of dark modules
            # A hair taller than a module, so no light seam shows between rows.
            pdf.rect(x + (QUIET + start) * module, y + (QUIET + row) * module,
                     (column - start) * module, module + 0.02, style="F")


def _printable(link: str) -> str:
    """The link as text under its code, to type by hand (WhatsApp's is long: its number)."""
    if "wa.me/" in link:
        return link.split("?", 1)[0].replace("https://", "")
    return link.replace("https://", "")


def render_poster(poster: Poster, call_centre: CallCentre) -> bytes:
    """One A4 page: the bot's name, the topic in Kazakh then Russian, the codes, the phone."""
    kk, ru = gettext_for("kk"), gettext_for("ru")
    page = _Page("A4", 12, f"{poster.titles['kk']} / {poster.titles['ru']}")
    pdf = page.pdf
    page.write(f"{kk(BOT_NAME)} · {ru(BOT_NAME)}", 16, bold=True, colour=BLUE, gap=2)
    page.rule(gap=4)
    title = _title_size(page, poster)
    for code in LANGUAGES:
        page.write(poster.titles[code], title, bold=True, gap=2)
        page.write(poster.helps[code], 18, gap=4)
    page.rule(gap=5)
    bottom = [(f"{kk(POINT_CAMERA)}\n{ru(POINT_CAMERA)}", 16, True, 4)]
    if call_centre.phone:
        bottom += [(f"{kk(CALL)}\n{ru(CALL)}", 14, False, 1),
                   (f"☎ {call_centre.phone}", 32, True, 1)]
        if call_centre.hours:
            bottom.append((call_centre.hours, 14, False, 1))
    bottom.append((f"{kk(INFORMS)}\n{ru(INFORMS)}", 11, False, 0))
    bottom_height = sum(page.height(text, size, bold, gap) for text, size, bold, gap in bottom)
    if poster.links:
        caption, link_size = 20, 11
        room = pdf.h - pdf.b_margin - bottom_height - pdf.get_y() \
            - (caption + 2 * link_size) * LINE - 10
        count = len(poster.links)
        size = min(110 if count == 1 else 88, room, (pdf.epw - 10 * (count - 1)) / count)
        pdf.set_y(pdf.get_y() + (room - size) / 3)  # what is left goes mostly below the codes
        page.codes(poster.links, size, caption, link_size)
    pdf.set_y(pdf.h - pdf.b_margin - bottom_height)
    for text, size, bold, gap in bottom:
        page.write(text, size, bold=bold, colour=GREY if size <= 12 else INK, gap=gap)
    return page.output()


def _title_size(page: _Page, poster: Poster) -> float:
    """The largest type (36 pt at most) at which both titles and lines leave room for codes
    of a good size: a long name ("Тұрғын үй: жалдау, шығару, …") gets smaller type."""
    for size in TITLE_SIZES:
        height = sum(page.height(poster.titles[code], size, bold=True, gap=2)
                     + page.height(poster.helps[code], 18, gap=4) for code in LANGUAGES)
        if height <= TOP_ROOM:
            return size
    return TITLE_SIZES[-1]


def render_slip(code: str, links: Mapping[str, str], valid_until: date,
                call_centre: CallCentre) -> bytes:
    """An A6 slip for a caller: the code's QR, the code in large letters, in both languages."""
    kk, ru = gettext_for("kk"), gettext_for("ru")
    page = _Page((105, 148), 8, f"{kk(SLIP_TITLE)} / {ru(SLIP_TITLE)}")
    pdf = page.pdf
    page.write(f"{kk(BOT_NAME)} · {ru(BOT_NAME)}", 8, bold=True, colour=BLUE, gap=1)
    page.rule(gap=2)
    page.write(kk(SLIP_TITLE), 13, bold=True, gap=1)
    page.write(ru(SLIP_TITLE), 13, bold=True, gap=3)
    day = valid_until.strftime("%d.%m.%Y")
    bottom = [(f"{kk(SLIP_HOW)}\n{ru(SLIP_HOW)}", 10, False, 1),
              (shown(code), 30, True, 2),
              (f"{kk(SLIP_VALID).format(date=day)}\n{ru(SLIP_VALID).format(date=day)}",
               10, False, 1)]
    if call_centre.phone:
        bottom.append((f"☎ {call_centre.phone}", 14, True, 0))
    bottom_height = sum(page.height(text, size, bold, gap) for text, size, bold, gap in bottom)
    if links:
        caption, link_size = 10, 0  # the code itself is printed large: no link text
        room = pdf.h - pdf.b_margin - bottom_height - pdf.get_y() - caption * LINE - 6
        count = len(links)
        size = min(60 if count == 1 else 44, room, (pdf.epw - 4 * (count - 1)) / count)
        page.codes(links, size, caption, link_size)
    pdf.set_y(pdf.h - pdf.b_margin - bottom_height)
    for text, size, bold, gap in bottom:
        page.write(text, size, bold=bold, gap=gap, spacing=2 if size >= 30 else 0)
    return page.output()
