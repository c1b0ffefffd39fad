"""What to show a citizen, told the same way for every channel.

A Screen is text, a few choices and the navigation row; each channel adapter draws it within
its platform's limits (Telegram inline keyboards, WhatsApp buttons or lists, numbered lines).
Choice ids are stable ASCII actions such as `go:menu` or `lang:kk`: they mean the same thing
whenever they come back, so a button pressed days later, after a restart, still works.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CHOICE_ID_BYTES = 64  # Telegram's limit for callback data; WhatsApp allows more
# Buttons on a message the bot sent on its own (a reminder) start with this: a channel answers
# them with a new message instead of redrawing that one, so the reminder stays readable.
ANSWER_BELOW = "rem:"
LISTEN = "listen"  # "🔊 Listen": the screen again, as a voice message


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    short: str | None = None  # for channels with tight limits (WhatsApp buttons: 20 characters)

    def __post_init__(self) -> None:
        if not self.id.isascii() or len(self.id.encode()) > MAX_CHOICE_ID_BYTES:
            raise ValueError(f"choice id must be ASCII and at most 64 bytes: {self.id!r}")


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class TemplateMessage:
    """The same news told as a pre-approved template, for a messenger that allows nothing else
    at that moment (WhatsApp, more than 24 hours after the person last wrote). The channel maps
    `purpose` to its template's name; `parameters` fill the template's {{1}}, {{2}}… in order."""

    purpose: str  # hearing_reminder | hearing_moved | hearing_cancelled
    language: str
    parameters: tuple[str, ...]
    buttons: tuple[str, ...] = ()  # choice ids behind the template's quick-reply buttons


@dataclass(frozen=True, slots=True)
class Screen:
    name: str  # the screen's reference, e.g. "menu" or "upcoming:explorer"
    language: str
    text: str
    choices: tuple[Choice, ...] = ()  # the screen's own options, at most a page of them
    nav: tuple[Choice, ...] = ()  # Back / Main menu / Talk to a person
    notice: str = ""  # a short line shown above the text ("That button is out of date…")
    attachments: tuple[Attachment, ...] = ()  # files sent after the text (PDF, DOCX, .ics)
    columns: int = 1  # choices per row where the channel can draw a grid (a calendar)
    template: TemplateMessage | None = None  # how to say it where only templates may go
    # Shows what the person typed or keeps (a name, a case number, a sum): its voice is made
    # for them alone and never kept in the shared cache.
    personal: bool = False
    voice: Attachment | None = None  # the screen read aloud (OGG/Opus), sent after its text

    @property
    def all_choices(self) -> tuple[Choice, ...]:
        return self.choices + self.nav

    def numbered(self) -> list[Choice]:
        """The options as they are numbered wherever numbers are shown or spoken (WhatsApp's
        numbered lines, the local chat, "button 2" read aloud): the screen's own, then the
        navigation, without grid cells that do nothing and without repeats of an id ("No,
        keep them" beside "◀ Back")."""
        shown: dict[str, Choice] = {}
        for choice in self.all_choices:
            if self.columns > 1 and choice.id.split(":", 1)[0] == "noop":
                continue
            shown.setdefault(choice.id, choice)
        return list(shown.values())

    def full_text(self) -> str:
        return f"{self.notice}\n\n{self.text}" if self.notice else self.text
