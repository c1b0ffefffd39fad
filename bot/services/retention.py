"""Keeping personal data only as long as they serve the person (the RK Law No. 94-V "On personal
data and their protection" is the frame; the periods are ours, set by configuration). A periodic
job deletes, for good:

- chats with operators, `HANDOFF_KEEP_DAYS` after they were closed (their messages go with them);
- people who have not written for `INACTIVE_USER_DAYS` and have no hearing still to come (nor,
  as a relative, copies still to come), with everything about them (answers, hearings,
  reminders, chats, follow-ups, links with relatives), as "My data → Delete" would;
- invitations for relatives that nobody opened before they expired.

Past hearings have their own period (`HEARING_KEEP_DAYS`, bot/services/hearings/book.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from bot.services.clock import Clock
from bot.storage.db import SessionFactory
from bot.storage.models import Address, Handoff, Hearing, RelativeLink, User


@dataclass(frozen=True)
class Retention:
    handoff_days: int
    inactive_user_days: int

    async def forget_expired(self, sessions: SessionFactory, clock: Clock) -> dict[str, int]:
        now = clock.now()
        async with sessions() as session, session.begin():
            chats = await session.execute(delete(Handoff).where(
                Handoff.status == "closed",
                Handoff.closed_at < now - timedelta(days=self.handoff_days)))
            waiting_hearing = select(Hearing.user_id).where(Hearing.starts_at > now)
            # A relative seldom writes: they are kept while copies may still come to them.
            waiting_copies = select(RelativeLink.relative_id).join(
                Hearing, Hearing.user_id == RelativeLink.citizen_id).where(
                Hearing.starts_at > now, RelativeLink.relative_id.is_not(None))
            people = await session.execute(delete(User).where(
                User.last_seen_at < now - timedelta(days=self.inactive_user_days),
                User.id.not_in(waiting_hearing), User.id.not_in(waiting_copies)))
            # Invitations for relatives that nobody opened in time.
            await session.execute(delete(RelativeLink).where(
                RelativeLink.relative_id.is_(None), RelativeLink.expires_at < now))
            # Phone numbers kept for people who are gone (bot/services/addresses.py).
            await session.execute(delete(Address).where(~select(User.id).where(
                User.channel == Address.channel,
                User.channel_user_id == Address.alias).exists()))
        return {"chats": chats.rowcount or 0, "people": people.rowcount or 0}
