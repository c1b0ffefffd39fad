"""Tables. Only what the conversation needs is stored, and only after the user agreed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.services.clock import as_utc
from bot.storage.sealing import Sealed, SealedJSON

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores every moment in UTC and gives it back timezone-aware, on SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        dict[str, Any] | None: JSON,
        list[str]: JSON,
    }


class User(Base):
    """A person who agreed to the notice, on one channel."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    channel_user_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    consent_version: Mapped[int] = mapped_column(Integer)
    consent_at: Mapped[datetime]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    # Set when the messenger refused a message because the person blocked the bot; cleared when
    # they write again. Reminders are not sent while it is set.
    unreachable_since: Mapped[datetime | None]
    # "Read every screen aloud", chosen in My data (README "Listening to screens").
    read_aloud: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    state: Mapped[ConversationState | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )


class ConversationState(Base):
    """Where the person is in the conversation: the screen, the way back, their answers."""

    __tablename__ = "conversation_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    screen: Mapped[str] = mapped_column(String(128))
    stack: Mapped[list[str]]
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON)  # answers: encrypted at rest
    updated_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="state")


class ExplorerEvent(Base):
    """One step in the Solution Explorer, for the staff statistics: a pathway started, a plan
    reached, "was this clear?" answered. Anonymous on purpose — no user id, no answers — so it
    may be kept for everyone, including people who declined to have their data saved."""

    __tablename__ = "explorer_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))
    pathway: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # started | question | plan | feedback | draft
    detail: Mapped[str | None] = mapped_column(String(64))  # outcome, question id, up / down


class Hearing(Base):
    """A court hearing a person asked to be reminded of. The court is one from the bundled list
    (`court_id`) or a name the person typed (`court_name`)."""

    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Sealed (encrypted at rest): what could tell who the person is or what their case is.
    case_number: Mapped[str] = mapped_column(Sealed)
    court_id: Mapped[str | None] = mapped_column(String(24))
    court_name: Mapped[str | None] = mapped_column(Sealed)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    video_link: Mapped[str | None] = mapped_column(Sealed)
    room: Mapped[str | None] = mapped_column(Sealed)
    # Which reminders the person wants: a subset of "7d", "1d", "2h"; empty means "stopped".
    reminders_on: Mapped[list[str]]
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | cancelled
    schedule_id: Mapped[int | None] = mapped_column(
        ForeignKey("court_schedule.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Reminder(Base):
    """One message to send at `due_at`: a reminder before a hearing, or news that it moved or was
    cancelled. The row's status is the delivery's whole memory, so a restart loses nothing:

    pending → claimed (by one sender, until `lease_until`) → sending → sent.
    A claimed row whose lease ran out (its sender died) is claimed again. A row left in
    `sending` is never sent again: the message may have arrived (`unknown`, for staff to see).
    Other ends: skipped (the hearing passed, or a later reminder made it pointless),
    failed (the messenger refused it), blocked (the person blocked the bot), cancelled.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # 7d | 1d | 2h | moved | cancelled
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]
    detail: Mapped[dict[str, Any] | None]  # "moved": the old start, to say "was … now …"
    created_at: Mapped[datetime]
    # The messenger's id for the message sent (WhatsApp's "wamid…"): a delivery failure it
    # reports later, by webhook, finds its reminder by this.
    message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # Empty: the reminder goes to the hearing's owner. Set: it is a copy for the recipient of
    # that link (`relative_links.relative_id`: a relative, or the owner's own SMS number), on
    # the recipient's own channel and language; the row's status is that recipient's delivery
    # alone. Stopping the link deletes its copies.
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("relative_links.id", ondelete="CASCADE"), index=True)


# What a copy link is for (`relative_links.relation`).
RELATIVE = "relative"  # a relative, on their own Telegram, WhatsApp or SMS
SELF_SMS = "self_sms"  # the owner's own phone, by SMS, besides the chat


class RelativeLink(Base):
    """Someone besides the owner gets copies of the owner's reminders: for one hearing, or for
    all of them (`hearing_id` empty). This is the only way a reminder row is addressed to
    another person; `relative_id` is that person (a `users` row on Telegram, WhatsApp or SMS).

    `relation` "relative": made as a one-time code, of which only the hash is kept; it is used
    once (`used_at`) and expires (`expires_at`). Once the relative agreed (in their messenger,
    or read out by the call centre for SMS), `relative_id` is set and copies go to them.
    `relation` "self_sms": the owner's own SMS number, confirmed by the code sent to it; no
    invitation code (`code_hash` and `expires_at` empty), `relative_id` is the SMS record.
    Deleting either person, or the hearing, deletes the link and its copies.
    """

    __tablename__ = "relative_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(12), default=RELATIVE,
                                          server_default=RELATIVE)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # How the relative will know whose hearing it is ("мама"), as the citizen typed it, or
    # nothing. Encrypted at rest.
    name: Mapped[str | None] = mapped_column(Sealed)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    relative_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)


class SmsUsage(Base):
    """SMS the gateway accepted, per day (Kazakhstan's date): how many and how many parts,
    since each part is paid for. Counts only: no number, no person."""

    __tablename__ = "sms_usage"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    messages: Mapped[int] = mapped_column(Integer, default=0)
    parts: Mapped[int] = mapped_column(Integer, default=0)


class FollowUp(Base):
    """Something staff should look at: a reminder that could not be delivered (a refused
    WhatsApp template, a message the messenger later reported as failed). Deleted with the
    person."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reminder_id: Mapped[int | None] = mapped_column(
        ForeignKey("reminders.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(String(64))  # e.g. "template:132001", "undelivered"
    created_at: Mapped[datetime] = mapped_column(index=True)
    resolved_at: Mapped[datetime | None]


class InboundMessage(Base):
    """Ids of messages already taken from a messenger's webhook, so a redelivered one is
    handled once, whichever instance receives it. Only the id and the time: nothing else."""

    __tablename__ = "inbound_messages"

    message_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(index=True)


class ScheduledHearing(Base):
    """A hearing from a court's published schedule, so a person can find theirs by case number.
    Party names are never imported: the case number, court and time are enough."""

    __tablename__ = "court_schedule"
    __table_args__ = (UniqueConstraint("court_key", "case_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    court_key: Mapped[str] = mapped_column(String(200))  # court id, or the name in lower case
    court_id: Mapped[str | None] = mapped_column(String(24))
    court_name: Mapped[str | None] = mapped_column(String(200))
    case_number: Mapped[str] = mapped_column(String(40), index=True)
    starts_at: Mapped[datetime]
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    room: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# --- the call-centre console ----------------------------------------------------------------


class StaffAccount(Base):
    """A call-centre operator or administrator. Made by `python -m bot staff add`; the password
    is kept only as an argon2 hash."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # operator | admin
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime]
    disabled_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is kept, so a copy of the
    database does not let anyone in; the CSRF token goes into every form of that session."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class StaffLoginFailure(Base):
    """A wrong password, by account name and by address, to slow down guessing. Kept for the
    throttling window only."""

    __tablename__ = "staff_login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(140), index=True)  # "user:<name>" or "ip:<address>"
    at: Mapped[datetime] = mapped_column(index=True)


class StaffAudit(Base):
    """Every staff action: who, what, on what. No message texts: those stay in the handoff."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(64))


class Handoff(Base):
    """A citizen asked for a person. waiting → open (an operator took it) → closed; outside
    working hours it starts as `callback` (a message left for when the centre opens)."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    from_screen: Mapped[str] = mapped_column(String(128))  # where they were in the bot
    created_at: Mapped[datetime] = mapped_column(index=True)
    taken_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    taken_at: Mapped[datetime | None]
    first_answer_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    rating: Mapped[str | None] = mapped_column(String(8))  # up | down


class HandoffMessage(Base):
    """One message in a conversation with staff: from the citizen or from an operator."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(8))  # citizen | staff
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Sealed)  # encrypted at rest
    delivery_error: Mapped[str | None] = mapped_column(String(64))  # a staff reply not delivered


class Enrolment(Base):
    """A hearing an operator registered for a caller on the phone, waiting for the caller to
    open the one-time code in a messenger and agree. Only the code's hash is kept; the hearing
    becomes theirs, with reminders, when they agree."""

    __tablename__ = "enrolments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Encrypted: case_number, court_id / court_name, starts_at, room, online.
    hearing: Mapped[dict[str, Any]] = mapped_column(SealedJSON)
    language: Mapped[str] = mapped_column(String(2))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearings.id", ondelete="SET NULL"))


class Announcement(Base):
    """News for subscribers (a court closed for a day), in both languages, sent once an
    administrator confirmed the preview. draft → sending → sent."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_kk: Mapped[str] = mapped_column(String(1000))
    text_ru: Mapped[str] = mapped_column(String(1000))
    languages: Mapped[list[str]]
    region: Mapped[str | None] = mapped_column(String(40))  # None: every region
    status: Mapped[str] = mapped_column(String(12))
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]


class AnnouncementDelivery(Base):
    """One announcement to one person: pending → sending → sent | failed | blocked."""

    __tablename__ = "announcement_deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    error: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None]


class Address(Base):
    """A person's phone number, where a messenger gives nothing else to write to (WhatsApp
    without a business-scoped id). The number is never the stored id: the person is stored
    under `alias`, a keyed hash of it, and the number itself is kept here, encrypted, for
    sending. Deleted with the person."""

    __tablename__ = "addresses"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    alias: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(Sealed)
    created_at: Mapped[datetime]


class Secret(Base):
    """Keys the bot makes for itself (the one behind phone-number aliases), encrypted with
    DATA_KEYS like any personal field, so they rotate with them."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Sealed)
