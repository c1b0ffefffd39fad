"""What a citizen did, told the same way whichever channel it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class EventKind(StrEnum):
    text = "text"  # typed words
    choice = "choice"  # a pressed button; `choice` holds its id
    command = "command"  # /start, /menu, /language…; `command` and `argument`
    unsupported = "unsupported"  # a sticker, voice, photo, file…; `media` says which
    edited = "edited"  # an earlier message was edited


@dataclass(frozen=True, slots=True)
class Event:
    channel: str  # "telegram", "whatsapp", "web", "terminal"
    user_id: str  # the channel's own id for the person, as text
    kind: EventKind
    text: str = ""
    choice: str = ""
    command: str = ""
    argument: str = ""
    media: str = ""
    language_hint: str | None = None  # e.g. Telegram's language_code, used only to guess
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def from_text(cls, channel: str, user_id: str, text: str, **extra: object) -> Event:
        """Build a text or command event from what a person typed ("/start family-alimony")."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            head, _, rest = stripped[1:].partition(" ")
            command = head.split("@", 1)[0].lower()  # "/start@SomeBot" in groups
            if command.isascii() and command.replace("_", "").isalnum():
                return cls(channel, user_id, EventKind.command, command=command,
                           argument=rest.strip(), **extra)  # type: ignore[arg-type]
        return cls(channel, user_id, EventKind.text, text=text, **extra)  # type: ignore[arg-type]
