"""Who gets SMS reminders, and stopping them.

An SMS recipient is a person record like any other: `users` with channel "sms" and, as its id,
the keyed-hash alias of the number (bot/services/addresses.py); the number itself is only in
`addresses`, sealed. Two ways in:
- the call centre enrols a caller by phone: the hearing belongs to the SMS record itself;
- a citizen in the chat asks for SMS copies: a `reminder_copies` row ("self") from their chat
  record to the SMS record, and every reminder of theirs is made once more for it.
STOP (from the gateway's inbound webhook) marks the SMS record unreachable, withdraws every open
reminder addressed to it and ends its copies; nothing is sent to it again until the person is
enrolled or asks again (a new consent)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from bot.channels.sms import CHANNEL
from bot.services.addresses import AddressBook
from bot.services.clock import Clock
from bot.services.conversation.context import CONSENT_VERSION
from bot.services.enrolment import draft_of
from bot.services.hearings.book import OPEN, HearingBook
from bot.services.i18n import gettext_for
from bot.storage.db import SessionFactory
from bot.storage.models import Address, Hearing, Reminder, ReminderCopy, User


class SmsPeople:
    def __init__(self, sessions: SessionFactory, clock: Clock, book: HearingBook) -> None:
        self._sessions = sessions
        self.clock = clock
        self.book = book
        self.addresses = AddressBook(sessions, clock, CHANNEL)
        # Sends one SMS at once (a check code), set when the SMS channel is running.
        self.send_now: Callable[[str, str], Awaitable[bool]] | None = None

    async def send_check_code(self, number: str, language: str) -> str | None:
        """A typed number is someone's phone, maybe not the typist's: before any reminder goes
        there, a 4-digit code goes, and the person types it back. The code, or None when no SMS
        could be sent."""
        if self.send_now is None:
            return None
        code = f"{secrets.randbelow(10_000):04d}"
        _ = gettext_for(language)
        text = _("SMS: Code {code}: type it in the court-help bot to get SMS copies of your "
                 "reminders.").format(code=code)
        return code if await self.send_now(number, text) else None

    async def find(self, number: str) -> int | None:
        alias = await self.addresses.alias_of(number)
        async with self._sessions() as session:
            return await session.scalar(select(User.id).where(
                User.channel == CHANNEL, User.channel_user_id == alias))

    async def agree(self, number: str, language: str) -> int:
        """The person agreed (read out by an operator, or in the chat): their SMS record, made
        or renewed, and able to receive again after an earlier STOP."""
        alias = await self.addresses.alias(number)
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            user = await session.scalar(select(User).where(
                User.channel == CHANNEL, User.channel_user_id == alias))
            if user is None:
                user = User(channel=CHANNEL, channel_user_id=alias, language=language,
                            consent_version=CONSENT_VERSION, consent_at=now, created_at=now,
                            last_seen_at=now)
                session.add(user)
            else:
                user.language, user.consent_version, user.consent_at = \
                    language, CONSENT_VERSION, now
                user.unreachable_since = None
            await session.flush()
            return user.id

    async def enrol(self, number: str, language: str, hearing: dict[str, Any]) -> tuple[int, int]:
        """A caller enrolled by phone: the hearing is theirs, reminders by SMS from now on."""
        user_id = await self.agree(number, language)
        return user_id, await self.book.add(user_id, draft_of(hearing))

    # --- copies of a chat user's reminders ----------------------------------------------------

    async def add_copies(self, owner_id: int, number: str, language: str) -> int:
        recipient = await self.agree(number, language)
        async with self._sessions() as session, session.begin():
            await session.execute(update(ReminderCopy).where(
                ReminderCopy.user_id == owner_id, ReminderCopy.relation == "self",
                ReminderCopy.stopped_at.is_(None)).values(stopped_at=self.clock.now()))
            session.add(ReminderCopy(user_id=owner_id, hearing_id=None, recipient_id=recipient,
                                     relation="self", created_at=self.clock.now()))
        await self.book.refresh_all(owner_id)
        return recipient

    async def copy_number(self, owner_id: int) -> str | None:
        """The number the person's own SMS copies go to, if any are in force."""
        async with self._sessions() as session:
            alias = await session.scalar(select(User.channel_user_id).join(
                ReminderCopy, ReminderCopy.recipient_id == User.id).where(
                ReminderCopy.user_id == owner_id, ReminderCopy.relation == "self",
                ReminderCopy.stopped_at.is_(None), User.unreachable_since.is_(None)))
        if alias is None:
            return None
        try:
            return await self.addresses.address(alias)
        except LookupError:
            return None

    async def stop_copies(self, owner_id: int) -> None:
        """The citizen stopped their SMS copies in the chat."""
        async with self._sessions() as session, session.begin():
            recipients = list(await session.scalars(select(ReminderCopy.recipient_id).where(
                ReminderCopy.user_id == owner_id, ReminderCopy.relation == "self")))
            await session.execute(update(ReminderCopy).where(
                ReminderCopy.user_id == owner_id, ReminderCopy.relation == "self",
                ReminderCopy.stopped_at.is_(None)).values(stopped_at=self.clock.now()))
            owners = select(Hearing.id).where(Hearing.user_id == owner_id)
            await session.execute(update(Reminder).where(
                Reminder.status.in_(OPEN), Reminder.recipient_id.in_(recipients),
                Reminder.hearing_id.in_(owners)).values(
                status="cancelled", claimed_by=None, lease_until=None, last_error="stopped"))

    # --- STOP ---------------------------------------------------------------------------------

    async def stop(self, number: str) -> str | None:
        """STOP from this number: SMS end at once. The person's language, to confirm in, the
        first time; None when there was nothing to stop (unknown, or stopped already)."""
        user_id = await self.find(number)
        if user_id is None:
            return None
        async with self._sessions() as session, session.begin():
            result = await session.execute(update(User).where(
                User.id == user_id, User.unreachable_since.is_(None)).values(
                unreachable_since=self.clock.now()))
            if not result.rowcount:
                return None  # stopped before: confirm once only
            await session.execute(update(ReminderCopy).where(
                ReminderCopy.recipient_id == user_id, ReminderCopy.stopped_at.is_(None),
            ).values(stopped_at=self.clock.now()))
            await self._withdraw(session, [user_id])
            await session.execute(update(Hearing).where(Hearing.user_id == user_id).values(
                reminders_on=[]))
            return await session.scalar(select(User.language).where(User.id == user_id))

    async def _withdraw(self, session, recipients: list[int]) -> None:
        """Open reminders to these SMS records are withdrawn: a claimed one is then refused
        by its sender's `claimed → sending` step, so it is never sent."""
        owned = select(Hearing.id).where(Hearing.user_id.in_(recipients))
        await session.execute(update(Reminder).where(
            Reminder.status.in_(OPEN),
            or_(Reminder.recipient_id.in_(recipients),
                and_(Reminder.recipient_id.is_(None), Reminder.hearing_id.in_(owned))),
        ).values(status="cancelled", claimed_by=None, lease_until=None,
                 last_error="stopped"))

    # --- My data, and the console's search ----------------------------------------------------

    async def forget(self, user_id: int) -> bool:
        """Delete an SMS record and its number (its hearings and reminders go with it)."""
        async with self._sessions() as session, session.begin():
            alias = await session.scalar(select(User.channel_user_id).where(
                User.id == user_id, User.channel == CHANNEL))
            if alias is None:
                return False
            await session.execute(delete(User).where(User.id == user_id))
            await session.execute(delete(Address).where(Address.channel == CHANNEL,
                                                        Address.alias == alias))
        await self.addresses.forget(alias)
        return True

    async def forget_copies_of(self, owner_id: int) -> None:
        """A chat user deletes their data: their own SMS record goes too, unless it has a
        life of its own (hearings enrolled by phone, or copies for someone else)."""
        async with self._sessions() as session:
            recipients = list(await session.scalars(select(ReminderCopy.recipient_id).where(
                ReminderCopy.user_id == owner_id, ReminderCopy.relation == "self")))
        for recipient in dict.fromkeys(recipients):
            async with self._sessions() as session:
                hearings = await session.scalar(select(func.count()).select_from(Hearing).where(
                    Hearing.user_id == recipient)) or 0
                others = await session.scalar(select(func.count()).select_from(ReminderCopy)
                                              .where(ReminderCopy.recipient_id == recipient,
                                                     ReminderCopy.user_id != owner_id)) or 0
            if not hearings and not others:
                await self.forget(recipient)

    async def export(self, user_id: int) -> dict[str, Any] | None:
        """What is kept about an SMS record, for the console to hand over on request."""
        async with self._sessions() as session:
            user = await session.get(User, user_id)
            if user is None or user.channel != CHANNEL:
                return None
            hearings = (await session.scalars(select(Hearing).where(
                Hearing.user_id == user_id))).all()
            address = await session.get(Address, (CHANNEL, user.channel_user_id))
        return {"phone_number": address.address if address else None,
                "language": user.language, "consent_at": _when(user.consent_at),
                "stopped_at": _when(user.unreachable_since),
                "hearings": [{"case_number": h.case_number, "court_id": h.court_id,
                              "court_name": h.court_name, "starts_at": _when(h.starts_at),
                              "room": h.room, "status": h.status} for h in hearings]}


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
