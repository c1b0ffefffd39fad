"""A person talking to the conversation core directly (no channel): presses button ids,
types words, and reads the screen they end up on."""

from __future__ import annotations

import json

from sqlalchemy import text

from bot.app import Core
from bot.services.conversation import Event, EventKind, Screen
from bot.storage.sealing import unseal

DIVORCE = "family.divorce"


def plain(text: str) -> str:
    """Babel writes dates and sums with no-break spaces; compare with ordinary ones."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


class Person:
    def __init__(self, core: Core, user_id: str = "p1") -> None:
        self.core, self.user_id = core, user_id
        self.screen: Screen | None = None

    async def press(self, choice: str) -> Screen:
        return await self._send(Event("test", self.user_id, EventKind.choice, choice=choice))

    async def say(self, words: str) -> Screen:
        return await self._send(Event.from_text("test", self.user_id, words))

    async def press_label(self, label: str) -> Screen:
        assert self.screen is not None
        matching = [c.id for c in self.screen.all_choices if c.label == label]
        assert matching, f"{label!r} not in {[c.label for c in self.screen.all_choices]}"
        return await self.press(matching[0])

    async def _send(self, event: Event) -> Screen:
        self.screen = (await self.core.conversation.handle(event))[-1]
        return self.screen

    async def answer(self, *answers: str) -> Screen:
        """Start the divorce pathway afresh and give these answers ("question/value")."""
        await self.press(f"start:{DIVORCE}")
        for answer in answers:
            await self.press(f"ans:{DIVORCE}/{answer}")
        return self.screen

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.screen.all_choices]


async def agreed_person(core: Core, language: str = "ru", user_id: str = "p1") -> Person:
    person = Person(core, user_id)
    await person.say("/start")
    await person.press(f"lang:{language}")
    await person.press("consent:yes")
    return person


async def stored_data(core: Core) -> str:
    """The person's stored conversation data, as readable text (opened with the test's key:
    what is kept, not how it is encrypted)."""
    async with core.engine.connect() as connection:
        raw = (await connection.execute(text("SELECT data FROM conversation_states"))).scalar()
    return json.dumps(json.loads(unseal(raw)), ensure_ascii=False)
