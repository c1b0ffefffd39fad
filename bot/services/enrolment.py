"""Enrolling a caller: an operator registers a hearing for someone on the phone, and gets a
one-time code (and links) to read out or send by SMS. When the person opens it in Telegram or
WhatsApp and agrees, the hearing becomes theirs and reminders start; before that, nothing is
sent to anyone.

Only a hash of the code is kept, so the table alone lets nobody claim a hearing. A code is used
once, and expires (ENROLMENT_DAYS).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.services.clock import Clock
from bot.services.hearings.book import HearingBook, HearingDraft
from bot.storage.db import SessionFactory
from bot.storage.models import Enrolment

# No 0/O, 1/I/L: read out on the phone, they are confused.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
DEEP_LINK_PREFIX = "enrol-"
_TYPED = re.compile(r"^\s*[A-Za-z0-9]{4}[\s\-]?[A-Za-z0-9]{4}\s*$")
# Letters a Cyrillic keyboard gives for the Latin ones that look the same.
_LOOKALIKES = str.maketrans("АВЕКМНОРСТХУ", "ABEKMHOPCTXY")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """"K7QP3MZD" → "K7QP-3MZD", easier to read out."""
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str | None:
    """A code as someone typed it ("k7qp 3mzd", "К7QР-3MZD" in Cyrillic letters) → "K7QP3MZD"."""
    cleaned = re.sub(r"[\s\-]", "", text.strip().upper().translate(_LOOKALIKES))
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def looks_like_code(text: str) -> str | None:
    """A typed message that is a code and nothing else."""
    candidate = text.strip().upper().translate(_LOOKALIKES)
    return normalise_code(candidate) if _TYPED.match(candidate) else None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Enrolments:
    def __init__(self, sessions: SessionFactory, clock: Clock, valid_days: int = 14) -> None:
        self._sessions = sessions
        self.clock = clock
        self.valid_days = valid_days

    async def create(self, hearing: dict[str, Any], language: str,
                     staff_id: int | None) -> tuple[str, int]:
        """The one-time code (shown once, never stored) and the enrolment's id."""
        now = self.clock.now()
        code = new_code()
        async with self._sessions() as session, session.begin():
            enrolment = Enrolment(code_hash=_hash(code), hearing=hearing, language=language,
                                  created_by=staff_id, created_at=now,
                                  expires_at=now + timedelta(days=self.valid_days))
            session.add(enrolment)
            await session.flush()
            return code, enrolment.id

    async def find(self, code: str) -> Enrolment | None:
        """The enrolment behind a code, if it can still be used."""
        async with self._sessions() as session:
            return await session.scalar(select(Enrolment).where(
                Enrolment.code_hash == _hash(code), Enrolment.used_at.is_(None),
                Enrolment.expires_at > self.clock.now()))

    async def redeem(self, code: str, user_id: int, book: HearingBook) -> int | None:
        """The person agreed: the hearing is theirs, with reminders. None if the code is
        unknown, used or expired; a code is claimed once even when two people race."""
        enrolment = await self.find(code)
        if enrolment is None:
            return None
        async with self._sessions() as session, session.begin():
            claimed = await session.execute(update(Enrolment).where(
                Enrolment.id == enrolment.id, Enrolment.used_at.is_(None),
            ).values(used_at=self.clock.now()))
        if not claimed.rowcount:
            return None
        hearing_id = await book.add(user_id, draft_of(enrolment.hearing))
        async with self._sessions() as session, session.begin():
            await session.execute(update(Enrolment).where(Enrolment.id == enrolment.id)
                                  .values(hearing_id=hearing_id))
        return hearing_id


def draft_of(hearing: dict[str, Any]) -> HearingDraft:
    return HearingDraft(case_number=hearing["case_number"],
                        starts_at=datetime.fromisoformat(hearing["starts_at"]),
                        court_id=hearing.get("court_id"), court_name=hearing.get("court_name"),
                        online=bool(hearing.get("online")), room=hearing.get("room"))
