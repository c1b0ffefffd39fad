"""Everything kept about one person, as one JSON document they can take away ("My data →
Send me my data"). It reads the same tables that deleting their data empties."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.storage.db import SessionFactory
from bot.storage.models import (
    Address,
    ConversationState,
    FollowUp,
    Handoff,
    HandoffMessage,
    Hearing,
    Reminder,
    ReminderCopy,
    User,
)

FILENAME = "my-data.json"


async def export_person(sessions: SessionFactory, channel: str, channel_user_id: str,
                        now: datetime) -> dict[str, Any] | None:
    async with sessions() as session:
        user = await session.scalar(select(User).where(
            User.channel == channel, User.channel_user_id == channel_user_id))
        if user is None:
            return None
        state = await session.get(ConversationState, user.id)
        hearings = (await session.scalars(select(Hearing).where(
            Hearing.user_id == user.id).order_by(Hearing.starts_at))).all()
        reminders = (await session.scalars(select(Reminder).where(
            Reminder.hearing_id.in_([h.id for h in hearings])).order_by(Reminder.due_at))).all()
        chats = (await session.scalars(select(Handoff).where(
            Handoff.user_id == user.id).order_by(Handoff.id))).all()
        messages = (await session.scalars(select(HandoffMessage).where(
            HandoffMessage.handoff_id.in_([c.id for c in chats])).order_by(
            HandoffMessage.id))).all()
        follow_ups = (await session.scalars(select(FollowUp).where(
            FollowUp.user_id == user.id))).all()
        address = await session.get(Address, (channel, channel_user_id))
        copies = (await session.execute(
            select(ReminderCopy, User.channel, Address.address)
            .join(User, User.id == ReminderCopy.recipient_id)
            .outerjoin(Address, (Address.channel == User.channel)
                       & (Address.alias == User.channel_user_id))
            .where(ReminderCopy.user_id == user.id).order_by(ReminderCopy.id))).all()
    return {
        "exported_at": _when(now),
        "channel": user.channel,
        "id_on_channel": user.channel_user_id,
        "phone_number": address.address if address else None,
        "language": user.language,
        "consent": {"version": user.consent_version, "at": _when(user.consent_at)},
        "first_seen": _when(user.created_at),
        "last_seen": _when(user.last_seen_at),
        "conversation": {"screen": state.screen, "answers": state.data} if state else None,
        "hearings": [{
            "case_number": h.case_number, "court_id": h.court_id, "court_name": h.court_name,
            "starts_at": _when(h.starts_at), "online": h.online, "video_link": h.video_link,
            "room": h.room, "reminders_wanted": h.reminders_on, "status": h.status,
            "reminders": [{"kind": r.kind, "due_at": _when(r.due_at), "status": r.status,
                           "copy": r.recipient_id is not None,
                           "sent_at": _when(r.sent_at)}
                          for r in reminders if r.hearing_id == h.id],
        } for h in hearings],
        "chats_with_operators": [{
            "started": _when(c.created_at), "status": c.status, "closed": _when(c.closed_at),
            "rating": c.rating,
            "messages": [{"at": _when(m.at), "from": m.author, "text": m.text}
                         for m in messages if m.handoff_id == c.id],
        } for c in chats],
        "follow_ups": [{"reason": f.reason, "created": _when(f.created_at)} for f in follow_ups],
        # Who gets copies of the reminders: the person's own SMS number, or a relative.
        "reminder_copies": [{
            "to": relation if relation != "self" else "you", "channel": copy_channel,
            "phone_number": number if copy.relation == "self" else None,
            "hearing": copy.hearing_id, "since": _when(copy.created_at),
            "stopped": _when(copy.stopped_at),
        } for copy, copy_channel, number in copies for relation in (copy.relation,)],
    }


def as_file(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
