"""The local chat: try the bot without any token, in a browser or in the terminal."""

from __future__ import annotations

from typing import Any

from bot.services.conversation import Choice, Screen


def screen_as_dict(screen: Screen, voice_url: str | None = None) -> dict[str, Any]:
    """A Screen as plain data for the web page (and for anyone scripting the local chat).
    Each option carries the number it has when the screen is read aloud ("button 2")."""
    numbers = {choice.id: number for number, choice in enumerate(screen.numbered(), 1)}

    def option(choice: Choice) -> dict[str, Any]:
        return {"id": choice.id, "label": choice.label, "number": numbers.pop(choice.id, None)}

    return {
        "name": screen.name,
        "language": screen.language,
        "notice": screen.notice,
        "text": screen.text,
        "choices": [option(c) for c in screen.choices],
        "nav": [option(c) for c in screen.nav],
        "voice": voice_url,
        "columns": screen.columns,
        "attachments": [
            {"filename": item.filename, "mime_type": item.mime_type, "size": len(item.content)}
            for item in screen.attachments
        ],
    }
