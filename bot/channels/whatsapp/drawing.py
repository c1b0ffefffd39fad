"""A Screen drawn within WhatsApp's limits.

- up to 3 options, each title within 20 characters: reply buttons;
- up to 10: a list (row titles within 24 characters; a cut title keeps the full label, up to 72,
  as the row's description);
- more (a calendar, a grid of times): a list a page at a time, with "More ➡";
- or, when interactive messages are off or refused: numbered lines, answered by number.

Back / Menu / Person are rows like any other, so every page keeps a way back and to a person.
Grid cells that do nothing (a calendar's blanks and weekday names) are left out: a list has
no columns to keep in line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.services.conversation.screens import Choice, Screen
from bot.services.i18n import gettext_for

BUTTONS = 3
BUTTON_TITLE = 20
LIST_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_BUTTON = 20
INTERACTIVE_BODY = 1024
TEXT_BODY = 4096
CAPTION = 1024
PAGE_VERB = "wapage"  # a "More ➡" row: "wapage:<page>", answered by the channel itself
# WhatsApp takes these as documents; anything else (an .ics) goes as text/plain with its own
# file name, and the phone picks the app by the name's ending.
DOCUMENT_TYPES = {
    "application/pdf", "text/plain", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass
class Drawing:
    messages: list[dict[str, Any]] = field(default_factory=list)  # `type` and its content
    numbered: list[Choice] = field(default_factory=list)  # option n is numbered[n - 1]


def visible_options(screen: Screen) -> list[Choice]:
    """The screen's options as WhatsApp shows them, numbered as everywhere (`Screen.numbered`):
    WhatsApp refuses a list whose rows share an id, and a list has no grid to keep in line."""
    return screen.numbered()


class WhatsAppPresenter:
    def __init__(self, interactive: bool = True) -> None:
        self.interactive = interactive

    def draw(self, screen: Screen, page: int = 0, numbered: bool = False) -> Drawing:
        options = visible_options(screen)
        if numbered or not self.interactive:
            return self._numbered(screen, options)
        text = screen.full_text()
        drawing = Drawing()
        if not options:
            drawing.messages += [_text(part) for part in _split(text, TEXT_BODY)]
            return drawing
        if len(text) > INTERACTIVE_BODY:  # the text goes first, the options below it
            drawing.messages += [_text(part) for part in _split(text, TEXT_BODY)]
            text = gettext_for(screen.language)("Please choose:")
        titles = [_title(option, BUTTON_TITLE) for option in options]
        if len(options) <= BUTTONS and len(set(titles)) == len(titles) \
                and all(_fits(option, BUTTON_TITLE) for option in options):
            drawing.messages.append(_buttons(text, options, titles))
        else:
            drawing.messages.append(self._list(screen, text, options, page))
        return drawing

    def _list(self, screen: Screen, text: str, options: list[Choice], page: int) -> dict:
        _ = gettext_for(screen.language)
        if len(options) > LIST_ROWS:
            options = self._page(screen, options, page)
        rows = []
        for option in options:
            row = {"id": option.id, "title": _title(option, ROW_TITLE)}
            if row["title"] != option.label:
                row["description"] = _cut(option.label, ROW_DESCRIPTION)
            rows.append(row)
        return {"type": "interactive", "interactive": {
            "type": "list", "body": {"text": text},
            "action": {"button": _cut(_("👉 Choose"), LIST_BUTTON),
                       "sections": [{"rows": rows}]}}}

    @staticmethod
    def _page(screen: Screen, options: list[Choice], page: int) -> list[Choice]:
        """One page of a long list: its share of the options, "More ➡", then the navigation."""
        _ = gettext_for(screen.language)
        nav = [option for option in options if option in screen.nav]
        content = [option for option in options if option not in nav]
        size = LIST_ROWS - len(nav) - 1
        pages = -(-len(content) // size)
        page = min(max(page, 0), pages - 1)
        shown = content[page * size : (page + 1) * size]
        following = (page + 1) % pages
        turn = _("More ➡") if following else _("⬅ To the start")
        label = f"{turn} ({following + 1}/{pages})"
        return [*shown, Choice(f"{PAGE_VERB}:{following}", label), *nav]

    @staticmethod
    def _numbered(screen: Screen, options: list[Choice]) -> Drawing:
        _ = gettext_for(screen.language)
        if not options:
            return Drawing([_text(part) for part in _split(screen.full_text(), TEXT_BODY)])
        if screen.columns > 1:  # a grid: several to a line, as on the screen
            cells = [f"{n}) {o.label}" for n, o in enumerate(options, 1)]
            width = screen.columns
            lines = ["   ".join(cells[i:i + width]) for i in range(0, len(cells), width)]
        else:
            lines = [f"{n}. {option.label}" for n, option in enumerate(options, 1)]
        ask = _("Reply with the number of your choice, for example 1.")
        text = f"{screen.full_text()}\n\n" + "\n".join(lines) + f"\n\n{ask}"
        return Drawing([_text(part) for part in _split(text, TEXT_BODY)], numbered=options)


def document(media_id: str, filename: str, caption: str) -> dict[str, Any]:
    content = {"id": media_id, "filename": filename}
    if caption:
        content["caption"] = _cut(caption, CAPTION)
    return {"type": "document", "document": content}


def audio(media_id: str) -> dict[str, Any]:
    return {"type": "audio", "audio": {"id": media_id}}


def upload_type(mime_type: str) -> str:
    return mime_type if mime_type in DOCUMENT_TYPES else "text/plain"


def _text(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _buttons(text: str, options: list[Choice], titles: list[str]) -> dict[str, Any]:
    return {"type": "interactive", "interactive": {
        "type": "button", "body": {"text": text},
        "action": {"buttons": [{"type": "reply", "reply": {"id": option.id, "title": title}}
                               for option, title in zip(options, titles, strict=True)]}}}


def _fits(option: Choice, limit: int) -> bool:
    """The label, or its short form, fits whole: nothing would be cut."""
    return len(option.label) <= limit or bool(option.short and len(option.short) <= limit)


def _title(option: Choice, limit: int) -> str:
    if len(option.label) <= limit:
        return option.label
    if option.short and len(option.short) <= limit:
        return option.short
    return _cut(option.label, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _split(text: str, limit: int) -> list[str]:
    """Long text in pieces within the limit, cut at paragraph or line ends where possible."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts
