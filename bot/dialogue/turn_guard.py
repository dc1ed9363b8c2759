"""The Redis side of one turn: dedupe, the conversation lock and the state cache, in two
round trips when nothing is contended (one pipeline to open the turn, one to close it).

- Dedupe: SET NX on the channel's message id: a redelivered message is dropped.
- Lock: one worker handles one person's messages at a time, in order, whichever worker
  received them; a token makes sure only the holder releases it.
- Cache: the conversation state, written after the database commit.
"""

from __future__ import annotations

import asyncio
import json
import secrets

import redis.asyncio as aredis

from bot.dialogue.state import ConversationState

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


class ConversationBusy(RuntimeError):
    """Another worker holds this conversation for longer than we can wait."""


class TurnGuard:
    def __init__(
        self,
        redis: aredis.Redis,
        contact_key: str,
        channel: str,
        message_id: str | None,
        dedupe_ttl: int,
        state_ttl: int,
        lock_wait: float = 10.0,
        lock_hold_ms: int = 30_000,
    ) -> None:
        self.redis = redis
        self.dedupe_key = f"dedupe:{channel}:{message_id}" if message_id is not None else None
        self.lock_key = f"lock:conv:{contact_key}"
        self.cache_key = f"conv:{contact_key}"
        self.dedupe_ttl, self.state_ttl = dedupe_ttl, state_ttl
        self.lock_wait, self.lock_hold_ms = lock_wait, lock_hold_ms
        self.token = secrets.token_hex(8)
        self.locked = False
        self.claimed_delivery = False
        self.cached: ConversationState | None = None

    async def open(self) -> bool:
        """Take the turn. False: this message was already delivered (drop it)."""
        pipe = self.redis.pipeline(transaction=False)
        if self.dedupe_key:
            pipe.set(self.dedupe_key, 1, nx=True, ex=self.dedupe_ttl)
        pipe.set(self.lock_key, self.token, nx=True, px=self.lock_hold_ms)
        pipe.get(self.cache_key)
        results = await pipe.execute()
        fresh = bool(results[0]) if self.dedupe_key else True
        self.claimed_delivery = bool(self.dedupe_key) and fresh
        self.locked, cached = bool(results[-2]), results[-1]
        if not fresh:
            if self.locked:
                await self._release()
            return False
        if not self.locked:
            await self._wait_for_lock()
            cached = await self.redis.get(self.cache_key)
        if cached is not None:
            self.cached = ConversationState.from_cache(json.loads(cached))
        return True

    async def _wait_for_lock(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.lock_wait
        while not await self.redis.set(self.lock_key, self.token, nx=True, px=self.lock_hold_ms):
            if loop.time() > deadline:
                raise ConversationBusy("conversation is locked by another worker")
            await asyncio.sleep(0.005)
        self.locked = True

    async def close(self, state: ConversationState) -> None:
        """After the commit: cache the new state and let the next message in."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.cache_key, json.dumps(state.to_cache()), ex=self.state_ttl)
        pipe.eval(_RELEASE, 1, self.lock_key, self.token)
        await pipe.execute()
        self.locked = False

    async def fail(self) -> None:
        """The turn failed: the platform's redelivery must be processed, from the database."""
        pipe = self.redis.pipeline(transaction=False)
        if self.claimed_delivery and self.dedupe_key:
            pipe.delete(self.dedupe_key)
        pipe.delete(self.cache_key)
        if self.locked:
            pipe.eval(_RELEASE, 1, self.lock_key, self.token)
        await pipe.execute()
        self.locked = False

    async def _release(self) -> None:
        await self.redis.eval(_RELEASE, 1, self.lock_key, self.token)
        self.locked = False
