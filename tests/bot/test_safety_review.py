"""A caseworker reviews the conversation's risk level."""

import pytest
from sqlalchemy import select

from bot.channels.base import InboundMessage
from bot.pipeline import handle_turn
from bot.safety_review import ReviewError, review_risk_level
from bot.storage.models import AuditEvent, ConsoleUser, Conversation


async def test_a_reviewed_level_sticks_and_is_audited(runtime):
    user = "reviewed"
    await handle_turn(
        InboundMessage("terminal", user, "my boss does not pay me for 3 months"), runtime.turn
    )
    async with runtime.turn.sessions() as session, session.begin():
        reviewer = ConsoleUser(username="amina", role="caseworker", password_hash="x")
        session.add(reviewer)
        await session.flush()
        conversation = await session.scalar(select(Conversation))
        reviewer_id, conversation_id = reviewer.id, conversation.id
    assert conversation.risk_level == "medium"
    previous = await review_risk_level(
        runtime.turn.sessions, runtime.turn.redis, conversation_id, "none", reviewer_id,
        "misunderstanding",
    )  # fmt: skip
    assert previous == "medium"
    # The next turn starts from the reviewed level, not from the cached state.
    await handle_turn(InboundMessage("terminal", user, "where can I sleep?"), runtime.turn)
    async with runtime.turn.sessions() as session:
        conversation = await session.get(Conversation, conversation_id)
        event = await session.scalar(select(AuditEvent))
    assert conversation.risk_level == "none"
    assert event.action == "risk_level_reviewed" and event.actor_id == reviewer_id
    assert event.details == {"from": "medium", "to": "none", "reason": "misunderstanding",
                             "indicators_before": ["withheld_wages"]}  # fmt: skip


async def test_a_review_with_a_bad_level_or_conversation_is_refused(runtime):
    with pytest.raises(ReviewError, match="not a risk level"):
        await review_risk_level(runtime.turn.sessions, runtime.turn.redis, 1, "low", 1, "other")
    with pytest.raises(ReviewError, match="no conversation 999"):
        await review_risk_level(runtime.turn.sessions, runtime.turn.redis, 999, "none", 1, "other")
