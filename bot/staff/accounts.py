"""Staff accounts, signing in and staying signed in.

- Passwords are kept as argon2id hashes (argon2-cffi's defaults), never in any other form.
- A session is a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only
  its SHA-256, with the session's CSRF token and when it ends.
- Wrong passwords are counted per account name and per address: after STAFF_LOGIN_ATTEMPTS in
  STAFF_LOGIN_WINDOW_MINUTES, that name or address may not try again until the window passes,
  even with the right password. The count lives in the database, so every instance sees it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from bot.services.clock import Clock
from bot.storage.db import SessionFactory
from bot.storage.models import StaffAccount, StaffLoginFailure, StaffSession

ROLES = ("operator", "admin")
_hasher = PasswordHasher()
# Verifying against this when the name is unknown takes as long as for a real account, so the
# answer's timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Staff:
    """The signed-in person, as pages see them."""

    id: int
    username: str
    display_name: str
    role: str
    language: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Throttled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"too many wrong passwords; try again in {minutes} min")
        self.minutes = minutes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAccounts:
    def __init__(self, sessions: SessionFactory, clock: Clock, *, session_hours: float = 8,
                 attempts: int = 5, window_minutes: float = 15) -> None:
        self._sessions = sessions
        self.clock = clock
        self.session_length = timedelta(hours=session_hours)
        self.attempts = attempts
        self.window = timedelta(minutes=window_minutes)

    # --- accounts -----------------------------------------------------------------------------

    async def add(self, username: str, password: str, role: str, display_name: str = "",
                  language: str = "ru") -> int:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 10:
            raise ValueError("the password must have at least 10 characters")
        username = username.strip().lower()
        if not username or len(username) > 64:
            raise ValueError("the account name must have 1 to 64 characters")
        async with self._sessions() as session, session.begin():
            if await session.scalar(select(StaffAccount.id).where(
                    StaffAccount.username == username)):
                raise ValueError(f"an account named {username!r} exists already")
            account = StaffAccount(username=username, display_name=display_name or username,
                                   password_hash=_hasher.hash(password), role=role,
                                   language=language, created_at=self.clock.now())
            session.add(account)
            await session.flush()
            return account.id

    async def disable(self, username: str) -> bool:
        async with self._sessions() as session, session.begin():
            account = await session.scalar(select(StaffAccount).where(
                StaffAccount.username == username.strip().lower()))
            if account is None:
                return False
            account.disabled_at = self.clock.now()
            await session.execute(delete(StaffSession).where(
                StaffSession.staff_id == account.id))
            return True

    async def list(self) -> list[StaffAccount]:
        async with self._sessions() as session:
            return list((await session.scalars(
                select(StaffAccount).order_by(StaffAccount.username))).all())

    # --- signing in ---------------------------------------------------------------------------

    async def sign_in(self, username: str, password: str, address: str) -> tuple[str, Staff]:
        """The new session's token and who it is; ValueError for a wrong name or password;
        Throttled when this name or address tried too often."""
        username = username.strip().lower()[:64]
        keys = (f"user:{username}", f"ip:{address}"[:140])
        await self._check_throttle(keys)
        async with self._sessions() as session:
            account = await session.scalar(select(StaffAccount).where(
                StaffAccount.username == username, StaffAccount.disabled_at.is_(None)))
        if not _password_matches(account.password_hash if account else _DUMMY_HASH, password) \
                or account is None:
            await self._record_failure(keys)
            raise ValueError("wrong account name or password")
        if _hasher.check_needs_rehash(account.password_hash):
            await self._rehash(account.id, password)
        return await self._open_session(account)

    async def _check_throttle(self, keys: tuple[str, ...]) -> None:
        since = self.clock.now() - self.window
        async with self._sessions() as session:
            for key in keys:
                count, first = (await session.execute(
                    select(func.count(), func.min(StaffLoginFailure.at)).where(
                        StaffLoginFailure.key == key, StaffLoginFailure.at > since))).one()
                if count >= self.attempts:
                    left = first + self.window - self.clock.now()
                    raise Throttled(max(1, int(left.total_seconds() // 60) + 1))

    async def _record_failure(self, keys: tuple[str, ...]) -> None:
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            await session.execute(delete(StaffLoginFailure).where(
                StaffLoginFailure.at < now - self.window))
            session.add_all(StaffLoginFailure(key=key, at=now) for key in keys)

    async def _rehash(self, staff_id: int, password: str) -> None:
        async with self._sessions() as session, session.begin():
            account = await session.get(StaffAccount, staff_id)
            if account is not None:
                account.password_hash = _hasher.hash(password)

    async def _open_session(self, account: StaffAccount) -> tuple[str, Staff]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self.clock.now()
        async with self._sessions() as session, session.begin():
            await session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
            session.add(StaffSession(token_hash=token_hash(token), staff_id=account.id,
                                     csrf_token=csrf, created_at=now,
                                     expires_at=now + self.session_length))
        return token, _staff(account, csrf)

    async def by_token(self, token: str) -> Staff | None:
        if not token or len(token) > 100:
            return None
        async with self._sessions() as session:
            row = (await session.execute(
                select(StaffSession, StaffAccount)
                .join(StaffAccount, StaffAccount.id == StaffSession.staff_id)
                .where(StaffSession.token_hash == token_hash(token),
                       StaffSession.expires_at > self.clock.now(),
                       StaffAccount.disabled_at.is_(None)))).first()
        return _staff(row[1], row[0].csrf_token) if row else None

    async def sign_out(self, token: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(delete(StaffSession).where(
                StaffSession.token_hash == token_hash(token)))

    async def set_language(self, staff_id: int, language: str) -> None:
        async with self._sessions() as session, session.begin():
            account = await session.get(StaffAccount, staff_id)
            if account is not None:
                account.language = language


def _password_matches(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _staff(account: StaffAccount, csrf: str) -> Staff:
    return Staff(account.id, account.username, account.display_name, account.role,
                 account.language, csrf)
