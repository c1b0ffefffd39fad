"""A relative gets copies of a citizen's reminders ("👨‍👩‍👧 A relative gets my reminders").

The citizen makes a one-time code for one hearing or for all of theirs, and sends the link to a
son, a daughter, a neighbour. The relative opens it on their own Telegram or WhatsApp and agrees
themselves; from then on every reminder and every "moved" / "cancelled" for those hearings is
written twice: one row for the owner, one addressed to the link (`reminders.link_id`). The copy
goes through the same claim → sending → sent rows as any reminder, so retries, pacing and
"never twice" hold for it too; it is told in the relative's language and says whose hearing it
is only by the name the citizen gave the link (or not at all). Nothing else of the citizen's
(their answers, their chats) is ever shown to the relative.

Only a hash of the code is kept; a code works once and expires (`RELATIVE_CODE_HOURS`).
A relative without a messenger gets the copies by SMS: they call the call centre with the code,
the operator reads them the consent and enrols them (bot/services/sms/people.py); the link is
then accepted for their SMS record, and nothing else differs.

The same table holds the owner's own SMS number ("📱 SMS copies", relation "self_sms"): a link
with no code, confirmed by the code sent to that number. Links of either kind make copy rows the
same way; the citizen's list of relatives, the relative's list and the counts here are of
relatives only.
Either side can stop it: deleting the link deletes its copies (foreign keys, ON DELETE CASCADE),
and so does deleting either person or the hearing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.clock import Clock
from bot.services.enrolment import ALPHABET
from bot.services.hearings.book import HearingBook
from bot.storage.db import SessionFactory
from bot.storage.models import RELATIVE, SELF_SMS, Hearing, RelativeLink, Reminder, User

RELATIVES = RelativeLink.relation == RELATIVE  # not one's own SMS number
CODE_LENGTH = 12  # about 59 bits: sent as a link, never read out
DEEP_LINK_PREFIX = "rel-"
NAME_LIMIT = 40


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """"rel-k7qp-3mzd-…" or the bare code, as typed or pasted → the code; None otherwise."""
    cleaned = re.sub(r"[\s\-]", "", text.strip().upper())
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def clean_name(text: str) -> str | None:
    """What the citizen typed as the name the relative will see: one short line."""
    name = " ".join(text.split())[:NAME_LIMIT]
    return name or None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class Invitation:
    code: str  # shown once to the citizen, never stored
    link_id: int
    expires_at: datetime


@dataclass(frozen=True)
class Link:
    """A link as either side sees it."""

    id: int
    citizen_id: int
    relative_id: int | None
    hearing_id: int | None  # None: all the citizen's hearings
    name: str | None
    expires_at: datetime | None  # None: a link made without a code (one's own SMS number)
    used_at: datetime | None
    relative_channel: str | None = None  # where the copies go (for the citizen's list)
    hearing_starts_at: datetime | None = None  # the one hearing's date, when it is one
    relation: str = RELATIVE

    @property
    def accepted(self) -> bool:
        return self.relative_id is not None


class Refusal(Exception):
    """Why a code cannot be accepted."""


class OwnLink(Refusal):
    """The citizen opened their own link."""


class RelativeLinks:
    def __init__(self, sessions: SessionFactory, clock: Clock, book: HearingBook,
                 valid_hours: float = 72) -> None:
        self._sessions = sessions
        self.clock = clock
        self.book = book
        self.valid_hours = valid_hours

    # --- the citizen's side -------------------------------------------------------------------

    async def invite(self, citizen_id: int, hearing_id: int | None,
                     name: str | None) -> Invitation | None:
        """A new one-time code; None if the hearing is not the citizen's."""
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            if hearing_id is not None:
                hearing = await session.get(Hearing, hearing_id)
                if hearing is None or hearing.user_id != citizen_id:
                    return None
            code = new_code()
            link = RelativeLink(citizen_id=citizen_id, hearing_id=hearing_id,
                                code_hash=_hash(code), name=clean_name(name or ""),
                                created_at=now,
                                expires_at=now + timedelta(hours=self.valid_hours))
            session.add(link)
            await session.flush()
            return Invitation(code, link.id, link.expires_at)

    async def given(self, citizen_id: int) -> list[Link]:
        """The citizen's links to relatives: accepted ones, and codes still waiting to be
        opened."""
        return await self._links(RelativeLink.citizen_id == citizen_id, RELATIVES, or_(
            RelativeLink.relative_id.is_not(None),
            (RelativeLink.used_at.is_(None)) & (RelativeLink.expires_at > self.clock.now())))

    # --- the relative's side ------------------------------------------------------------------

    async def find(self, code: str) -> Link | None:
        """The link behind a code, if it can still be accepted."""
        links = await self._links(RelativeLink.code_hash == _hash(code),
                                  RelativeLink.used_at.is_(None),
                                  RelativeLink.expires_at > self.clock.now())
        return links[0] if links else None

    async def accept(self, code: str, relative_id: int) -> Link | None:
        """The relative agreed: copies start for the hearings the link covers. None when the
        code is unknown, used or expired; a code is taken once even when two people race.
        Raises OwnLink when the citizen opens their own code (it stays usable)."""
        link = await self.find(code)
        if link is None:
            return None
        if link.citizen_id == relative_id:
            raise OwnLink()
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            taken = await session.execute(update(RelativeLink).where(
                RelativeLink.id == link.id, RelativeLink.used_at.is_(None),
                RelativeLink.expires_at > now,
            ).values(used_at=now, relative_id=relative_id))
            if not taken.rowcount:
                return None
            kept = await self._merge(session, link, relative_id)
            if kept == link.id:
                await self._copy_existing(session, link, now)
        accepted = await self._links(RelativeLink.id == kept)
        return accepted[0] if accepted else None

    async def received(self, relative_id: int) -> list[Link]:
        """The links whose copies this person gets as a relative."""
        return await self._links(RelativeLink.relative_id == relative_id, RELATIVES)

    # --- the owner's own SMS number -----------------------------------------------------------

    async def own_sms(self, citizen_id: int, recipient_id: int) -> int:
        """The citizen's own SMS record (its number confirmed by the code sent to it) gets
        copies of all their reminders: a link with no invitation code, accepted at once. It
        replaces an earlier own number, and any link of theirs to the same record, so no
        reminder goes twice to one phone. Returns the link's id."""
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            await session.execute(delete(RelativeLink).where(
                RelativeLink.citizen_id == citizen_id,
                or_(RelativeLink.relation == SELF_SMS, RelativeLink.relative_id == recipient_id)))
            link = RelativeLink(citizen_id=citizen_id, hearing_id=None, relation=SELF_SMS,
                                code_hash=None, name=None, created_at=now, expires_at=None,
                                used_at=now, relative_id=recipient_id)
            session.add(link)
            await session.flush()
            await self._copy_existing(session, link, now)
            return link.id

    # --- either side --------------------------------------------------------------------------

    async def stop(self, link_id: int, user_id: int) -> Link | None:
        """Either side ends a link (or the citizen withdraws a code not yet used): the link and
        its copies still to come are deleted. None if it is not theirs."""
        links = await self._links(RelativeLink.id == link_id, or_(
            RelativeLink.citizen_id == user_id, RelativeLink.relative_id == user_id))
        if not links:
            return None
        async with self._sessions() as session, session.begin():
            await session.execute(delete(RelativeLink).where(RelativeLink.id == link_id))
        return links[0]

    async def counts(self, user_id: int) -> tuple[int, int]:
        """(relatives who get the person's copies, people whose copies they get)."""
        accepted = RelativeLink.relative_id.is_not(None)
        async with self._sessions() as session:
            given = await session.scalar(select(func.count()).select_from(RelativeLink).where(
                RelativeLink.citizen_id == user_id, accepted, RELATIVES))
            received = await session.scalar(select(func.count()).select_from(RelativeLink)
                                            .where(RelativeLink.relative_id == user_id,
                                                   RELATIVES))
        return given or 0, received or 0

    # --- inside -------------------------------------------------------------------------------

    async def _links(self, *where: object) -> list[Link]:
        async with self._sessions() as session:
            rows = await session.execute(
                select(RelativeLink, User.channel, Hearing.starts_at)
                .outerjoin(User, User.id == RelativeLink.relative_id)
                .outerjoin(Hearing, Hearing.id == RelativeLink.hearing_id)
                .where(*where).order_by(RelativeLink.id))
            return [Link(link.id, link.citizen_id, link.relative_id, link.hearing_id, link.name,
                         link.expires_at, link.used_at, channel, starts_at, link.relation)
                    for link, channel, starts_at in rows]

    async def _merge(self, session: AsyncSession, link: Link, relative_id: int) -> int:
        """One relative, one citizen: the broadest link stays, so no reminder is copied twice.
        Returns the id of the link that stays (the new one, or an older one that covers it)."""
        older = list(await session.scalars(select(RelativeLink).where(
            RelativeLink.citizen_id == link.citizen_id, RelativeLink.relative_id == relative_id,
            RelativeLink.id != link.id)))
        covering = next((o for o in older if o.hearing_id in (None, link.hearing_id)), None)
        if covering is not None:
            await session.execute(delete(RelativeLink).where(RelativeLink.id == link.id))
            return covering.id
        if link.hearing_id is None:  # all hearings now: the narrower links go, with copies
            await session.execute(delete(RelativeLink).where(
                RelativeLink.id.in_([o.id for o in older])))
        return link.id

    async def _copy_existing(self, session: AsyncSession, link: Link | RelativeLink,
                             now: datetime) -> None:
        """Copies of the reminders still to come for the hearings the link covers."""
        query = select(Hearing).where(Hearing.user_id == link.citizen_id,
                                      Hearing.status == "active", Hearing.starts_at > now)
        if link.hearing_id is not None:
            query = query.where(Hearing.id == link.hearing_id)
        for hearing in await session.scalars(query):
            self.book.add_reminders(session, hearing, now, link.id)


async def copies_of(session: AsyncSession, link_ids: list[int]) -> list[Reminder]:
    """The copy rows of these links (for "My data")."""
    if not link_ids:
        return []
    return list(await session.scalars(select(Reminder).where(
        Reminder.link_id.in_(link_ids)).order_by(Reminder.due_at)))
