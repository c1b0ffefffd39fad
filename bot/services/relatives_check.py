"""The relative screens for `python -m bot content check`: they need two stored people and a
code, which the button walk cannot give, so this walk plays both sides — a citizen invites, a
newcomer opens the link in the other language and agrees, both look at and stop the copies —
and writes each copy message once, so the same screen checks (length, ways back, a person)
hold for them."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.services.conversation import Event, EventKind, Screen
from bot.services.flows.relative_text import copy_view
from bot.services.hearings.book import HearingDraft
from bot.services.hearings.timing import NOTICE_KINDS, REMINDER_KINDS
from bot.services.i18n import LANGUAGES
from bot.services.reminders.dispatcher import DueReminder
from bot.storage.models import Hearing

CODE = re.compile(r"/start (rel-[A-Z0-9]+)")


class RelativeWalker:
    def __init__(self, core) -> None:
        self.conversation = core.conversation
        self.screens: dict[tuple[str, str, str], Screen] = {}
        self.problems: list[str] = []

    async def walk(self) -> None:
        for language in LANGUAGES:
            other = next(code for code in LANGUAGES if code != language)
            await self._walk(language, other)
            self._copies(language)

    async def _walk(self, language: str, other: str) -> None:
        citizen, relative = f"rel-citizen-{language}", f"rel-relative-{language}"
        for event in (Event.from_text("check", citizen, "/start"),
                      Event("check", citizen, EventKind.choice, choice=f"lang:{language}"),
                      Event("check", citizen, EventKind.choice, choice="consent:yes")):
            await self.conversation.handle(event)
        book = self.conversation.services.hearings
        owner = await book.user_id("check", citizen)
        await book.add(owner, HearingDraft(case_number="2-77/2026", court_name="Суд",
                                           starts_at=book.clock.now() + timedelta(days=10)))
        await self._do(language, citizen, "go:relatives", expect="relatives")
        await self._do(language, citizen, "go:rel_scope", expect="rel_scope")
        await self._do(language, citizen, "go:rel_name:all", expect="rel_name")
        made = await self._do(language, citizen, "мама", typed=True, expect="rel_made")
        found = CODE.search(made.text)
        if found is None:
            self.problems.append(f"relatives/{language}: the invitation has no code")
            return
        await self._do(other, relative, f"/start {found.group(1)}", typed=True,
                       expect="language")
        await self._do(other, relative, f"lang:{other}", expect="rel:")
        await self._do(other, relative, f"relok:{found.group(1).removeprefix('rel-')}",
                       expect="copies")
        await self._do(other, relative, f"/start {found.group(1)}", typed=True, expect="rel:")
        screen = await self._do(language, citizen, "go:relatives", expect="relatives")
        stop = next(c.id for c in screen.choices if c.id.startswith("go:rel_stop:"))
        await self._do(language, citizen, stop, expect="rel_stop")
        await self._do(other, relative, "go:copies", expect="copies")
        await self._do(other, relative, stop, expect="rel_stop")
        await self._do(other, relative, f"relstop:{stop.rpartition(':')[2]}", expect="copies")

    def _copies(self, language: str) -> None:
        clock = self.conversation.services.clock
        hearing = Hearing(id=1, user_id=1, case_number="2-77/2026", court_id=None,
                          court_name="Суд", room="305", video_link=None, online=False,
                          starts_at=clock.now() + timedelta(days=1),
                          reminders_on=list(REMINDER_KINDS), status="active")
        for kind in (*REMINDER_KINDS, *NOTICE_KINDS):
            item = DueReminder(1, kind, hearing.starts_at, 0,
                               {"was": hearing.starts_at.isoformat()}, hearing, "check", "1",
                               language, False, 2, 1, "Гульнар апа")
            screen = self.conversation.compose("check", "1", language,
                                               lambda ctx, i=item: copy_view(ctx, i, True),
                                               name=f"copy:{kind}")
            self.screens[("agreed", language, f"copy:{kind}")] = screen

    async def _do(self, language: str, user: str, what: str, typed: bool = False,
                  expect: str | None = None) -> Screen:
        event = Event.from_text("check", user, what) if typed else \
            Event("check", user, EventKind.choice, choice=what)
        screen = (await self.conversation.handle(event))[-1]
        who = "new" if screen.name == "language" else "agreed"  # the entrance has no way back
        self.screens[(who, language, screen.name)] = screen
        if expect and not screen.name.startswith(expect):
            self.problems.append(f"relatives/{language}: {what!r} led to {screen.name!r}, "
                                 f"not {expect!r}")
        return screen
