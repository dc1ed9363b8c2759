"""Conversations: found by pseudonymous key, cached in Redis, stored in the database.

Also the two Redis guards of a turn: a duplicate delivery is dropped (SET NX on the
channel's message id) and one conversation is handled by one worker at a time (a
lock with a token, released only by its holder).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aredis
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.state import ConversationState
from bot.storage.crypto import Cipher
from bot.storage.models import Contact, Conversation, utcnow
from bot.storage.writer import TurnWrites

CONTACT_EVERY = 600.0  # seconds between last_seen_at writes when nothing else changed
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


class ConversationBusy(RuntimeError):
    """Another worker holds this conversation for longer than we can wait."""


async def first_delivery(redis: aredis.Redis, channel: str, message_id: str, ttl: int) -> bool:
    """True the first time a channel message id is seen (within ttl seconds)."""
    return bool(await redis.set(f"dedupe:{channel}:{message_id}", 1, nx=True, ex=ttl))


async def forget_delivery(redis: aredis.Redis, channel: str, message_id: str) -> None:
    """A turn that failed must be processed when the platform delivers it again."""
    await redis.delete(f"dedupe:{channel}:{message_id}")


@asynccontextmanager
async def conversation_lock(
    redis: aredis.Redis, contact_key: str, wait: float = 10.0, hold_ms: int = 30_000
) -> AsyncIterator[None]:
    """Messages of one person are handled in order, whichever worker receives them."""
    key, token = f"lock:conv:{contact_key}", secrets.token_hex(8)
    deadline = asyncio.get_running_loop().time() + wait
    while not await redis.set(key, token, nx=True, px=hold_ms):
        if asyncio.get_running_loop().time() > deadline:
            raise ConversationBusy("conversation is locked by another worker")
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        await redis.eval(_RELEASE, 1, key, token)


class ConversationStore:
    def __init__(self, redis: aredis.Redis, cipher: Cipher, ttl: int) -> None:
        self.redis, self.cipher, self.ttl = redis, cipher, ttl

    @staticmethod
    def _cache_key(contact_key: str) -> str:
        return f"conv:{contact_key}"

    async def load(
        self,
        session: AsyncSession,
        contact_key: str,
        channel: str,
        platform_id: str,
        default_locale: str,
    ) -> ConversationState:
        """From the database, creating the contact and conversation on first contact."""
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
            now = utcnow()
            contact_id = await session.scalar(
                insert(contacts)
                .values(
                    key=contact_key,
                    channel=channel,
                    locale=default_locale,
                    unreachable=False,
                    platform_id_enc=self.cipher.encrypt(platform_id, b"platform_id"),
                    created_at=now,
                    last_seen_at=now,
                )
                .returning(contacts.c.id)
            )
            conversation_id = await session.scalar(
                insert(conversations)
                .values(
                    contact_id=contact_id,
                    state={},
                    slots={},
                    risk_level="none",
                    handoff=False,
                    created_at=now,
                    updated_at=now,
                )
                .returning(conversations.c.id)
            )
            return ConversationState(conversation_id, contact_id, channel, default_locale)
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
            slots=dict(found.slots or {}),
            risk_level=found.risk_level,
            handoff=found.handoff,
        )

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

    async def cached(self, contact_key: str) -> ConversationState | None:
        raw = await self.redis.get(self._cache_key(contact_key))
        return None if raw is None else ConversationState.from_cache(json.loads(raw))

    async def cache(self, contact_key: str, state: ConversationState) -> None:
        payload = json.dumps(state.to_cache())
        await self.redis.set(self._cache_key(contact_key), payload, ex=self.ttl)

    async def evict(self, contact_key: str) -> None:
        await self.redis.delete(self._cache_key(contact_key))
