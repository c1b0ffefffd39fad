"""Who gets SMS reminders, and stopping them.

An SMS recipient is a person record like any other: `users` with channel "sms" and, as its id,
the keyed-hash alias of the number (bot/services/addresses.py); the number itself is only in
`addresses`, sealed. Three ways in, and one way a copy is addressed (`relative_links`):
- the call centre enrols a caller by phone: the hearing belongs to the SMS record itself;
- a citizen in the chat asks for SMS copies of their own reminders: a link with relation
  "self_sms" from their chat record to the SMS record, made once the code sent to the number
  comes back (bot/services/flows/sms_copies.py);
- a relative without a messenger calls the call centre with the citizen's invitation code: the
  operator reads them the consent, and the link is accepted for their SMS record.
STOP (from the gateway's inbound webhook) marks the SMS record unreachable, withdraws the open
reminders of its own hearings and deletes every link to it (with its copies still to come);
nothing is sent to it again until the person is enrolled or asks again (a new consent)."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.channels.sms import CHANNEL
from bot.services.addresses import AddressBook
from bot.services.clock import Clock
from bot.services.conversation.context import CONSENT_VERSION
from bot.services.enrolment import draft_of
from bot.services.hearings.book import OPEN, HearingBook
from bot.services.i18n import gettext_for
from bot.services.relatives import Link, OwnLink, RelativeLinks
from bot.storage.db import SessionFactory
from bot.storage.models import SELF_SMS, Address, Hearing, RelativeLink, Reminder, User


class SmsPeople:
    def __init__(self, sessions: SessionFactory, clock: Clock, book: HearingBook,
                 relatives: RelativeLinks) -> None:
        self._sessions = sessions
        self.clock = clock
        self.book = book
        self.relatives = relatives
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

    # --- a relative without a messenger ------------------------------------------------------

    async def enrol_relative(self, code: str, number: str, language: str) -> Link | None:
        """A relative called with the citizen's invitation code and agreed to the consent the
        operator read out: the link is accepted for their SMS record, and copies go by SMS.
        None when the code is unknown, used or expired (then nothing new is kept)."""
        if await self.relatives.find(code) is None:
            return None
        recipient = await self.agree(number, language)
        try:
            link = await self.relatives.accept(code, recipient)
        except OwnLink:  # an SMS record makes no codes; kept for the type's sake
            link = None
        if link is None:
            await self.forget_if_unused(recipient)
        return link

    # --- copies of a chat user's own reminders ------------------------------------------------

    async def add_copies(self, owner_id: int, number: str, language: str) -> int:
        """The number came back with its code: the owner's reminders go there too (instead
        of an earlier number, which is then not kept unless it has a life of its own)."""
        async with self._sessions() as session:
            earlier = list(await session.scalars(select(RelativeLink.relative_id).where(
                RelativeLink.citizen_id == owner_id, RelativeLink.relation == SELF_SMS)))
        recipient = await self.agree(number, language)
        await self.relatives.own_sms(owner_id, recipient)
        for old in dict.fromkeys(earlier):
            if old is not None and old != recipient:
                await self.forget_if_unused(old)
        return recipient

    async def copy_number(self, owner_id: int) -> str | None:
        """The number the person's own SMS copies go to, if any are in force."""
        async with self._sessions() as session:
            alias = await session.scalar(select(User.channel_user_id).join(
                RelativeLink, RelativeLink.relative_id == User.id).where(
                RelativeLink.citizen_id == owner_id, RelativeLink.relation == SELF_SMS,
                User.unreachable_since.is_(None)))
        if alias is None:
            return None
        try:
            return await self.addresses.address(alias)
        except LookupError:
            return None

    async def stop_copies(self, owner_id: int) -> None:
        """The citizen stopped their SMS copies in the chat: the link goes, and its copies
        still to come with it (a claimed one is then refused at `claimed → sending`)."""
        async with self._sessions() as session:
            recipients = list(await session.scalars(select(RelativeLink.relative_id).where(
                RelativeLink.citizen_id == owner_id, RelativeLink.relation == SELF_SMS)))
        async with self._sessions() as session, session.begin():
            await session.execute(delete(RelativeLink).where(
                RelativeLink.citizen_id == owner_id, RelativeLink.relation == SELF_SMS))
        for recipient in dict.fromkeys(recipients):
            if recipient is not None:
                await self.forget_if_unused(recipient)

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
            # Copies to this number, of anyone's reminders: the links go, with their copies.
            await session.execute(delete(RelativeLink).where(
                RelativeLink.relative_id == user_id))
            # Its own hearings' reminders (an enrolled caller): withdrawn, and no new ones.
            owned = select(Hearing.id).where(Hearing.user_id == user_id)
            await session.execute(update(Reminder).where(
                Reminder.status.in_(OPEN), Reminder.link_id.is_(None),
                Reminder.hearing_id.in_(owned),
            ).values(status="cancelled", claimed_by=None, lease_until=None,
                     last_error="stopped"))
            await session.execute(update(Hearing).where(Hearing.user_id == user_id).values(
                reminders_on=[]))
            return await session.scalar(select(User.language).where(User.id == user_id))

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
        """A chat user deletes their data: the SMS records that got copies only from them (their
        own number, a relative's) go too, unless one has a life of its own (hearings enrolled
        by phone, or copies of someone else's). Called before the person is deleted (their
        links go with them)."""
        async with self._sessions() as session:
            recipients = list(await session.scalars(select(RelativeLink.relative_id).where(
                RelativeLink.citizen_id == owner_id)))
        for recipient in dict.fromkeys(recipients):
            if recipient is not None:
                await self.forget_if_unused(recipient, but=owner_id)

    async def forget_if_unused(self, user_id: int, but: int | None = None) -> bool:
        """Delete an SMS record that has no hearing and gets no copies (other than from
        `but`, who is being deleted): nothing left to send it."""
        async with self._sessions() as session:
            hearings = await session.scalar(select(func.count()).select_from(Hearing).where(
                Hearing.user_id == user_id)) or 0
            links = select(func.count()).select_from(RelativeLink).where(
                RelativeLink.relative_id == user_id)
            if but is not None:
                links = links.where(RelativeLink.citizen_id != but)
            others = await session.scalar(links) or 0
        return False if hearings or others else await self.forget(user_id)

    async def export(self, user_id: int) -> dict[str, Any] | None:
        """What is kept about an SMS record, for the console to hand over on request."""
        async with self._sessions() as session:
            user = await session.get(User, user_id)
            if user is None or user.channel != CHANNEL:
                return None
            hearings = (await session.scalars(select(Hearing).where(
                Hearing.user_id == user_id))).all()
            address = await session.get(Address, (CHANNEL, user.channel_user_id))
            links = (await session.scalars(select(RelativeLink).where(
                RelativeLink.relative_id == user_id).order_by(RelativeLink.id))).all()
            copies = (await session.scalars(select(Reminder).where(
                Reminder.link_id.in_([link.id for link in links])).order_by(
                Reminder.due_at))).all()
        return {"phone_number": address.address if address else None,
                "language": user.language, "consent_at": _when(user.consent_at),
                "stopped_at": _when(user.unreachable_since),
                "hearings": [{"case_number": h.case_number, "court_id": h.court_id,
                              "court_name": h.court_name, "starts_at": _when(h.starts_at),
                              "room": h.room, "status": h.status} for h in hearings],
                # Copies this number gets: of a relative's reminders (the name the relative
                # gave, never their case), or of the person's own chat reminders.
                "copies_i_get": [{
                    "relation": link.relation, "from": link.name,
                    "hearings": "one" if link.hearing_id else "all",
                    "since": _when(link.used_at),
                    "copies": [{"kind": r.kind, "due_at": _when(r.due_at),
                                "status": r.status, "sent_at": _when(r.sent_at)}
                               for r in copies if r.link_id == link.id],
                } for link in links]}


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
