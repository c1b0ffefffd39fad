"""Talking to a person: the queue of citizens who asked for an operator, and their messages.

A handoff is waiting (in the queue), open (an operator took it), or closed. Outside the call
centre's working hours it starts as `callback`: the person leaves a message, and the first
operator in the morning takes it like any other. Both sides use this desk: the citizen's
screens (bot/services/flows/help_from_people.py) and the staff console (bot/staff/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from bot.services.clock import Clock, to_local
from bot.services.explorer.calc import WorkCalendar
from bot.storage.db import SessionFactory
from bot.storage.models import Handoff, HandoffMessage, StaffAccount, User

ACTIVE = ("waiting", "open", "callback")
IN_QUEUE = ("waiting", "callback")
MAX_MESSAGE = 4000  # longer texts are cut: an operator reads, they do not scroll forever


@dataclass(frozen=True)
class WorkingHours:
    """When operators answer: "09:00-18:00" on Kazakhstan's working days, or "always"."""

    opens: time | None
    closes: time | None
    calendar: WorkCalendar

    @classmethod
    def parse(cls, text: str, calendar: WorkCalendar | None = None) -> WorkingHours:
        calendar = calendar or WorkCalendar()
        if text.strip().lower() == "always":
            return cls(None, None, calendar)
        start, _, end = text.strip().partition("-")
        opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        if opens >= closes:
            raise ValueError("the centre must open before it closes")
        return cls(opens, closes, calendar)

    def is_open(self, moment: datetime) -> bool:
        if self.opens is None or self.closes is None:
            return True
        local = to_local(moment)
        return (self.calendar.is_working_day(local.date())
                and self.opens <= local.time().replace(tzinfo=None) < self.closes)

    def next_opening(self, moment: datetime) -> date:
        """The day the centre opens next (today, if it has not opened yet)."""
        local = to_local(moment)
        day = local.date()
        if self.opens is not None and local.time().replace(tzinfo=None) >= self.opens:
            day += timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day += timedelta(days=1)
        return day

    def opening(self) -> str:
        """"09:00": when the centre opens on a working day."""
        return f"{self.opens:%H:%M}" if self.opens else "00:00"

    def describe(self) -> str:
        """"09:00–18:00" for the screens; the day words are the caller's, in their language."""
        if self.opens is None or self.closes is None:
            return "24/7"
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}"


@dataclass(frozen=True)
class QueueEntry:
    """A handoff as the console lists it."""

    id: int
    status: str
    created_at: datetime
    channel: str
    language: str
    from_screen: str
    operator: str | None
    citizen_messages: int


class HandoffDesk:
    def __init__(self, sessions: SessionFactory, clock: Clock, hours: WorkingHours) -> None:
        self._sessions = sessions
        self.clock = clock
        self.hours = hours

    # --- the citizen's side -------------------------------------------------------------------

    async def active(self, user_id: int) -> Handoff | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(Handoff).where(Handoff.user_id == user_id, Handoff.status.in_(ACTIVE))
                .order_by(Handoff.id.desc()).limit(1))

    async def count(self, user_id: int) -> int:
        """How many chats with operators the person has (for "My data")."""
        async with self._sessions() as session:
            return await session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.user_id == user_id)) or 0

    async def request(self, user_id: int, from_screen: str) -> Handoff:
        """Join the queue (or, when the centre is closed, leave a message for the morning).
        Asking twice keeps the first place."""
        existing = await self.active(user_id)
        if existing is not None:
            return existing
        now = self.clock.now()
        status = "waiting" if self.hours.is_open(now) else "callback"
        async with self._sessions() as session, session.begin():
            handoff = Handoff(user_id=user_id, status=status, from_screen=from_screen[:128],
                              created_at=now)
            session.add(handoff)
        return handoff

    async def position(self, handoff: Handoff) -> int:
        """1 for the first in the queue."""
        async with self._sessions() as session:
            ahead = await session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.status.in_(IN_QUEUE), Handoff.id < handoff.id))
        return (ahead or 0) + 1

    async def citizen_says(self, handoff_id: int, text: str) -> None:
        async with self._sessions() as session, session.begin():
            session.add(HandoffMessage(handoff_id=handoff_id, at=self.clock.now(),
                                       author="citizen", text=text[:MAX_MESSAGE]))

    async def leave(self, user_id: int, handoff_id: int) -> bool:
        """The citizen ended it themselves (left the queue, or ended the chat)."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Handoff).where(
                Handoff.id == handoff_id, Handoff.user_id == user_id,
                Handoff.status.in_(ACTIVE)).values(status="closed", closed_at=self.clock.now()))
        return bool(result.rowcount)

    async def rate(self, user_id: int, handoff_id: int, rating: str) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Handoff).where(
                Handoff.id == handoff_id, Handoff.user_id == user_id,
                Handoff.status == "closed").values(rating=rating))
        return bool(result.rowcount)

    async def operator_name(self, handoff: Handoff) -> str | None:
        if handoff.taken_by is None:
            return None
        async with self._sessions() as session:
            return await session.scalar(select(StaffAccount.display_name).where(
                StaffAccount.id == handoff.taken_by))

    async def last_messages(self, handoff_id: int, count: int = 3) -> list[HandoffMessage]:
        async with self._sessions() as session:
            rows = (await session.scalars(
                select(HandoffMessage).where(HandoffMessage.handoff_id == handoff_id)
                .order_by(HandoffMessage.id.desc()).limit(count))).all()
        return list(reversed(rows))

    # --- the staff's side ---------------------------------------------------------------------

    async def queue(self, include_closed: int = 10) -> list[QueueEntry]:
        """Everything active, oldest first, then the last few closed."""
        async with self._sessions() as session:
            unread = (select(func.count()).select_from(HandoffMessage)
                      .where(HandoffMessage.handoff_id == Handoff.id,
                             HandoffMessage.author == "citizen").scalar_subquery())
            columns = (Handoff, User.channel, User.language, StaffAccount.display_name, unread)
            base = (select(*columns).join(User, User.id == Handoff.user_id)
                    .outerjoin(StaffAccount, StaffAccount.id == Handoff.taken_by))
            active = (await session.execute(
                base.where(Handoff.status.in_(ACTIVE)).order_by(Handoff.id))).all()
            closed = (await session.execute(
                base.where(Handoff.status == "closed").order_by(Handoff.id.desc())
                .limit(include_closed))).all()
        return [QueueEntry(h.id, h.status, h.created_at, channel, language, h.from_screen,
                           operator, count or 0)
                for h, channel, language, operator, count in [*active, *closed]]

    async def take(self, handoff_id: int, staff_id: int) -> bool:
        """An operator takes a waiting handoff; two operators cannot take the same one."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Handoff).where(
                Handoff.id == handoff_id, Handoff.status.in_(IN_QUEUE),
            ).values(status="open", taken_by=staff_id, taken_at=self.clock.now()))
        return bool(result.rowcount)

    async def staff_says(self, handoff_id: int, staff_id: int, text: str) -> int | None:
        """Record an operator's reply; None when the handoff is no longer open."""
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            handoff = await session.get(Handoff, handoff_id)
            if handoff is None or handoff.status != "open":
                return None
            if handoff.first_answer_at is None:
                handoff.first_answer_at = now
            message = HandoffMessage(handoff_id=handoff_id, at=now, author="staff",
                                     staff_id=staff_id, text=text[:MAX_MESSAGE])
            session.add(message)
            await session.flush()
            return message.id

    async def undelivered(self, message_id: int, reason: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(update(HandoffMessage).where(HandoffMessage.id == message_id)
                                  .values(delivery_error=reason[:64]))

    async def close(self, handoff_id: int) -> bool:
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(Handoff).where(
                Handoff.id == handoff_id, Handoff.status.in_(ACTIVE),
            ).values(status="closed", closed_at=self.clock.now()))
        return bool(result.rowcount)

    async def messages(self, handoff_id: int, after: int = 0) -> list[HandoffMessage]:
        async with self._sessions() as session:
            return list((await session.scalars(
                select(HandoffMessage).where(HandoffMessage.handoff_id == handoff_id,
                                             HandoffMessage.id > after)
                .order_by(HandoffMessage.id))).all())

    async def citizen(self, handoff_id: int) -> tuple[Handoff, User] | None:
        async with self._sessions() as session:
            row = (await session.execute(
                select(Handoff, User).join(User, User.id == Handoff.user_id)
                .where(Handoff.id == handoff_id))).first()
        return (row[0], row[1]) if row else None

    async def version(self) -> tuple[int, int, int]:
        """Changes whenever anything in the desk changes: the console's live view compares it."""
        async with self._sessions() as session:
            handoffs = (await session.execute(select(
                func.count(Handoff.id), func.coalesce(func.max(Handoff.id), 0),
                func.count(Handoff.taken_at) + func.count(Handoff.closed_at)))).one()
            last_message = await session.scalar(select(func.max(HandoffMessage.id))) or 0
        return (int(handoffs[1]), int(handoffs[2]), int(last_message))
