"""Conversations in the database: found by pseudonymous key, created on first contact,
and the rows a turn writes back (the Redis cache is in turn_guard.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.state import ConversationState
from bot.storage.crypto import Cipher
from bot.storage.models import Contact, Conversation, utcnow
from bot.storage.writer import TurnWrites

CONTACT_EVERY = 600.0  # seconds between last_seen_at writes when nothing else changed


class ConversationStore:
    def __init__(self, cipher: Cipher) -> None:
        self.cipher = cipher

    async def load(
        self, session: AsyncSession, contact_key: str, channel: str, default_locale: str
    ) -> ConversationState | None:
        """From the database; None for someone who has never written (see first_contact)."""
        contacts, conversations = Contact.__table__, Conversation.__table__
        found = (
            await session.execute(
                select(
                    contacts.c.id,
                    contacts.c.locale,
                    conversations.c.id.label("conversation_id"),
                    conversations.c.state,
                    conversations.c.slots,
                    conversations.c.risk_level,
                    conversations.c.handoff,
                )
                .join(conversations, conversations.c.contact_id == contacts.c.id)
                .where(contacts.c.key == contact_key)
            )
        ).first()
        if found is None:
            return None
        position = found.state or {}
        return ConversationState(
            conversation_id=found.conversation_id,
            contact_id=found.id,
            channel=channel,
            locale=found.locale or default_locale,
            flow=position.get("flow"),
            step=position.get("step"),
            waiting=position.get("waiting", False),
            stack=position.get("stack", []),
            misses=position.get("misses", 0),
            risk_indicators=position.get("risk_indicators", []),
            may_decline=position.get("may_decline", False),
            slots=dict(found.slots or {}),
            risk_level=found.risk_level,
            handoff=found.handoff,
        )

    def first_contact(
        self, contact_key: str, channel: str, platform_id: str, locale: str
    ) -> tuple[ConversationState, dict[str, Any]]:
        """A new person: the state to answer with, and the contacts row to create.
        The rows are created with the turn's other writes (ids 0 until then)."""
        now = utcnow()
        row = {
            "key": contact_key, "channel": channel, "locale": locale, "unreachable": False,
            "platform_id_enc": self.cipher.encrypt(platform_id, b"platform_id"),
            "created_at": now, "last_seen_at": now,
        }  # fmt: skip
        state = ConversationState(
            0, 0, channel, locale, contact_written=[locale, None, now.timestamp()]
        )
        return state, row

    @staticmethod
    def writes(state: ConversationState, messages: list[dict[str, Any]]) -> TurnWrites:
        """The rows this turn changes. The contact row only when its values changed or
        its last_seen_at is old (it serves retention, to the minute)."""
        now = utcnow()
        conversation = {
            "b_id": state.conversation_id,
            "b_state": state.position(),
            "b_slots": dict(state.slots),
            "b_risk_level": state.risk_level,
            "b_handoff": state.handoff,
            "b_updated_at": now,
        }
        written = [state.locale, state.slots.get("country"), now.timestamp()]
        previous = state.contact_written
        contact = None
        if not previous or previous[:2] != written[:2] or written[2] - previous[2] >= CONTACT_EVERY:
            state.contact_written = written
            contact = {
                "b_id": state.contact_id,
                "b_last_seen_at": now,
                "b_locale": state.locale,
                "b_country": state.slots.get("country"),
            }
        return TurnWrites(conversation, contact, messages)
