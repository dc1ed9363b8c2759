"""Build what the helpline runs on, once per process, and say plainly what is wrong.

start_runtime: settings → secret → migrations → database → Redis → NLU → flows.
Every failure becomes a StartupError whose message an admin can act on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dialogue.flows import FlowError
from bot.dialogue.registry import FlowRegistry
from bot.dialogue.services import ServicesError
from bot.pipeline import TurnContext
from bot.redis_connection import RedisHandle, RedisUnavailable, connect_redis
from bot.settings import Settings, SettingsError
from bot.storage.crypto import Cipher
from bot.storage.db import DatabaseError, check, make_engine, session_factory
from bot.storage.migrate import upgrade_async
from bot.storage.models import FlowVersion
from bot.storage.writer import TurnWriter
from nlu import Interpreter
from nlu.model import ModelError
from nlu.training_data import load_taxonomy

log = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The helpline cannot start; the message says why in plain words."""


@dataclass
class Runtime:
    settings: Settings
    database: AsyncEngine
    redis: RedisHandle
    turn: TurnContext

    async def close(self) -> None:
        await self.turn.writer.close()
        await self.redis.close()
        await self.database.dispose()


def flow_registry(settings: Settings) -> FlowRegistry:
    try:
        return FlowRegistry(settings.flows_dir, list(load_taxonomy()), settings.fallback_confidence)
    except (FlowError, ServicesError) as exc:
        problems = getattr(exc, "problems", [str(exc)])
        raise StartupError("the flows have errors:\n  " + "\n  ".join(problems)) from exc


async def start_runtime(
    settings: Settings, *, migrate: bool = True, progress: Callable[[str], None] = log.info
) -> Runtime:
    try:
        secret = settings.master_secret()
    except SettingsError as exc:
        raise StartupError(str(exc)) from exc
    url = settings.effective_database_url
    if migrate:
        progress("updating the database schema")
        try:
            await upgrade_async(url)
        except Exception as exc:
            raise StartupError(
                f"cannot prepare the database (DATABASE_URL): {type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''}"
            ) from exc
    try:
        database = make_engine(url)
        await check(database)
    except DatabaseError as exc:
        raise StartupError(f"{exc} (DATABASE_URL)") from exc
    try:
        redis = await connect_redis(settings)
    except RedisUnavailable as exc:
        await database.dispose()
        raise StartupError(f"{exc} (REDIS_URL)") from exc
    try:
        flows = flow_registry(settings)
        progress("loading the NLU model (training it first if there is none)")
        interpreter = await asyncio.to_thread(
            Interpreter.load, settings.nlu_model_dir, settings.nlu_config()
        )
    except (StartupError, ModelError) as exc:
        await redis.close()
        await database.dispose()
        raise StartupError(str(exc)) from exc
    sessions = session_factory(database)
    await record_flow_version(sessions, flows)
    turn = TurnContext(settings, sessions, redis.client, Cipher.from_secret(secret), secret,
                       interpreter, flows, TurnWriter(database))  # fmt: skip
    progress(f"ready: flows {flows.flows.version}, {redis.description}")
    return Runtime(settings, database, redis, turn)


async def record_flow_version(sessions, flows: FlowRegistry) -> None:  # noqa: ANN001
    """Keep the history of every set of flows the helpline has used."""
    version = flows.flows.version
    async with sessions() as session, session.begin():
        if await session.scalar(select(FlowVersion).where(FlowVersion.version == version)):
            return
        session.add(
            FlowVersion(version=version, flows={f.id: f.source for f in flows.flows.flows.values()})
        )
