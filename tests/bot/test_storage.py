"""Migrations and storage on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import inspect, select

from bot.escalation.cases import open_case
from bot.runtime import StartupError, start_runtime
from bot.settings import Settings
from bot.storage.db import DatabaseError, check, make_engine, session_factory
from bot.storage.migrate import downgrade, upgrade, upgrade_async
from bot.storage.models import Case, Contact, Conversation

TABLES = {
    "contacts", "conversations", "messages", "cases", "console_users",
    "audit_events", "flow_versions", "alembic_version",
}  # fmt: skip


async def tables(url):
    engine = make_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def test_migration_stairway_up_down_up(database_url):
    import asyncio

    await upgrade_async(database_url)
    assert await tables(database_url) >= TABLES
    await asyncio.to_thread(downgrade, database_url, "base")
    assert not (await tables(database_url)) & (TABLES - {"alembic_version"})
    await asyncio.to_thread(upgrade, database_url)
    assert await tables(database_url) >= TABLES


async def test_one_open_case_per_conversation_priority_only_rises(database_url):
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    async with sessions() as session, session.begin():
        contact = Contact(key="k" * 64, channel="terminal", platform_id_enc=b"x")
        session.add(contact)
        await session.flush()
        conversation = Conversation(contact_id=contact.id, state={}, slots={})
        session.add(conversation)
        await session.flush()
        common = {"channel": "terminal", "language": "en", "country": None}
        first = await open_case(session, conversation.id, priority="normal", reason="asked",
                                **common)  # fmt: skip
        raised = await open_case(session, conversation.id, priority="emergency",
                                 reason="danger", **common)  # fmt: skip
        kept = await open_case(session, conversation.id, priority="high", reason="other",
                               **common)  # fmt: skip
    assert first.id == raised.id == kept.id
    async with sessions() as session:
        cases = (await session.scalars(select(Case))).all()
    assert [(c.priority, c.reason) for c in cases] == [("emergency", "danger")]
    await engine.dispose()


async def test_bad_database_urls_are_explained(tmp_path):
    with pytest.raises(DatabaseError, match="not a database URL"):
        make_engine("this is not a url")
    engine = make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseError, match="the database does not answer"):
        await check(engine)
    await engine.dispose()
    settings = Settings(data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StartupError, match=r"cannot prepare the database \(DATABASE_URL\)"):
        await start_runtime(settings)


async def test_unreachable_redis_is_explained(tmp_path, full_model_dir):
    settings = Settings(
        data_dir=tmp_path, redis_url="redis://:pw@127.0.0.1:1/0", nlu_model_dir=full_model_dir
    )
    with pytest.raises(StartupError) as error:
        await start_runtime(settings)
    assert "Redis at redis://:********@127.0.0.1:1/0 does not answer" in str(error.value)
    assert "(REDIS_URL)" in str(error.value)
