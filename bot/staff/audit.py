"""The audit log: every staff action, who and when, and what it touched (an id, never a text a
citizen wrote). Also the lists staff review: follow-ups and reminders that did not arrive."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.services.clock import utc_now
from bot.services.reminders.dispatcher import RECIPIENT
from bot.storage.db import SessionFactory
from bot.storage.models import (
    FollowUp,
    Hearing,
    RelativeLink,
    Reminder,
    StaffAccount,
    StaffAudit,
    User,
)

log = logging.getLogger(__name__)


async def record(sessions: SessionFactory, staff_id: int | None, action: str,
                 target: str | None = None) -> None:
    try:
        async with sessions() as session, session.begin():
            session.add(StaffAudit(at=utc_now(), staff_id=staff_id, action=action[:40],
                                   target=target[:64] if target else None))
    except SQLAlchemyError as error:  # the action happened; say so loudly, do not undo it
        log.error("could not write the audit log (%s): %s", action, type(error).__name__)


async def recent(sessions: SessionFactory, count: int = 200) -> list[tuple]:
    async with sessions() as session:
        return list((await session.execute(
            select(StaffAudit.at, StaffAccount.username, StaffAudit.action, StaffAudit.target)
            .outerjoin(StaffAccount, StaffAccount.id == StaffAudit.staff_id)
            .order_by(StaffAudit.id.desc()).limit(count))).all())


async def follow_ups(sessions: SessionFactory, count: int = 200) -> list[tuple]:
    """Reminders that did not arrive or may not have (failed, unknown, blocked), newest first,
    with any follow-up's reason: the people staff may want to call."""
    async with sessions() as session:
        return list((await session.execute(
            select(Reminder.id, Reminder.kind, Reminder.status, Reminder.due_at,
                   Reminder.last_error, Hearing.case_number, Hearing.starts_at, User.channel,
                   User.language, FollowUp.reason)
            .join(Hearing, Hearing.id == Reminder.hearing_id)
            .outerjoin(RelativeLink, RelativeLink.id == Reminder.link_id)
            .join(User, User.id == RECIPIENT)  # a copy's relative, else the owner
            .outerjoin(FollowUp, FollowUp.reminder_id == Reminder.id)
            .where(Reminder.status.in_(("failed", "unknown", "blocked")))
            .order_by(Reminder.due_at.desc()).limit(count))).all())
