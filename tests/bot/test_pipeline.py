"""The turn end to end: real Redis, real SQLite and PostgreSQL, the real NLU and flows."""

import asyncio
import dataclasses
import logging

import pytest
from sqlalchemy import func, select

from bot.channels.base import InboundMessage
from bot.pipeline import TurnFailed, handle_turn
from bot.storage.db import make_engine, session_factory
from bot.storage.models import Case, Contact, Conversation, Message
from bot.storage.writer import TurnWriter


def inbound(text, user="user-A", message_id=None, channel="terminal"):
    return InboundMessage(channel, user, text, message_id)


async def count(runtime, model, *where):
    async with runtime.turn.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_a_turn_answers_from_the_flow_and_stores_the_transcript_encrypted(runtime):
    replies = await handle_turn(
        inbound("where can I sleep tonight?", message_id="m1"), runtime.turn
    )
    texts = [r.text for r in replies]
    assert texts[-1] == "Which country are you in now?"
    assert [b.label for b in replies[-1].buttons][:2] == ["Albania", "Bosnia and Herzegovina"]
    async with runtime.turn.sessions() as session:
        messages = (await session.scalars(select(Message).order_by(Message.id))).all()
        contact = await session.scalar(select(Contact))
    assert [m.direction for m in messages] == ["in"] + ["out"] * len(replies)
    assert messages[0].intent == "shelter" and messages[0].language == "en"
    assert messages[0].channel_message_id == "m1"
    for message in messages:
        assert b"sleep" not in message.body_enc  # encrypted at rest
    assert runtime.turn.cipher.decrypt(messages[0].body_enc, b"message").startswith("where can")
    assert b"user-A" not in contact.platform_id_enc and "user-A" not in contact.key


async def test_slots_persist_and_a_button_press_continues_the_flow(runtime):
    await handle_turn(inbound("where can I sleep tonight?"), runtime.turn)
    replies = await handle_turn(inbound("/set country serbia"), runtime.turn)
    assert any("Serbia" in r.text for r in replies)
    async with runtime.turn.sessions() as session:
        conversation = await session.scalar(select(Conversation))
        contact = await session.scalar(select(Contact))
    assert conversation.slots == {"country": "serbia"} and contact.country == "serbia"


async def test_a_redelivered_message_is_handled_once(runtime):
    first = await handle_turn(inbound("hello", message_id="dup-1"), runtime.turn)
    again = await handle_turn(inbound("hello", message_id="dup-1"), runtime.turn)
    assert first and again == []
    assert await count(runtime, Message, Message.direction == "in") == 1


async def test_state_survives_losing_redis(runtime, redis):
    await handle_turn(inbound("where can I sleep tonight?"), runtime.turn)
    await runtime.redis.client.flushdb()  # Redis restarted empty
    replies = await handle_turn(inbound("/set country montenegro"), runtime.turn)
    assert any("Montenegro" in r.text for r in replies)


async def test_handoff_opens_one_case_and_the_bot_goes_silent(runtime):
    replies = await handle_turn(inbound("I want to talk to a real person"), runtime.turn)
    assert "caseworker" in replies[0].text
    async with runtime.turn.sessions() as session:
        case = await session.scalar(select(Case))
    assert (case.priority, case.reason, case.status) == ("normal", "asked_for_human", "open")
    assert case.channel == "terminal" and case.language == "en"
    later = await handle_turn(inbound("hello? is anyone there"), runtime.turn)
    assert later == []
    assert await count(runtime, Message, Message.direction == "in") == 2
    assert await count(runtime, Case) == 1


async def test_people_are_kept_apart(runtime):
    await handle_turn(inbound("where can I sleep tonight?", user="A"), runtime.turn)
    replies = await handle_turn(inbound("/set country serbia", user="B"), runtime.turn)
    # B never asked anything: the payload is not an answer for B
    assert not any("Serbia" in r.text for r in replies)
    assert await count(runtime, Contact) == 2


async def test_messages_of_one_person_are_handled_in_order_under_concurrency(runtime):
    texts = [f"hello number {i}" for i in range(12)]
    await asyncio.gather(
        *(handle_turn(inbound(t, message_id=f"c{i}"), runtime.turn) for i, t in enumerate(texts))
    )
    assert await count(runtime, Message, Message.direction == "in") == 12
    assert await count(runtime, Conversation) == 1


async def test_oversized_and_odd_input_is_cut_not_refused(runtime):
    huge = "I need a doctor " + "x" * 100_000
    replies = await handle_turn(inbound(huge), runtime.turn)
    assert replies
    async with runtime.turn.sessions() as session:
        stored = await session.scalar(select(Message).where(Message.direction == "in"))
    body = runtime.turn.cipher.decrypt(stored.body_enc, b"message")
    assert len(body) == runtime.settings.max_message_chars
    for odd in ["", "\x00\x01\x02", "🙂" * 50, "\u202e\u200f"]:
        assert isinstance(await handle_turn(inbound(odd, user="odd"), runtime.turn), list)


async def test_no_message_text_or_user_id_in_logs(runtime, caplog):
    caplog.set_level(logging.DEBUG)
    await handle_turn(
        inbound("my boss Dragan keeps my passport", user="+38761000111"), runtime.turn
    )
    assert "Dragan" not in caplog.text and "+38761000111" not in caplog.text


async def test_database_down_is_retried_then_reported_and_the_message_can_come_again(runtime):
    broken = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    turn = dataclasses.replace(runtime.turn, sessions=session_factory(broken))
    with pytest.raises(TurnFailed) as failure:
        await handle_turn(inbound("hello", message_id="while-down"), turn)
    assert "Please send it again" in failure.value.apology.text
    await broken.dispose()
    # The database is back: the platform's redelivery of the same message is processed.
    replies = await handle_turn(inbound("hello", message_id="while-down"), runtime.turn)
    assert replies


async def test_database_down_at_group_commit_loses_nothing(runtime):
    await handle_turn(inbound("hello", user="cached"), runtime.turn)  # state now in Redis
    broken = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    turn = dataclasses.replace(
        runtime.turn, sessions=session_factory(broken), writer=TurnWriter(broken)
    )
    with pytest.raises(TurnFailed):
        await handle_turn(inbound("where can I sleep?", user="cached", message_id="w1"), turn)
    await turn.writer.close()
    await broken.dispose()
    replies = await handle_turn(
        inbound("where can I sleep?", user="cached", message_id="w1"), runtime.turn
    )
    assert replies[-1].text == "Which country are you in now?"
    assert await count(runtime, Message, Message.channel_message_id == "w1") == 1


async def test_concurrent_people_share_group_commits(runtime):
    people = [f"person-{i}" for i in range(40)]
    results = await asyncio.gather(
        *(handle_turn(inbound("I need a doctor", user=p), runtime.turn) for p in people)
    )
    assert all(results)
    assert await count(runtime, Conversation) == 40
    assert await count(runtime, Message, Message.direction == "in") == 40


async def test_redis_down_fails_the_turn_with_an_apology_and_state_is_kept(runtime):
    import redis.asyncio as aredis

    await handle_turn(inbound("where can I sleep tonight?", user="r"), runtime.turn)
    down = dataclasses.replace(runtime.turn, redis=aredis.Redis(host="127.0.0.1", port=1))
    with pytest.raises(TurnFailed) as failure:
        await handle_turn(inbound("/set country serbia", user="r", message_id="r1"), down)
    assert "Please send it again" in failure.value.apology.text
    await down.redis.aclose()
    # Redis is back (and empty, as after a restart): the conversation goes on from the database.
    await runtime.redis.client.flushdb()
    replies = await handle_turn(
        inbound("/set country serbia", user="r", message_id="r1"), runtime.turn
    )
    assert any("Serbia" in r.text for r in replies)
