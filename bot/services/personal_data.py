"""Everything kept about one person, as one JSON document they can take away ("My data →
Send me my data"). It reads the same tables that deleting their data empties."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.storage.db import SessionFactory
from bot.storage.models import (
    RELATIVE,
    SELF_SMS,
    Address,
    ConversationState,
    FollowUp,
    Handoff,
    HandoffMessage,
    Hearing,
    RelativeLink,
    Reminder,
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
            Reminder.hearing_id.in_([h.id for h in hearings]), Reminder.link_id.is_(None),
        ).order_by(Reminder.due_at))).all()
        # The number is read only for the person's own SMS copies: a relative's is theirs.
        links = (await session.execute(
            select(RelativeLink, User.channel, Address.address)
            .outerjoin(User, User.id == RelativeLink.relative_id)
            .outerjoin(Address, (Address.channel == User.channel)
                       & (Address.alias == User.channel_user_id)
                       & (RelativeLink.relation == SELF_SMS))
            .where(RelativeLink.citizen_id == user.id).order_by(RelativeLink.id))).all()
        given = [(link, channel) for link, channel, _number in links if link.relation == RELATIVE]
        own_sms = [(link, number) for link, _channel, number in links
                   if link.relation == SELF_SMS]
        own_copies = (await session.scalars(select(Reminder).where(
            Reminder.link_id.in_([link.id for link, _number in own_sms])).order_by(
            Reminder.due_at))).all()
        received = (await session.scalars(select(RelativeLink).where(
            RelativeLink.relative_id == user.id).order_by(RelativeLink.id))).all()
        copies = (await session.scalars(select(Reminder).where(
            Reminder.link_id.in_([link.id for link in received])).order_by(
            Reminder.due_at))).all()
        chats = (await session.scalars(select(Handoff).where(
            Handoff.user_id == user.id).order_by(Handoff.id))).all()
        messages = (await session.scalars(select(HandoffMessage).where(
            HandoffMessage.handoff_id.in_([c.id for c in chats])).order_by(
            HandoffMessage.id))).all()
        follow_ups = (await session.scalars(select(FollowUp).where(
            FollowUp.user_id == user.id))).all()
        address = await session.get(Address, (channel, channel_user_id))
    return {
        "exported_at": _when(now),
        "channel": user.channel,
        "id_on_channel": user.channel_user_id,
        "phone_number": address.address if address else None,
        "language": user.language,
        "read_every_screen_aloud": user.read_aloud,
        "consent": {"version": user.consent_version, "at": _when(user.consent_at)},
        "first_seen": _when(user.created_at),
        "last_seen": _when(user.last_seen_at),
        "conversation": {"screen": state.screen, "answers": state.data} if state else None,
        "hearings": [{
            "case_number": h.case_number, "court_id": h.court_id, "court_name": h.court_name,
            "starts_at": _when(h.starts_at), "online": h.online, "video_link": h.video_link,
            "room": h.room, "reminders_wanted": h.reminders_on, "status": h.status,
            "reminders": [{"kind": r.kind, "due_at": _when(r.due_at), "status": r.status,
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
        # Copies of reminders for relatives (bot/services/relatives.py), from both sides.
        "relatives_who_get_copies": [{
            "hearing": _case(hearings, link.hearing_id), "name_they_see": link.name,
            "messenger": channel, "agreed": _when(link.used_at) if channel else None,
            "link_valid_until": None if channel else _when(link.expires_at),
        } for link, channel in given],
        "copies_i_get": [{
            "from": link.name, "hearings": "one" if link.hearing_id else "all",
            "since": _when(link.used_at),
            "copies": [{"kind": r.kind, "due_at": _when(r.due_at), "status": r.status,
                        "sent_at": _when(r.sent_at)} for r in copies if r.link_id == link.id],
        } for link in received],
        # Copies of one's own reminders by SMS (bot/services/sms/people.py).
        "sms_copies": [{
            "phone_number": number, "since": _when(link.used_at),
            "copies": [{"case_number": _case(hearings, r.hearing_id), "kind": r.kind,
                        "due_at": _when(r.due_at), "status": r.status,
                        "sent_at": _when(r.sent_at)}
                       for r in own_copies if r.link_id == link.id],
        } for link, number in own_sms],
    }


def _case(hearings: list[Hearing], hearing_id: int | None) -> str:
    """Which of the person's hearings a link covers: its case number, or "all"."""
    if hearing_id is None:
        return "all"
    return next((h.case_number for h in hearings if h.id == hearing_id), str(hearing_id))


def as_file(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
