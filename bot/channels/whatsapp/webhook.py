"""What Meta posts to the webhook: checked, then read into plain facts.

A POST is taken only with a valid `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the
app secret). Its payload may carry several messages and delivery reports, for several numbers:
`read_payload` keeps those for our number and says, for each, who and what.

A person is known by their business-scoped user id ("KZ.…") when Meta sends one, else by their
phone number (wa_id); the phone number is not needed and not kept when the id is there.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.channels.whatsapp import CHANNEL
from bot.services.conversation import Event, EventKind
from bot.services.deep_links import start_argument

# WhatsApp's message types for things we cannot read, as the media names the conversation's
# notices use ("voice" gets "I can't listen to voice messages").
MEDIA = {"image": "photo", "sticker": "sticker", "video": "video", "document": "document",
         "location": "location", "contacts": "contact"}
IGNORED = {"reaction", "system", "order", "ephemeral"}  # nothing to answer


def signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.removeprefix("sha256="), expected)


@dataclass(frozen=True)
class Incoming:
    """A message from a person: the event for the conversation, and what identifies it."""

    message_id: str
    event: Event
    phone: str | None  # wa_id, when the person is also known by a business-scoped id


@dataclass(frozen=True)
class Renamed:
    """The person's id changed (a new business-scoped id, or one where we had a phone)."""

    old: str
    new: str


@dataclass(frozen=True)
class StatusReport:
    """What became of a message we sent: sent, delivered, read or failed (with a code)."""

    message_id: str
    status: str
    error_code: int | None


Fact = Incoming | Renamed | StatusReport


def read_payload(payload: dict[str, Any], phone_number_id: str) -> list[Fact]:
    facts: list[Fact] = []
    for entry in _items(payload.get("entry")):
        for change in _items(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            metadata = value.get("metadata") or {}
            if str(metadata.get("phone_number_id", "")) != phone_number_id:
                continue  # another number on the same app
            contacts = _items(value.get("contacts"))
            for message in _items(value.get("messages")):
                facts.extend(_message(message, contacts))
            for status in _items(value.get("statuses")):
                facts.extend(_status(status))
    return facts


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _message(message: dict[str, Any], contacts: list[dict[str, Any]]) -> list[Fact]:
    kind = str(message.get("type", ""))
    phone = message.get("from") or None
    contact = next((c for c in contacts if phone and c.get("wa_id") == phone),
                   contacts[0] if len(contacts) == 1 else {})
    user_id = message.get("from_user_id") or contact.get("user_id") or phone
    if kind == "system":
        return _renamed(message.get("system") or {})
    if not user_id or not message.get("id") or kind in IGNORED:
        return []
    event = _event(kind, message, str(user_id))
    if event is None:
        return []
    return [Incoming(str(message["id"]), event, str(phone) if phone != user_id else None)]


def _event(kind: str, message: dict[str, Any], user_id: str) -> Event | None:
    at = _moment(message.get("timestamp"))
    if kind == "text":
        body = str((message.get("text") or {}).get("body", ""))
        opened = start_argument(body)  # a poster's or an SMS's prefilled text
        if opened is not None:
            return Event(CHANNEL, user_id, EventKind.command, command="start", argument=opened,
                         at=at)
        return Event.from_text(CHANNEL, user_id, body, at=at)
    if kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        if chosen.get("id"):
            return Event(CHANNEL, user_id, EventKind.choice, choice=str(chosen["id"]), at=at)
        return Event(CHANNEL, user_id, EventKind.unsupported, media="interactive", at=at)
    if kind == "button":  # a quick-reply button on a template message
        payload = (message.get("button") or {}).get("payload")
        if payload:
            return Event(CHANNEL, user_id, EventKind.choice, choice=str(payload), at=at)
        return Event.from_text(CHANNEL, user_id, str((message.get("button") or {})
                                                     .get("text", "")), at=at)
    if kind == "request_welcome":  # the person opened the chat for the first time
        return Event(CHANNEL, user_id, EventKind.command, command="start", at=at)
    if kind == "audio":
        voice = bool((message.get("audio") or {}).get("voice"))
        return Event(CHANNEL, user_id, EventKind.unsupported, media="voice" if voice else "audio",
                     at=at)
    if kind == "edit":
        return Event(CHANNEL, user_id, EventKind.edited, at=at)
    return Event(CHANNEL, user_id, EventKind.unsupported, media=MEDIA.get(kind, kind), at=at)


def _renamed(system: dict[str, Any]) -> list[Fact]:
    """"user_changed_number" / "user_changed_user_id": the person is the same, with a new id."""
    old, new = system.get("previous_user_id"), system.get("user_id")
    if old and new and old != new:
        return [Renamed(str(old), str(new))]
    return []


def _status(status: dict[str, Any]) -> list[Fact]:
    if not status.get("id") or not status.get("status"):
        return []
    errors = _items(status.get("errors"))
    code = errors[0].get("code") if errors else None
    return [StatusReport(str(status["id"]), str(status["status"]),
                         int(code) if str(code).isdigit() else None)]


def _moment(timestamp: Any) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(UTC)
