"""The hearing screens for `python -m bot content check`: the form needs typed text and a
stored person, which the button walk cannot give, so this walk plays it as a person would —
add a hearing, look at it, its reminders, "I can't come", delete — in both languages, and writes
every reminder message once, so the same screen checks (length, ways back, a person) hold."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from bot.services.clock import KAZAKHSTAN_TIME
from bot.services.conversation import Event, EventKind, Screen
from bot.services.flows.hearing_text import reminder_view
from bot.services.hearings.book import HearingDraft
from bot.services.hearings.schedule import CsvSchedule, ScheduleImport
from bot.services.hearings.timing import NOTICE_KINDS, REMINDER_KINDS
from bot.services.i18n import LANGUAGES
from bot.services.reminders.dispatcher import DueReminder
from bot.services.sms.parts import parts
from bot.services.sms.texts import MOST_PARTS, compose, court_names
from bot.storage.models import Hearing

CASE = "2-1234/2026"
LONG_CASE = "7594-26-00-2/12345"  # an e-court number, as long as they come
LONG_NAME = "Гульнар апа, Алматыдағы үлкен қызымыз"  # the name a relative sees, nearly 40
SCHEDULED_CASE = "7194-26-00-2/1501"


class HearingWalker:
    def __init__(self, core) -> None:
        self.core = core
        self.conversation = core.conversation
        self.screens: dict[tuple[str, str, str], Screen] = {}
        self.problems: list[str] = []

    async def walk(self) -> None:
        await self._import_sample()
        for language in LANGUAGES:
            await self._walk_language(language)
            self._reminders(language)
            self._sms(language)

    async def _import_sample(self) -> None:
        starts = self.core.conversation.services.clock.now() + timedelta(days=20)
        local = starts.astimezone(KAZAKHSTAN_TIME)
        row = (f"{SCHEDULED_CASE},{self._first_court()},{local:%Y-%m-%d},10:00,305,in_person,"
               "scheduled\n")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "schedule.csv"
            path.write_text("case_number,court,date,time,room,format,status\n" + row,
                            encoding="utf-8")
            book = self.core.conversation.services.hearings
            await ScheduleImport(self.core.sessions, book, book.clock).run(
                CsvSchedule(path, self.core.content.courts))

    def _first_court(self) -> str:
        courts = self.core.content.courts
        return courts.regions[0].courts[0].id if courts else "Суд"

    async def _walk_language(self, language: str) -> None:
        user = f"hearings-{language}"
        for event in (Event.from_text("check", user, "/start"),  # onboarding: checked elsewhere
                      Event("check", user, EventKind.choice, choice=f"lang:{language}"),
                      Event("check", user, EventKind.choice, choice="consent:yes")):
            await self.conversation.handle(event)
        await self._press(language, user, "go:hearings")
        await self._press(language, user, "go:h_case")
        await self._say(language, user, SCHEDULED_CASE, expect="h_found")
        await self._press(language, user, "go:h_region")
        # A typed town: one that names two regions (the city and its region), then one that
        # names one region (a town of Ulytau), then one nobody lists.
        await self._say(language, user, "Алматы", expect="h_regions")
        await self._press(language, user, "back")
        await self._say(language, user, "Жезқазған", expect="h_court:ulytau")
        await self._press(language, user, "back")
        await self._say(language, user, "Xyzabc", expect="h_region")
        for region in (self.core.content.courts.regions if self.core.content.courts else []):
            await self._press(language, user, f"go:h_court:{region.id}")
            await self._press(language, user, "back")
        await self._press(language, user, "go:h_court_typed")
        await self._press(language, user, "back")
        await self._press(language, user, "go:h_case")
        await self._say(language, user, CASE, expect="h_region")
        await self._press(language, user, "go:h_court_typed")
        await self._say(language, user, "Суд", expect="h_date")
        screen = await self._press(language, user, "go:h_date")
        following = next(c.id for c in screen.choices if c.id.startswith("hmonth:"))
        screen = await self._press(language, user, following)
        day = next(c.id for c in screen.choices if c.id.startswith("hdate:"))
        await self._press(language, user, day, expect="h_time")
        await self._press(language, user, "htime:1000", expect="h_mode")
        await self._press(language, user, "hmode:online", expect="h_link")
        await self._say(language, user, "https://example.kz/hearing", expect="h_room")
        await self._say(language, user, "305", expect="h_confirm")
        screen = await self._press(language, user, "hsave")
        hearing_id = screen.name.partition(":")[2]
        for ref in ("h_bells", "h_cant", "h_bring", "h_delete"):
            await self._press(language, user, f"go:{ref}:{hearing_id}")
            if ref == "h_cant":
                await self._press(language, user, "hcantmore")
            await self._press(language, user, "back")
        await self._press(language, user, "go:hearings")
        await self._press(language, user, "go:h_case")
        await self._say(language, user, "2-99/2026", expect="h_region")
        for press in ("go:h_court_typed",):
            await self._press(language, user, press)
        await self._say(language, user, "Суд", expect="h_date")
        await self._press(language, user, day)
        await self._press(language, user, "htime:1100")
        await self._press(language, user, "hmode:in")
        await self._press(language, user, "hskip:room")
        await self._press(language, user, "hsave")
        await self._say(language, user, "стоп", expect="h_stop")
        await self._press(language, user, f"hdel:{hearing_id}")
        book = self.conversation.services.hearings
        owner = await book.user_id("check", user)
        await book.add(owner, HearingDraft(case_number="2-1/2025", court_name="Суд",
                                           starts_at=book.clock.now() - timedelta(days=3)))
        await self._press(language, user, "go:hearings")
        await self._press(language, user, "go:h_past", expect="h_past")

    def _reminders(self, language: str) -> None:
        hearing = Hearing(id=1, user_id=1, case_number=CASE, court_id=self._first_court(),
                          court_name=None, room="305", video_link="https://example.kz/h",
                          starts_at=self.conversation.services.clock.now() + timedelta(days=1),
                          reminders_on=list(REMINDER_KINDS), status="active")
        for online in (False, True):
            hearing.online = online
            for kind in (*REMINDER_KINDS, *NOTICE_KINDS):
                item = DueReminder(1, kind, hearing.starts_at, 0,
                                   {"was": hearing.starts_at.isoformat()}, hearing, "check",
                                   "1", language, False)
                screen = self.conversation.compose("check", "1", language,
                                                   lambda ctx, i=item: reminder_view(ctx, i,
                                                                                     True),
                                                   name=f"reminder:{kind}")
                self.screens[("agreed", language, f"reminder:{kind}:{online}")] = screen

    def _sms(self, language: str) -> None:
        """Every court's SMS, for every kind, with a room and a long e-court case number, in
        at most two parts (a court renamed in courts.yaml could push one over)."""
        content = self.conversation.services.content
        if content.courts is None:
            return
        starts = self.conversation.services.clock.now() + timedelta(days=1)
        for region in content.courts.regions:
            for court in region.courts:
                names = court_names(content, court.id, None, language)
                for kind in (*REMINDER_KINDS, *NOTICE_KINDS):
                    # The owner's own, and a relative's copy with the longest name a link has.
                    for copy, whose in ((False, None), (True, LONG_NAME)):
                        text = compose(kind, language, case_number=LONG_CASE, starts_at=starts,
                                       courts=names, room="305", was=starts, copy=copy,
                                       whose=whose)
                        if parts(text) > MOST_PARTS:
                            what = f"{kind}:copy" if copy else kind
                            self.problems.append(f"sms/{language}/{court.id}/{what}: "
                                                 f"{parts(text)} parts, at most {MOST_PARTS}")

    async def _press(self, language: str, user: str, choice: str,
                     expect: str | None = None) -> Screen:
        return await self._do(language, user, Event("check", user, EventKind.choice,
                                                     choice=choice), expect)

    async def _say(self, language: str, user: str, text: str, expect: str | None = None
                   ) -> Screen:
        return await self._do(language, user, Event.from_text("check", user, text), expect)

    async def _do(self, language: str, user: str, event: Event,
                  expect: str | None = None) -> Screen:
        screen = (await self.conversation.handle(event))[-1]
        self.screens[("agreed", language, screen.name)] = screen
        if expect and not screen.name.startswith(expect):
            what = event.choice or event.text
            self.problems.append(f"hearings/{language}: {what!r} led to {screen.name!r}, "
                                 f"not {expect!r}")
        return screen
