"""Where each person is in the conversation, kept so that it survives restarts.

People who agreed to the notice are kept in the database. Everyone else (a newcomer who has not
answered yet, or someone who declined) is kept only in memory (`Scratch`): this process's bounded
LRU, or with several instances Redis, under a key that expires. Nothing about them is written to
the database, as the consent notice promises.

A stored person's place is also kept in memory between events (`places.PlaceCache`), under a
version token shared by all instances (`coordination.Versions`): an event then costs one write
and no read. Every change asks for a new token before it is written, so no instance answers
from a copy older than the database.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.clock import utc_now
from bot.services.conversation.places import PlaceCache
from bot.services.coordination.local import LocalScratch, LocalVersions
from bot.services.coordination.parts import Scratch, Versions
from bot.storage.batching import BatchedUpdates
from bot.storage.db import SessionFactory
from bot.storage.models import Address, ConversationState, User

MAX_STACK = 20
# How stale "last seen" may be before it is written again: a person pressing buttons need not
# cost a write to their user row each time. WhatsApp's 24-hour window counts from it, so it
# may only close this much early, never late.
SEEN_PRECISION = timedelta(minutes=1)


@dataclass
class Profile:
    language: str | None = None
    consent_version: int | None = None
    consent_at: datetime | None = None
    declined: bool = False
    created_at: datetime | None = None
    read_aloud: bool = False  # "read every screen aloud" (a setting in My data)


@dataclass
class Place:
    """The screen a person is on, the way back, and their answers so far."""

    screen: str = "menu"
    stack: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def go(self, screen: str) -> None:
        if screen != self.screen:
            self.stack.append(self.screen)
            del self.stack[:-MAX_STACK]
            self.screen = screen
        self.data.pop("page", None)

    def back(self) -> None:
        self.screen = self.stack.pop() if self.stack else "menu"
        self.data.pop("page", None)

    def home(self) -> None:
        self.stack.clear()
        self.screen = "menu"
        self.data.pop("page", None)


@dataclass
class Loaded:
    """A stored person's rows as they were read, so that saving writes only what changed."""

    row_id: int
    language: str | None
    consent_version: int | None
    consent_at: datetime | None
    last_seen_at: datetime | None
    unreachable: bool
    read_aloud: bool
    place: tuple[str, list[str], dict[str, Any]] | None  # None: no conversation row yet
    created_at: datetime | None = None

    def visit(self, channel: str, user_id: str) -> Visit:
        """The person as this copy has them, with a place of their own to change."""
        profile = Profile(self.language, self.consent_version, self.consent_at,
                          created_at=self.created_at, read_aloud=self.read_aloud)
        place = (Place(self.place[0], list(self.place[1]), copy.deepcopy(self.place[2]))
                 if self.place is not None else Place())
        return Visit(channel, user_id, profile, place, stored=True, loaded=self)


@dataclass
class Visit:
    """Everything known about one person for the duration of one event."""

    channel: str
    user_id: str
    profile: Profile = field(default_factory=Profile)
    place: Place = field(default_factory=Place)
    stored: bool = False  # True when the person's row is in the database
    loaded: Loaded | None = field(default=None, repr=False, compare=False)

    def consented(self, current_version: int) -> bool:
        version = self.profile.consent_version
        return version is not None and version >= current_version


def _scratch_key(channel: str, user_id: str) -> str:
    return f"{channel}:{user_id}"


def _unstored(visit: Visit) -> dict[str, Any]:
    """What is kept of someone not in the database: JSON, so Redis can hold it too."""
    profile = asdict(visit.profile)
    for name in ("consent_at", "created_at"):
        profile[name] = profile[name].isoformat() if profile[name] else None
    # `stored`: someone asked to agree to a newer notice is kept here until they answer, while
    # their row waits in the database (to be deleted if they say no).
    return {"profile": profile, "place": asdict(visit.place), "stored": visit.stored}


def _from_unstored(channel: str, user_id: str, kept: dict[str, Any]) -> Visit:
    profile = dict(kept["profile"])
    for name in ("consent_at", "created_at"):
        profile[name] = datetime.fromisoformat(profile[name]) if profile[name] else None
    return Visit(channel, user_id, Profile(**profile), Place(**kept["place"]),
                 stored=bool(kept.get("stored")))


class ConversationStore:
    def __init__(self, sessions: SessionFactory, scratch: Scratch | None = None,
                 versions: Versions | None = None, places: PlaceCache | None = None) -> None:
        self._sessions = sessions
        # The statements of every event go through the engine directly: the ORM's unit of
        # work has nothing to add to them and costs more than they do.
        self._engine: AsyncEngine = sessions.kw["bind"]
        self._scratch = scratch or LocalScratch()
        self._versions = versions or LocalVersions()
        self._places = places if places is not None else PlaceCache()
        self._updates = BatchedUpdates(self._engine)  # everyone's changes, a commit at a time

    @property
    def sessions(self) -> SessionFactory:
        return self._sessions

    async def load(self, channel: str, user_id: str) -> Visit:
        key = _scratch_key(channel, user_id)
        token = await self._versions.current(key)
        if token is not None and (kept_copy := self._places.get(key, token)) is not None:
            # Current: anyone moving this person to the newcomers' scratch changed the token.
            return kept_copy.visit(channel, user_id)
        kept = await self._scratch.get(key)
        if kept is not None:
            return _from_unstored(channel, user_id, kept)
        async with self._engine.connect() as connection:
            row = (await connection.execute(
                select(User.id, User.language, User.consent_version, User.consent_at,
                       User.created_at, User.last_seen_at, User.unreachable_since,
                       User.read_aloud, ConversationState.screen, ConversationState.stack,
                       ConversationState.data)
                .outerjoin(ConversationState, ConversationState.user_id == User.id)
                .where(User.channel == channel, User.channel_user_id == user_id))).first()
        if row is None:
            return Visit(channel, user_id)
        (row_id, language, consent_version, consent_at, created_at, last_seen_at, unreachable,
         read_aloud, screen, stack, data) = row
        loaded = Loaded(row_id, language, consent_version, consent_at, last_seen_at,
                        unreachable is not None, bool(read_aloud),
                        (screen, list(stack), data) if screen is not None else None, created_at)
        self._places.put(key, token, loaded)  # read after the token: as new as the token says
        return loaded.visit(channel, user_id)

    async def save(self, visit: Visit, consent_version: int,
                   seen_at: datetime | None = None, touch: bool = True) -> None:
        """Write a consenting person to the database; keep anyone else in memory only.

        `touch=False` is for a move the person did not make (an operator's reply shown to
        them): it neither counts as them writing nor clears "unreachable".
        Saving never deletes: someone asked to agree to a newer notice keeps their stored
        answers until they say no (then `forget` runs) or agree (then they are updated)."""
        key = _scratch_key(visit.channel, visit.user_id)
        if not visit.consented(consent_version):
            if visit.stored:  # their copies elsewhere are stale: they are in the scratch now
                self._places.drop(key)
                await self._versions.change(key)
            await self._scratch.put(key, _unstored(visit))
            return
        if visit.loaded is None:  # perhaps a newcomer who has just agreed
            await self._scratch.drop(key)
        now = utc_now()
        if visit.stored and visit.loaded is not None and visit.loaded.place is not None:
            await self._save_changes(key, visit, visit.loaded, consent_version, seen_at or now,
                                     touch, now)
            return
        self._places.drop(key)
        token = await self._versions.change(key)
        async with self._sessions() as session, session.begin():
            user = await session.scalar(
                select(User).where(User.channel == visit.channel,
                                   User.channel_user_id == visit.user_id)
            )
            if user is None:
                user = User(channel=visit.channel, channel_user_id=visit.user_id, created_at=now)
                session.add(user)
            user.language = visit.profile.language or "ru"
            user.consent_version = visit.profile.consent_version or consent_version
            user.consent_at = visit.profile.consent_at or now
            user.read_aloud = visit.profile.read_aloud
            # When the person last wrote (their message's own time: a webhook may come late).
            # WhatsApp allows free-form messages for 24 hours after it.
            seen = seen_at or now
            if touch or not user.last_seen_at:
                user.last_seen_at = max(user.last_seen_at, seen) if user.last_seen_at else seen
            if touch:
                user.unreachable_since = None  # they wrote, so they have not blocked the bot
            await session.flush()
            state = await session.get(ConversationState, user.id)
            if state is None:
                state = ConversationState(user_id=user.id)
                session.add(state)
            state.screen = visit.place.screen
            state.stack = list(visit.place.stack)
            state.data = copy.deepcopy(visit.place.data)
            state.updated_at = now
        visit.stored = True
        visit.profile.created_at = visit.profile.created_at or user.created_at
        visit.loaded = Loaded(user.id, user.language, user.consent_version, user.consent_at,
                              user.last_seen_at, user.unreachable_since is not None,
                              bool(user.read_aloud),
                              (state.screen, list(state.stack), copy.deepcopy(state.data)),
                              user.created_at)
        self._places.put(key, token, visit.loaded)

    async def _save_changes(self, key: str, visit: Visit, loaded: Loaded, consent_version: int,
                            seen: datetime, touch: bool, now: datetime) -> None:
        """Someone already stored: small UPDATEs of only what changed (often just the screen),
        instead of reading the rows again. The copy kept in memory becomes what was written."""
        profile = visit.profile
        wanted = {"language": profile.language or "ru",
                  "consent_version": profile.consent_version or consent_version,
                  "consent_at": profile.consent_at or loaded.consent_at or now,
                  "read_aloud": profile.read_aloud}
        person = {name: value for name, value in wanted.items()
                  if value != getattr(loaded, name)}
        if loaded.last_seen_at is None or (touch and seen - loaded.last_seen_at > SEEN_PRECISION):
            person["last_seen_at"] = max(loaded.last_seen_at, seen) if loaded.last_seen_at \
                else seen
        if touch and loaded.unreachable:
            person["unreachable_since"] = None  # they wrote, so they have not blocked the bot
        place = visit.place
        conversation = {name: value for name, value, before in (
            ("screen", place.screen, loaded.place[0]),
            ("stack", list(place.stack), loaded.place[1]),
            ("data", place.data, loaded.place[2])) if value != before}
        if not person and not conversation:
            return
        self._places.drop(key)  # until the write is done, no copy is trusted
        token = await self._versions.change(key)
        await self._updates.write(
            (User.__table__, loaded.row_id, person),
            (ConversationState.__table__, loaded.row_id,
             {**conversation, "updated_at": now} if conversation else {}))
        visit.loaded = Loaded(
            loaded.row_id, wanted["language"], wanted["consent_version"], wanted["consent_at"],
            person.get("last_seen_at", loaded.last_seen_at),
            loaded.unreachable and "unreachable_since" not in person, wanted["read_aloud"],
            (place.screen, list(place.stack), copy.deepcopy(place.data)), loaded.created_at)
        self._places.put(key, token, visit.loaded)

    async def invalidate(self, channel: str, user_id: str) -> None:
        """Someone else wrote this person's row (the reminder job marking them unreachable):
        no copy of it, here or on another instance, is trusted any more. Call it after the
        write."""
        key = _scratch_key(channel, user_id)
        self._places.drop(key)
        await self._versions.change(key)

    async def forget(self, channel: str, user_id: str) -> int:
        """Delete everything stored about a person. Returns how many database rows went."""
        key = _scratch_key(channel, user_id)
        await self._scratch.drop(key)
        self._places.drop(key)
        await self._versions.change(key)  # copies on other instances are forgotten too
        async with self._sessions() as session, session.begin():
            user_ids = select(User.id).where(
                User.channel == channel, User.channel_user_id == user_id
            ).scalar_subquery()
            states = await session.execute(
                delete(ConversationState).where(ConversationState.user_id == user_ids)
            )
            users = await session.execute(
                delete(User).where(User.channel == channel, User.channel_user_id == user_id)
            )
            # A phone number kept to send to (bot/services/addresses.py) goes too.
            await session.execute(delete(Address).where(Address.channel == channel,
                                                         Address.alias == user_id))
        return (states.rowcount or 0) + (users.rowcount or 0)

    async def rename(self, channel: str, old_id: str, new_id: str) -> bool:
        """The person's id on the channel changed (WhatsApp: a business-scoped id where we had
        their phone number, or a new one): move what is kept to the new id. Nothing happens
        if the new id is already in use."""
        for key in (_scratch_key(channel, old_id), _scratch_key(channel, new_id)):
            self._places.drop(key)
            await self._versions.change(key)
        kept = await self._scratch.get(_scratch_key(channel, old_id))
        if kept is not None:
            await self._scratch.put(_scratch_key(channel, new_id), kept)
            await self._scratch.drop(_scratch_key(channel, old_id))
        async with self._sessions() as session, session.begin():
            taken = await session.scalar(select(User.id).where(
                User.channel == channel, User.channel_user_id == new_id))
            if taken is not None:
                return False
            result = await session.execute(update(User).where(
                User.channel == channel, User.channel_user_id == old_id,
            ).values(channel_user_id=new_id))
        return bool(result.rowcount)
