"""Database tables (SQLAlchemy 2). The database is the source of truth; Redis is a cache.

Message bodies and platform ids are stored encrypted (bot/storage/crypto.py). Each
index says which query it serves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class Contact(Base):
    """A person on one channel, known only by a pseudonymous key."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Lookup of every inbound message: contacts by key (unique index).
    key: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(32))
    platform_id_enc: Mapped[bytes] = mapped_column(LargeBinary)
    locale: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(32))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conversation(Base):
    """The bot's side of a contact's chat: where they are in a flow, what we know."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    # One conversation per contact: found by contact on every turn (unique index).
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), unique=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    slots: Mapped[dict[str, Any]] = mapped_column(default=dict)
    risk_level: Mapped[str] = mapped_column(String(16), default="none")
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Message(Base):
    """One message in or out; the body is encrypted."""

    __tablename__ = "messages"
    __table_args__ = (
        # The transcript of a conversation, in order (console, relay, export).
        Index("ix_messages_conversation_time", "conversation_id", "created_at"),
        # The retention purge: messages older than N days.
        Index("ix_messages_created_at", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    body_enc: Mapped[bytes] = mapped_column(LargeBinary)
    channel_message_id: Mapped[str | None] = mapped_column(String(128))
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(16))
    risk_indicators: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleUser(Base):
    __tablename__ = "console_users"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Sign-in: users by name (unique index).
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # caseworker | supervisor | admin
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Case(Base):
    """A conversation handed to a human. The escalation service is its only writer."""

    __tablename__ = "cases"
    __table_args__ = (
        # The queue rebuilt from the database: open cases by priority, oldest first.
        Index("ix_cases_status_priority_opened", "status", "priority", "opened_at"),
        # "Is there an open case for this conversation?" on every handoff.
        Index("ix_cases_conversation_status", "conversation_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    priority: Mapped[str] = mapped_column(String(16))  # emergency | high | normal
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|claimed|closed
    reason: Mapped[str] = mapped_column(String(64))
    risk_indicators: Mapped[list[Any]] = mapped_column(default=list)
    language: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("console_users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(64))


class AuditEvent(Base):
    """Append-only: who did what to which record (transcript reads included)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # An auditor's view of one record's history.
        Index("ix_audit_target", "target_type", "target_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("console_users.id"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FlowVersion(Base):
    """Every set of flows the helpline has run, by content hash: history of what was said."""

    __tablename__ = "flow_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    # "Has this version been recorded?" at each load (unique index).
    version: Mapped[str] = mapped_column(String(32), unique=True)
    flows: Mapped[dict[str, Any]] = mapped_column(default=dict)  # flow id → source file
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
