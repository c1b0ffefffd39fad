"""`python -m bot chat`: the same conversation in the terminal, buttons as numbers."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable

from bot.services.conversation import Conversation, Event, EventKind, Screen

CHANNEL = "terminal"
USER = "local"


def draw(screen: Screen) -> str:
    lines = []
    if screen.notice:
        lines += ["! " + line for line in screen.notice.splitlines()] + [""]
    for paragraph in screen.text.splitlines():
        lines += textwrap.wrap(paragraph, 72) or [""]
    lines.append("")
    for number, choice in enumerate(screen.numbered(), start=1):
        lines.append(f"  [{number}] {choice.label}")
    lines.extend(f"  (file: {item.filename})" for item in screen.attachments)
    if screen.voice is not None:
        lines.append("  (voice: the terminal cannot play it; open the web chat to listen)")
    return "\n".join(lines)


def event_for(reply: str, screen: Screen | None) -> Event:
    """A number presses that button; anything else is typed text (or a /command)."""
    reply = reply.strip()
    if screen and reply.isdigit() and 1 <= int(reply) <= len(screen.numbered()):
        choice = screen.numbered()[int(reply) - 1]
        return Event(CHANNEL, USER, EventKind.choice, choice=choice.id)
    return Event.from_text(CHANNEL, USER, reply)


async def chat(conversation: Conversation, read: Callable[[str], str] = input,
               write: Callable[[str], object] = print) -> None:
    write("Local chat. Type a button's number, or text; Ctrl+D to leave.\n")
    screens = await conversation.handle(Event(CHANNEL, USER, EventKind.command, command="start"))
    while True:
        for screen in screens:
            write(draw(screen))
        try:
            reply = await asyncio.to_thread(read, "> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if not reply.strip():
            continue
        screens = await conversation.handle(event_for(reply, screens[-1] if screens else None))

