"""The turn: the one place where a message from a person is handled.

    InboundMessage → dedupe → lock the conversation → load it → (in handoff: store and
    relay, stop) → NLU → safety policy → flow engine → case for a handoff → transcript
    and state stored in one transaction → OutboundMessages

A duplicate delivery returns no replies. A database failure is retried; if it goes on,
TurnFailed is raised after forgetting the message id, so the platform's redelivery is
processed — a message is never silently dropped. No message text is logged.
Redis work is two pipelined round trips (turn_guard.py); the database writes of
concurrent turns share one commit (storage/writer.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aredis
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import i18n, safety, safety_texts
from bot.channels.base import InboundMessage, OutboundMessage
from bot.dialogue.conversations import ConversationStore
from bot.dialogue.engine import HandoffRequest, Reply
from bot.dialogue.registry import FlowRegistry
from bot.dialogue.state import ConversationState
from bot.dialogue.turn_guard import TurnGuard
from bot.escalation.cases import PRIORITY_ORDER, decline_case, open_case
from bot.metrics import DUPLICATES, HANDOFFS, TURN_SECONDS, TURNS
from bot.settings import Settings
from bot.storage.crypto import Cipher, pseudonymous_key
from bot.storage.models import utcnow
from bot.storage.writer import TurnWriter, apply_writes
from nlu import Interpreter

log = logging.getLogger(__name__)
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)  # seconds between attempts while the database is down


class TurnFailed(RuntimeError):
    """The turn could not be completed; the message was not stored and must be resent."""

    def __init__(self, reason: str, apology: OutboundMessage) -> None:
        super().__init__(reason)
        self.apology = apology


@dataclass
class TurnContext:
    """What a turn needs; built once per process (bot/runtime.py)."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    redis: aredis.Redis
    cipher: Cipher
    secret: str
    interpreter: Interpreter
    flows: FlowRegistry
    writer: TurnWriter
    retry_delays: tuple[float, ...] = RETRY_DELAYS


async def handle_turn(message: InboundMessage, ctx: TurnContext) -> list[OutboundMessage]:
    started = time.perf_counter()
    key = pseudonymous_key(ctx.secret, message.channel, message.user_id)
    settings = ctx.settings
    guard = TurnGuard(ctx.redis, key, message.channel, message.message_id,
                      settings.dedupe_ttl_seconds, settings.state_ttl_seconds)  # fmt: skip
    try:
        if not await guard.open():
            DUPLICATES.labels(message.channel).inc()
            return []
        state, replies = await _turn(message, ctx, key, guard.cached)
        await guard.close(state)
    except Exception as exc:
        TURNS.labels(message.channel, "failed").inc()
        try:
            await guard.fail()
        except (RedisError, OSError):
            log.warning("could not release a failed turn in Redis; redelivery may wait")
        if isinstance(exc, TurnFailed):
            raise
        log.exception("turn failed (%s)", type(exc).__name__)
        raise TurnFailed(type(exc).__name__, _apology(message, ctx)) from exc
    TURNS.labels(message.channel, "ok").inc()
    TURN_SECONDS.observe(time.perf_counter() - started)
    return replies


def _apology(message: InboundMessage, ctx: TurnContext) -> OutboundMessage:
    locale = i18n.locale_for_tag(message.locale_hint or "") or ctx.settings.default_locale
    text = i18n.translate(locale, safety_texts.APOLOGY)
    return OutboundMessage(message.channel, message.user_id, text, locale=locale)


async def _turn(
    message: InboundMessage, ctx: TurnContext, key: str, cached: ConversationState | None
) -> tuple[ConversationState, list[OutboundMessage]]:
    """Load, respond, commit; the database part retried while the database is down."""
    text = message.text[: ctx.settings.max_message_chars]
    store = ConversationStore(ctx.cipher)
    for attempt, delay in enumerate((*ctx.retry_delays, None)):
        try:
            state, new_contact = cached, None
            if state is None:
                async with ctx.sessions() as session:
                    state = await store.load(session, key, message.channel, _locale(message, ctx))
            if state is None:
                state, new_contact = store.first_contact(
                    key, message.channel, message.user_id, _locale(message, ctx)
                )
            turn = _respond(message, text, state, ctx)
            writes = store.writes(state, turn.rows)
            writes.new_contact = new_contact
            if turn.decline:
                async with ctx.sessions() as session, session.begin():
                    await decline_case(session, state.conversation_id)
                    await apply_writes(session, [writes])
            elif turn.handoff is None:
                await ctx.writer.write(writes)  # group commit with concurrent turns
            else:
                async with ctx.sessions() as session, session.begin():
                    await apply_writes(session, [writes])
                    if writes.ids:
                        state.contact_id, state.conversation_id = writes.ids
                    await _open_case(session, message, state, turn)
                HANDOFFS.labels(turn.handoff.priority).inc()
            if writes.ids:
                state.contact_id, state.conversation_id = writes.ids
            channel, user = message.channel, message.user_id
            return state, [
                OutboundMessage(channel, user, r.text, r.buttons, state.locale, r.clear_chat)
                for r in turn.replies
            ]
        except (OperationalError, DBAPIError, OSError) as exc:
            cached = None  # state may have moved on in memory: read it again from the database
            if delay is None:
                raise TurnFailed("database unavailable", _apology(message, ctx)) from exc
            log.warning("database error (%s), retry %d", type(exc).__name__, attempt + 1)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


COMMAND_PARSE: dict[str, Any] = {
    "intent": {"name": "command", "confidence": 1.0},
    "intent_ranking": [],
    "entities": [],
    "language": {"code": "und", "confidence": 0.0},
}


def _is_command(text: str) -> bool:
    word = text.strip().split(" ", 1)[0]
    return len(word) > 1 and word[0] == "/" and word[1:].isalpha()


def _locale(message: InboundMessage, ctx: TurnContext) -> str:
    return message.locale_hint or ctx.settings.default_locale


@dataclass
class _Turn:
    replies: list[Reply]
    rows: list[dict[str, Any]]  # transcript rows, bodies encrypted
    handoff: HandoffRequest | None = None
    parse: dict[str, Any] | None = None
    decline: bool = False  # the person said no to the case the safety policy opened


def _respond(
    message: InboundMessage, text: str, state: ConversationState, ctx: TurnContext
) -> _Turn:
    """Understand and answer; no I/O. The caller commits what it returns."""
    # Commands and button payloads ("/set country serbia") are ours, not the person's
    # words: the engine reads them directly and the NLU is not asked.
    parse = COMMAND_PARSE if _is_command(text) else ctx.interpreter.parse(text)
    state.locale = i18n.choose_locale(state.locale, state.slots, parse)
    rows = [_row(state, "in", text, message.message_id, parse, ctx)]
    answer = safety.answer_prompt(state, text, parse)
    if answer is not None:  # /clear, is this phone safe, no to a caseworker
        replies, handoff = list(answer.replies), None
        if answer.resume_intent:  # what the person asked before the safe-phone question
            resumed = ctx.flows.engine.respond(state, f"/intent {answer.resume_intent}", None)
            replies += resumed.replies
            handoff = resumed.handoff
            state.handoff = state.handoff or handoff is not None
        rows += [_row(state, "out", r.text, None, None, ctx) for r in replies]
        return _Turn(replies, rows, handoff, parse, decline=answer.decline)
    decision = safety.assess(parse, state, ctx.flows.engine.services)
    state.risk_level = decision.level
    if state.handoff:
        # A caseworker has this conversation: the person's words go to the case (the
        # escalation service relays them live) and the bot stays silent — except for
        # safety: an emergency is answered at once and raises the case's priority.
        if decision.handoff is not None and decision.handoff.priority == "emergency":
            rows += [_row(state, "out", r.text, None, None, ctx) for r in decision.replies]
            return _Turn(decision.replies, rows, decision.handoff, parse)
        return _Turn([], rows)
    result = ctx.flows.engine.respond(state, text, parse)
    replies = list(decision.replies) + ([] if decision.silence_flow else result.replies)
    handoff = _higher(decision.handoff, result.handoff)
    if handoff is not None:
        state.handoff = True
        state.may_decline = decision.handoff is handoff and handoff.priority == "high"
    rows += [_row(state, "out", reply.text, None, None, ctx) for reply in replies]
    return _Turn(replies, rows, handoff, parse)


async def _open_case(
    session: AsyncSession, message: InboundMessage, state: ConversationState, turn: _Turn
) -> None:
    assert turn.handoff is not None and turn.parse is not None
    await open_case(
        session,
        state.conversation_id,
        priority=turn.handoff.priority,
        reason=turn.handoff.reason,
        channel=message.channel,
        language=turn.parse["language"]["code"],
        country=state.slots.get("country"),
        risk_indicators=[i["name"] for i in turn.parse.get("risk", {}).get("indicators", [])],
    )


def _higher(a: HandoffRequest | None, b: HandoffRequest | None) -> HandoffRequest | None:
    if a is None or b is None:
        return a or b
    return a if PRIORITY_ORDER[a.priority] >= PRIORITY_ORDER[b.priority] else b


def _row(
    state: ConversationState,
    direction: str,
    text: str,
    channel_message_id: str | None,
    parse: dict[str, Any] | None,
    ctx: TurnContext,
) -> dict[str, Any]:
    intent = parse["intent"] if parse else {}
    indicators = (parse or {}).get("risk", {}).get("indicators", [])
    return {
        "conversation_id": state.conversation_id,
        "direction": direction,
        "body_enc": ctx.cipher.encrypt(text, b"message"),
        "channel_message_id": channel_message_id,
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
        "language": parse["language"]["code"] if parse else None,
        "risk_indicators": [i["name"] for i in indicators],
        "created_at": utcnow(),
    }
