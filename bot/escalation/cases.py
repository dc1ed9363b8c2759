"""Opening cases for caseworkers. One open case per conversation: a new reason raises
the priority of the open case instead of opening another.

The escalation issue adds the Redis Streams queue, claiming, relay and closing on top
of this; the database row written here stays the source of truth.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Case, utcnow

PRIORITY_ORDER = {"normal": 0, "high": 1, "emergency": 2}


async def decline_case(session: AsyncSession, conversation_id: int) -> bool:
    """The person said no to a caseworker the safety policy offered: close the open
    case as declined. True if there was one to close."""
    case = await session.scalar(
        select(Case).where(Case.conversation_id == conversation_id, Case.status == "open")
    )
    if case is None or case.priority == "emergency":
        return False
    case.status, case.outcome, case.closed_at = "closed", "declined_by_person", utcnow()
    return True


async def open_case(
    session: AsyncSession,
    conversation_id: int,
    *,
    priority: str,
    reason: str,
    channel: str,
    language: str | None,
    country: str | None,
    risk_indicators: list[str] | None = None,
) -> Case:
    case = await session.scalar(
        select(Case).where(
            Case.conversation_id == conversation_id, Case.status.in_(("open", "claimed"))
        )
    )
    if case is not None:
        if PRIORITY_ORDER[priority] > PRIORITY_ORDER[case.priority]:
            case.priority = priority
            case.reason = reason
        return case
    case = Case(
        conversation_id=conversation_id,
        priority=priority,
        reason=reason,
        channel=channel,
        language=language,
        country=country,
        risk_indicators=risk_indicators or [],
    )
    session.add(case)
    await session.flush()
    return case
