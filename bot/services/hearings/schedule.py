"""Court schedules: importing a published list of hearings, so people can find theirs by case
number and are told at once when it moves or is cancelled.

A source is anything that yields `ScheduleEntry` rows (`ScheduleSource`); a CSV file is the one
bundled. Another format or a court's feed is one more class with the same `read()`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from bot.services.clock import KAZAKHSTAN_TIME, Clock, as_utc
from bot.services.hearings.book import HearingBook, normalise_case_number
from bot.services.hearings.copies import recipients
from bot.services.hearings.model import CourtList
from bot.storage.db import SessionFactory
from bot.storage.models import Hearing, Reminder, ScheduledHearing

CSV_COLUMNS = ("case_number", "court", "date", "time", "room", "format", "status")
FORMATS = {"in_person": False, "online": True, "": False}
STATUSES = ("scheduled", "cancelled")


@dataclass(frozen=True)
class ScheduleEntry:
    case_number: str
    court_id: str | None
    court_name: str | None
    starts_at: datetime
    online: bool = False
    room: str | None = None
    status: str = "scheduled"

    @property
    def court_key(self) -> str:
        return self.court_id or (self.court_name or "").casefold()


@dataclass
class RowProblem:
    line: int
    message: str


class ScheduleSource(Protocol):
    name: str
    problems: list[RowProblem]

    def read(self) -> Iterator[ScheduleEntry]: ...


class CsvSchedule:
    """A published schedule as CSV (UTF-8, a header row; see README "Court schedules").

    `court` is a court id from courts.yaml or, for a court not in the list, its name; `date` is
    YYYY-MM-DD and `time` HH:MM in Kazakhstan's time; `format` is in_person or online;
    `status` is scheduled or cancelled. Party names, if the file has them, are not read."""

    def __init__(self, path: Path, courts: CourtList | None, name: str = "csv") -> None:
        self.path, self.courts, self.name = path, courts, name
        self.problems: list[RowProblem] = []

    def read(self) -> Iterator[ScheduleEntry]:
        with self.path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            missing = [c for c in ("case_number", "court", "date", "time")
                       if c not in (reader.fieldnames or [])]
            if missing:
                self.problems.append(RowProblem(1, f"missing columns: {', '.join(missing)}"))
                return
            for line, row in enumerate(reader, start=2):
                try:
                    yield self._entry(row)
                except ValueError as error:
                    self.problems.append(RowProblem(line, str(error)))

    def _entry(self, row: dict[str, str | None]) -> ScheduleEntry:
        def cell(name: str) -> str:
            return (row.get(name) or "").strip()

        number = normalise_case_number(cell("case_number"))
        if number is None:
            raise ValueError("case_number is empty or not a case number")
        court = cell("court")
        if not court:
            raise ValueError("court is empty")
        listed = self.courts.court(court) or self.courts.named(court) if self.courts else None
        if listed is None and court.isascii() and court == court.lower() and "-" in court:
            raise ValueError(f"court id {court!r} is not in courts.yaml")
        known = listed is not None
        court = listed.id if listed else court
        try:
            day = date.fromisoformat(cell("date"))
            moment = time.fromisoformat(cell("time"))
        except ValueError:
            raise ValueError("date must be YYYY-MM-DD and time HH:MM") from None
        kind = cell("format").lower()
        status = cell("status").lower() or "scheduled"
        if kind not in FORMATS:
            raise ValueError("format must be in_person or online")
        if status not in STATUSES:
            raise ValueError("status must be scheduled or cancelled")
        return ScheduleEntry(
            case_number=number, court_id=court if known else None,
            court_name=None if known else court[:200],
            starts_at=as_utc(datetime.combine(day, moment, KAZAKHSTAN_TIME)),
            online=FORMATS[kind], room=cell("room")[:40] or None, status=status)


def source_for(path: Path, courts: CourtList | None) -> ScheduleSource:
    """The reader for a schedule file, chosen by its extension."""
    if path.suffix.lower() == ".csv":
        return CsvSchedule(path, courts)
    raise ValueError(f"no schedule reader for {path.suffix or 'files without an extension'}")


@dataclass
class ImportReport:
    new: int = 0
    moved: int = 0
    cancelled: int = 0
    unchanged: int = 0
    notified: int = 0  # messages queued for people following a moved or cancelled hearing
    problems: list[RowProblem] = field(default_factory=list)

    def lines(self) -> list[str]:
        summary = (f"new: {self.new}, moved: {self.moved}, cancelled: {self.cancelled}, "
                   f"unchanged: {self.unchanged}, people to notify: {self.notified}")
        return [summary, *(f"line {p.line}: {p.message}" for p in self.problems)]


class ScheduleImport:
    """Brings the court schedule table in line with a source, and queues the news for people
    whose hearings moved or were cancelled, in the same transaction (so a re-run after a crash
    neither loses nor repeats a message). Running it twice on one file changes nothing."""

    def __init__(self, sessions: SessionFactory, book: HearingBook, clock: Clock) -> None:
        self._sessions, self._book, self._clock = sessions, book, clock

    async def run(self, source: ScheduleSource, complete: bool = False) -> ImportReport:
        """`complete`: the source lists every hearing it knows; future ones it no longer lists
        are taken as cancelled."""
        report = ImportReport()
        now = self._clock.now()
        seen: set[tuple[str, str]] = set()
        async with self._sessions() as session, session.begin():
            for entry in source.read():
                key = (entry.court_key, entry.case_number)
                if key in seen:
                    source.problems.append(RowProblem(0, f"{entry.case_number}: listed twice"))
                    continue
                seen.add(key)
                await self._apply(session, source.name, entry, now, report)
            if complete:
                await self._cancel_unlisted(session, source.name, seen, now, report)
        report.problems = source.problems
        return report

    async def _apply(self, session, source_name: str, entry: ScheduleEntry, now: datetime,
                     report: ImportReport) -> None:
        row = await session.scalar(select(ScheduledHearing).where(
            ScheduledHearing.court_key == entry.court_key,
            ScheduledHearing.case_number == entry.case_number))
        if row is None:
            session.add(ScheduledHearing(
                source=source_name, court_key=entry.court_key, court_id=entry.court_id,
                court_name=entry.court_name, case_number=entry.case_number,
                starts_at=entry.starts_at, online=entry.online, room=entry.room,
                status=entry.status, imported_at=now, updated_at=now))
            report.new += 1
            return
        was_cancelled = row.status == "cancelled"
        moved = row.starts_at != entry.starts_at
        row.online, row.room, row.imported_at = entry.online, entry.room, now
        if entry.status == "cancelled" and not was_cancelled:
            row.status, row.updated_at = "cancelled", now
            report.cancelled += 1
            report.notified += await self._tell_followers(session, row, "cancelled", now)
        elif entry.status == "scheduled" and (moved or was_cancelled):
            old = row.starts_at
            row.starts_at, row.status, row.updated_at = entry.starts_at, "scheduled", now
            report.moved += 1
            report.notified += await self._tell_followers(session, row, "moved", now, old)
        else:
            report.unchanged += 1

    async def _cancel_unlisted(self, session, source_name: str, seen: set[tuple[str, str]],
                               now: datetime, report: ImportReport) -> None:
        rows = await session.scalars(select(ScheduledHearing).where(
            ScheduledHearing.source == source_name, ScheduledHearing.status == "scheduled",
            ScheduledHearing.starts_at > now))
        for row in rows:
            if (row.court_key, row.case_number) not in seen:
                row.status, row.updated_at = "cancelled", now
                report.cancelled += 1
                report.notified += await self._tell_followers(session, row, "cancelled", now)

    async def _tell_followers(self, session, row: ScheduledHearing, kind: str, now: datetime,
                              old_start: datetime | None = None) -> int:
        """Move (or cancel) the hearings people follow from this schedule row, and queue one
        message for each of them."""
        # A cancelled hearing that the court lists again counts as moved back into place.
        statuses = ("active", "cancelled") if kind == "moved" else ("active",)
        hearings = list(await session.scalars(select(Hearing).where(
            Hearing.schedule_id == row.id, Hearing.status.in_(statuses))))
        if kind == "moved":
            hearings = [h for h in hearings
                        if h.starts_at != row.starts_at or h.status == "cancelled"]
        for hearing in hearings:
            if kind == "moved":
                hearing.starts_at, hearing.status = row.starts_at, "active"
            else:
                hearing.status = "cancelled"
            hearing.room, hearing.online, hearing.updated_at = row.room, row.online, now
            await self._book.reschedule(session, hearing, now)
            detail = {"was": as_utc(old_start).isoformat()} if old_start else None
            for link_id in await recipients(session, hearing):  # the owner, and relatives
                session.add(Reminder(hearing_id=hearing.id, kind=kind, due_at=now,
                                     status="pending", attempts=0, detail=detail,
                                     created_at=now, link_id=link_id))
        return len(hearings)


async def find_in_schedule(sessions: SessionFactory, case_number: str,
                           after: datetime) -> list[ScheduledHearing]:
    """Scheduled hearings with this case number that are still ahead."""
    async with sessions() as session:
        rows = await session.scalars(select(ScheduledHearing).where(
            ScheduledHearing.case_number == case_number,
            ScheduledHearing.status == "scheduled", ScheduledHearing.starts_at > after,
        ).order_by(ScheduledHearing.starts_at))
        return list(rows)
