"""Helpers for the hearing and reminder tests: a clock that stands still, a person who adds a
hearing with buttons, and reading the reminder rows back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import Core
from bot.services.clock import KAZAKHSTAN_TIME, ManualClock
from bot.storage.models import Reminder
from tests.people import Person

# Monday 23 November 2026, 11:00 in Kazakhstan.
START = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment given in Kazakhstan's time."""
    return datetime(year, month, day, hour, minute, tzinfo=KAZAKHSTAN_TIME)


def clock_at(moment: datetime = START) -> ManualClock:
    return ManualClock(moment)


async def add_hearing(person: Person, case: str = "2-1234/2026", day: str = "2026-12-10",
                      hhmm: str = "1000", court: tuple[str, str] = ("astana", "astana-civil"),
                      online: bool = False, room: str | None = "305") -> int:
    """Add a hearing the way a person does, with buttons; returns its id."""
    await person.press("go:hearings")
    await person.press("go:h_case")
    await person.say(case)
    if person.screen.name == "h_found":
        raise AssertionError("this case is in the schedule: use the schedule in the test")
    await person.press(f"go:h_court:{court[0]}")
    await person.press(f"hcourt:{court[1]}")
    await person.press(f"hdate:{day}")
    await person.press(f"htime:{hhmm}")
    await person.press("hmode:online" if online else "hmode:in")
    if online:
        await person.press("hskip:link")
    if room:
        await person.say(room)
    else:
        await person.press("hskip:room")
    assert person.screen.name == "h_confirm", person.screen.text
    screen = await person.press("hsave")
    assert screen.name.startswith("hearing:"), screen.text
    return int(screen.name.split(":")[1])


async def reminders(core: Core, hearing_id: int | None = None) -> list[Reminder]:
    async with core.sessions() as session:
        query = select(Reminder).order_by(Reminder.due_at)
        if hearing_id is not None:
            query = query.where(Reminder.hearing_id == hearing_id)
        return list(await session.scalars(query))


def due_local(rows: list[Reminder], status: str = "pending") -> dict[str, datetime]:
    """kind → due moment in Kazakhstan's time, for rows in one status."""
    return {r.kind: r.due_at.astimezone(KAZAKHSTAN_TIME) for r in rows if r.status == status}
