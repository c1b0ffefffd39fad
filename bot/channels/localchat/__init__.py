"""The local chat: try the bot without any token, in a browser or in the terminal."""

from __future__ import annotations

from typing import Any

from bot.services.conversation import Screen


def screen_as_dict(screen: Screen) -> dict[str, Any]:
    """A Screen as plain data for the web page (and for anyone scripting the local chat)."""
    return {
        "name": screen.name,
        "language": screen.language,
        "notice": screen.notice,
        "text": screen.text,
        "choices": [{"id": c.id, "label": c.label} for c in screen.choices],
        "nav": [{"id": c.id, "label": c.label} for c in screen.nav],
        "columns": screen.columns,
        "attachments": [
            {"filename": item.filename, "mime_type": item.mime_type, "size": len(item.content)}
            for item in screen.attachments
        ],
    }
