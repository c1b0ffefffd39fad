"""Tables. Only what the conversation needs is stored, and only after the user agreed."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.services.clock import as_utc

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
    data: Mapped[dict[str, Any]]
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
