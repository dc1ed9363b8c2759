"""A caseworker's review of a conversation's risk level.

The level never drops by itself (bot/safety.py). A caseworker who has spoken with the
person may set it — up or down — with a reason code; the indicators seen so far are
kept in the audit event and in the transcript rows, and only indicators seen after the
review count towards the new level. The change is written to the audit log, and the
conversation's cached state is dropped under its lock so the next turn reads the
reviewed level from the database. The console (issue 8) calls this; it is the only
writer of a reviewed level.
"""

from __future__ import annotations

import redis.asyncio as aredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue.turn_guard import TurnGuard
from bot.storage.models import AuditEvent, Contact, Conversation
from nlu.risk_data import LEVELS

# Why a caseworker changed the level: codes, never free text (the audit log is not
# encrypted and must not hold anything about the person).
REVIEW_REASONS = ("spoke_with_person", "misunderstanding", "situation_changed",
                  "new_information", "other")  # fmt: skip


class ReviewError(ValueError):
    """A review that cannot be recorded; the message says why in plain words."""


async def review_risk_level(
    sessions: async_sessionmaker[AsyncSession],
    redis: aredis.Redis,
    conversation_id: int,
    level: str,
    reviewer_id: int,
    reason: str,
) -> str:
    """Set the conversation's level; returns the level it had."""
    if level not in LEVELS:
        raise ReviewError(f"'{level}' is not a risk level; use one of: {', '.join(LEVELS)}")
    if reason not in REVIEW_REASONS:
        raise ReviewError(f"'{reason}' is not a review reason; use one of: "
                          + ", ".join(REVIEW_REASONS))  # fmt: skip
    async with sessions() as session:
        found = (
            await session.execute(
                select(Contact.key, Contact.channel)
                .join(Conversation, Conversation.contact_id == Contact.id)
                .where(Conversation.id == conversation_id)
            )
        ).first()
    if found is None:
        raise ReviewError(f"there is no conversation {conversation_id}")
    # The conversation's lock: a turn in flight must not write the old level back.
    guard = TurnGuard(redis, found.key, found.channel, None, 0, 0)
    await guard.open()
    try:
        async with sessions() as session, session.begin():
            conversation = await session.get(Conversation, conversation_id, with_for_update=True)
            assert conversation is not None
            previous = conversation.risk_level
            state = dict(conversation.state or {})
            seen = state.pop("risk_indicators", [])
            conversation.state = {**state, "risk_indicators": []}
            conversation.risk_level = level
            session.add(
                AuditEvent(
                    actor_id=reviewer_id,
                    action="risk_level_reviewed",
                    target_type="conversation",
                    target_id=str(conversation_id),
                    details={
                        "from": previous,
                        "to": level,
                        "reason": reason,
                        "indicators_before": seen,
                    },
                )
            )
    finally:
        await guard.fail()  # drops the cached state and releases the lock
    return previous
