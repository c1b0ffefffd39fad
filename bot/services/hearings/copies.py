"""Who gets copies of a hearing's reminders besides its owner: the relatives whose link covers
it (bot/services/relatives.py), and the owner's own SMS number (bot/services/sms/people.py),
which is a link too. Wherever a hearing's reminder rows are written, one more row
per link is written beside the owner's, so a copy is claimed, paced and sent exactly once like
any reminder, and moves or goes with the hearing in the same transaction."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import RELATIVE, Hearing, RelativeLink


async def copy_links(session: AsyncSession, hearing: Hearing,
                     relatives_only: bool = False) -> list[int]:
    """The accepted links that cover this hearing: ones for it alone, and ones for all the
    owner's hearings; with `relatives_only`, not the owner's own SMS number."""
    query = select(RelativeLink.id).where(
        RelativeLink.citizen_id == hearing.user_id, RelativeLink.relative_id.is_not(None),
        or_(RelativeLink.hearing_id.is_(None), RelativeLink.hearing_id == hearing.id),
    ).order_by(RelativeLink.id)
    if relatives_only:
        query = query.where(RelativeLink.relation == RELATIVE)
    return list(await session.scalars(query))


async def recipients(session: AsyncSession, hearing: Hearing) -> list[int | None]:
    """Everyone a message about this hearing goes to: the owner (None) and each link."""
    return [None, *await copy_links(session, hearing)]
