"""Group commit for the turn's writes.

Every turn writes the same three things: its conversation row, sometimes its contact
row, and its transcript messages. Alone, that is a transaction of several round trips
per turn; together, the turns that arrive while one transaction commits share the next
one (executemany UPDATEs, one INSERT). A turn still returns only after its own writes
are committed: durability is the same, throughput is several times higher.

If a batch fails, every turn in it gets the error and retries on its own (pipeline).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from bot.storage.models import Contact, Conversation, Message, utcnow

log = logging.getLogger(__name__)

_CONVERSATIONS = Conversation.__table__
_CONTACTS = Contact.__table__
_UPDATE_CONVERSATION = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("b_id"))
    .values(
        state=bindparam("b_state"),
        slots=bindparam("b_slots"),
        risk_level=bindparam("b_risk_level"),
        handoff=bindparam("b_handoff"),
        updated_at=bindparam("b_updated_at"),
    )
)
_UPDATE_CONTACT = (
    update(_CONTACTS)
    .where(_CONTACTS.c.id == bindparam("b_id"))
    .values(
        last_seen_at=bindparam("b_last_seen_at"),
        locale=bindparam("b_locale"),
        country=bindparam("b_country"),
    )
)


async def apply_writes(connection: AsyncConnection | AsyncSession, batch: list[TurnWrites]) -> None:
    """The SQL of a batch of turns: used by the group commit and by a turn's own
    transaction (a handoff, which opens a case in the same transaction)."""
    new = [w for w in batch if w.new_contact is not None]
    if new:
        # People writing for the first time: their rows are created here, in the shared
        # commit, and the new ids bound to the rest of their turn's rows.
        contact_ids = (
            (
                await connection.execute(
                    insert(_CONTACTS).returning(_CONTACTS.c.id, sort_by_parameter_order=True),
                    [w.new_contact for w in new],
                )
            )
            .scalars()
            .all()
        )
        conversation_ids = (
            (
                await connection.execute(
                    insert(_CONVERSATIONS).returning(
                        _CONVERSATIONS.c.id, sort_by_parameter_order=True
                    ),
                    [_new_conversation(contact_id) for contact_id in contact_ids],
                )
            )
            .scalars()
            .all()
        )
        for writes, contact_id, conversation_id in zip(
            new, contact_ids, conversation_ids, strict=True
        ):
            writes.bind(contact_id, conversation_id)
    await connection.execute(_UPDATE_CONVERSATION, [w.conversation for w in batch])
    contacts = [w.contact for w in batch if w.contact is not None]
    if contacts:
        await connection.execute(_UPDATE_CONTACT, contacts)
    messages = [m for w in batch for m in w.messages]
    if messages:
        await connection.execute(insert(Message.__table__), messages)


def _new_conversation(contact_id: int) -> dict[str, Any]:
    now = utcnow()
    return {"contact_id": contact_id, "state": {}, "slots": {}, "risk_level": "none",
            "handoff": False, "created_at": now, "updated_at": now}  # fmt: skip


@dataclass
class TurnWrites:
    conversation: dict[str, Any]  # b_id, b_state, b_slots, b_risk_level, b_handoff, b_updated_at
    contact: dict[str, Any] | None  # b_id, b_last_seen_at, b_locale, b_country
    messages: list[dict[str, Any]] = field(default_factory=list)
    new_contact: dict[str, Any] | None = None  # the contacts row of a first-time writer
    ids: tuple[int, int] | None = None  # (contact, conversation) once known

    def bind(self, contact_id: int, conversation_id: int) -> None:
        self.ids = (contact_id, conversation_id)
        self.conversation["b_id"] = conversation_id
        if self.contact is not None:
            self.contact["b_id"] = contact_id
        for message in self.messages:
            message["conversation_id"] = conversation_id


class TurnWriter:
    def __init__(self, engine: AsyncEngine, max_batch: int = 128) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: asyncio.Queue[tuple[TurnWrites, asyncio.Future[None]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def write(self, writes: TurnWrites) -> None:
        """Commit these writes (with whatever else is waiting); return once committed."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())  # held here: never collected
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._queue.put((writes, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._commit([writes for writes, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def _commit(self, batch: list[TurnWrites]) -> None:
        async with self.engine.begin() as connection:
            await apply_writes(connection, batch)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
