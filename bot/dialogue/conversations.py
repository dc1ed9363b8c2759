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

import redis.asyncio as aredis
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.state import ConversationState
from bot.storage.crypto import Cipher
from bot.storage.models import Contact, Conversation, utcnow

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
        cached = await self.redis.get(self._cache_key(contact_key))
        if cached is not None:
            return ConversationState.from_cache(json.loads(cached))
        contact = await session.scalar(select(Contact).where(Contact.key == contact_key))
        if contact is None:
            contact = Contact(
                key=contact_key,
                channel=channel,
                platform_id_enc=self.cipher.encrypt(platform_id, b"platform_id"),
                locale=default_locale,
            )
            session.add(contact)
            await session.flush()
        conversation = await session.scalar(
            select(Conversation).where(Conversation.contact_id == contact.id)
        )
        if conversation is None:
            conversation = Conversation(contact_id=contact.id, state={}, slots={})
            session.add(conversation)
            await session.flush()
        position = conversation.state or {}
        return ConversationState(
            conversation_id=conversation.id,
            contact_id=contact.id,
            channel=channel,
            locale=contact.locale or default_locale,
            flow=position.get("flow"),
            step=position.get("step"),
            waiting=position.get("waiting", False),
            stack=position.get("stack", []),
            misses=position.get("misses", 0),
            slots=dict(conversation.slots or {}),
            risk_level=conversation.risk_level,
            handoff=conversation.handoff,
        )

    async def save(self, session: AsyncSession, contact_key: str, state: ConversationState) -> None:
        """Write-through: the database rows in the turn's transaction (cache after commit)."""
        now = utcnow()
        await session.execute(
            update(Conversation)
            .where(Conversation.id == state.conversation_id)
            .values(
                state=state.position(),
                slots=dict(state.slots),
                risk_level=state.risk_level,
                handoff=state.handoff,
                updated_at=now,
            )
        )
        contact_values = {"last_seen_at": now, "locale": state.locale}
        if "country" in state.slots:
            contact_values["country"] = state.slots["country"]
        await session.execute(
            update(Contact).where(Contact.id == state.contact_id).values(**contact_values)
        )

    async def cache(self, contact_key: str, state: ConversationState) -> None:
        payload = json.dumps(state.to_cache())
        await self.redis.set(self._cache_key(contact_key), payload, ex=self.ttl)

    async def evict(self, contact_key: str) -> None:
        await self.redis.delete(self._cache_key(contact_key))
