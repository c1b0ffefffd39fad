"""A person's hearings and their reminder rows: add, change, stop, delete, archive.

Every change to a hearing's time rewrites its pending reminders in the same transaction, so a
reminder can never point at an old date. Every method takes the owner's user id and touches only
that person's rows: a forged button cannot reach someone else's hearing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.clock import Clock, as_utc
from bot.services.hearings.copies import copy_links, recipients
from bot.services.hearings.timing import REMINDER_KINDS, QuietHours, reminder_times
from bot.storage.db import SessionFactory
from bot.storage.models import Hearing, Reminder, User

CASE_NUMBER = re.compile(r"^[0-9А-ЯЁA-Z][0-9А-ЯЁA-Z/\-.()]{2,39}$")
OPEN = ("pending", "claimed")  # not yet on its way: may still be rewritten or cancelled


def normalise_case_number(text: str) -> str | None:
    """"№ 2-1234/2026" → "2-1234/2026"; None for something that cannot be a case number."""
    number = text.strip().upper().lstrip("№N#").strip()
    number = re.sub(r"\s*([/\-.])\s*", r"\1", number)
    number = re.sub(r"[‐-―−]", "-", number)  # the dashes phones put in
    number = re.sub(r"\s+", "", number)
    if not CASE_NUMBER.match(number) or not any(ch.isdigit() for ch in number):
        return None
    return number


@dataclass
class HearingDraft:
    """What a person has told about a hearing so far (kept in their conversation data)."""

    case_number: str
    starts_at: datetime
    court_id: str | None = None
    court_name: str | None = None
    online: bool = False
    video_link: str | None = None
    room: str | None = None
    reminders_on: list[str] = field(default_factory=lambda: list(REMINDER_KINDS))
    schedule_id: int | None = None


class HearingBook:
    def __init__(self, sessions: SessionFactory, clock: Clock, quiet: QuietHours,
                 keep_days: int = 30) -> None:
        self._sessions = sessions
        self.clock = clock
        self.quiet = quiet
        self.keep_days = keep_days

    @property
    def sessions(self) -> SessionFactory:
        return self._sessions

    # --- reading ------------------------------------------------------------------------------

    async def user_id(self, channel: str, channel_user_id: str) -> int | None:
        async with self._sessions() as session:
            return await session.scalar(select(User.id).where(
                User.channel == channel, User.channel_user_id == channel_user_id))

    async def upcoming(self, user_id: int) -> list[Hearing]:
        """Hearings not yet over (a hearing counts as over a few hours after it started)."""
        async with self._sessions() as session:
            rows = await session.scalars(select(Hearing).where(
                Hearing.user_id == user_id, Hearing.starts_at > self._over_before()
            ).order_by(Hearing.starts_at))
            return list(rows)

    async def past(self, user_id: int) -> list[Hearing]:
        async with self._sessions() as session:
            rows = await session.scalars(select(Hearing).where(
                Hearing.user_id == user_id, Hearing.starts_at <= self._over_before()
            ).order_by(Hearing.starts_at.desc()))
            return list(rows)

    async def count(self, user_id: int) -> int:
        """All the person's hearings, past ones included (for "My data")."""
        async with self._sessions() as session:
            return await session.scalar(select(func.count()).select_from(Hearing).where(
                Hearing.user_id == user_id)) or 0

    async def get(self, user_id: int, hearing_id: int) -> Hearing | None:
        async with self._sessions() as session:
            hearing = await session.get(Hearing, hearing_id)
        return hearing if hearing is not None and hearing.user_id == user_id else None

    async def pending_kinds(self, hearing_id: int) -> dict[str, datetime]:
        """The reminders still to come for a hearing: kind → due moment."""
        async with self._sessions() as session:
            rows = await session.execute(select(Reminder.kind, Reminder.due_at).where(
                Reminder.hearing_id == hearing_id, Reminder.status.in_(OPEN),
                Reminder.kind.in_(REMINDER_KINDS)))
            return {kind: due for kind, due in rows}

    async def has_case(self, user_id: int, case_number: str) -> int | None:
        """The person's hearing with this case number, still to come or recent. Compared after
        reading: case numbers are encrypted at rest, so SQL cannot compare them."""
        async with self._sessions() as session:
            rows = (await session.execute(select(Hearing.id, Hearing.case_number).where(
                Hearing.user_id == user_id, Hearing.starts_at > self._over_before()))).all()
        return next((hearing_id for hearing_id, number in rows if number == case_number), None)

    # --- changing -----------------------------------------------------------------------------

    async def add(self, user_id: int, draft: HearingDraft) -> int:
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            hearing = Hearing(user_id=user_id, case_number=draft.case_number,
                              court_id=draft.court_id, court_name=draft.court_name,
                              starts_at=draft.starts_at, online=draft.online,
                              video_link=draft.video_link, room=draft.room,
                              reminders_on=list(draft.reminders_on), status="active",
                              schedule_id=draft.schedule_id, created_at=now, updated_at=now)
            session.add(hearing)
            await session.flush()
            await self.reschedule(session, hearing, now)
            return hearing.id

    async def change(self, user_id: int, hearing_id: int, **changes: object) -> bool:
        """Change a hearing's details; a new time or new reminder choices move the reminders."""
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            hearing = await session.get(Hearing, hearing_id)
            if hearing is None or hearing.user_id != user_id:
                return False
            moved = "starts_at" in changes and changes["starts_at"] != hearing.starts_at
            was = hearing.starts_at
            rewanted = "reminders_on" in changes and changes["reminders_on"] != \
                hearing.reminders_on
            for name, value in changes.items():
                setattr(hearing, name, value)
            if moved:
                hearing.schedule_id = None  # the person's own date now, not the court list's
            hearing.updated_at = now
            if moved or rewanted:
                await self.reschedule(session, hearing, now)
            if moved:
                await self._tell_relatives(session, hearing, was, now)
            return True

    async def stop_reminders(self, user_id: int, hearing_id: int) -> bool:
        return await self.change(user_id, hearing_id, reminders_on=[])

    async def delete(self, user_id: int, hearing_id: int) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(Hearing).where(
                Hearing.id == hearing_id, Hearing.user_id == user_id))
            return bool(result.rowcount)

    async def stop_all(self, user_id: int) -> int:
        """Turn off every reminder of the person's upcoming hearings; how many hearings."""
        hearings = await self.upcoming(user_id)
        for hearing in hearings:
            await self.stop_reminders(user_id, hearing.id)
        return len([h for h in hearings if h.reminders_on])

    async def reschedule(self, session: AsyncSession, hearing: Hearing, now: datetime) -> None:
        """Replace the hearing's reminders still to come with ones for its current time: the
        owner's and the copies for relatives (bot/services/hearings/copies.py)."""
        await session.execute(delete(Reminder).where(
            Reminder.hearing_id == hearing.id, Reminder.status.in_(OPEN),
            Reminder.kind.in_(REMINDER_KINDS)))
        if hearing.status != "active":
            return
        for link_id in await recipients(session, hearing):
            self.add_reminders(session, hearing, now, link_id)

    def add_reminders(self, session: AsyncSession, hearing: Hearing, now: datetime,
                      link_id: int | None = None) -> None:
        """The hearing's reminders still to come, for its owner or (`link_id`) a copy's
        recipient."""
        for kind, due in reminder_times(hearing.starts_at, hearing.reminders_on, self.quiet, now):
            session.add(Reminder(hearing_id=hearing.id, kind=kind, due_at=due, status="pending",
                                 attempts=0, created_at=now, link_id=link_id))

    async def _tell_relatives(self, session: AsyncSession, hearing: Hearing, was: datetime,
                              now: datetime) -> None:
        """The owner moved the hearing themselves: they know, their relatives are told (not
        the owner's own SMS number: the owner is the one who moved it)."""
        for link_id in await copy_links(session, hearing, relatives_only=True):
            session.add(Reminder(hearing_id=hearing.id, kind="moved", due_at=now,
                                 status="pending", attempts=0, created_at=now, link_id=link_id,
                                 detail={"was": as_utc(was).isoformat()}))

    async def forget_old(self) -> int:
        """Delete hearings that ended more than `keep_days` ago (their reminders go with them)."""
        cutoff = self.clock.now() - timedelta(days=self.keep_days)
        async with self._sessions() as session, session.begin():
            result = await session.execute(delete(Hearing).where(Hearing.starts_at < cutoff))
            return result.rowcount or 0

    def _over_before(self) -> datetime:
        return self.clock.now() - timedelta(hours=HEARING_LENGTH_HOURS)


# A hearing stays in "upcoming" for a few hours after it began, so "I'll be there" on the 2-hour
# reminder still finds it.
HEARING_LENGTH_HOURS = 6
