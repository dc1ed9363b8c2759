import dataclasses

import httpx
import redis.asyncio as aredis

from bot.app import create_app
from bot.channels.base import InboundMessage
from bot.pipeline import handle_turn
from bot.redis_connection import RedisHandle
from bot.storage.db import make_engine


async def get(app, path):
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://helpline") as client:
        return await client.get(path)


async def test_healthz_checks_database_and_redis(runtime):
    app = create_app(runtime, background=False)
    response = await get(app, "/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["redis"] == "ok"
    assert body["flows"] == runtime.turn.flows.flows.version


async def test_healthz_says_which_part_is_down(runtime):
    # Real clients pointed at a port where nothing listens.
    down = dataclasses.replace(
        runtime,
        database=make_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none"),
        redis=RedisHandle(aredis.Redis(host="127.0.0.1", port=1), "nowhere"),
    )
    response = await get(create_app(down, background=False), "/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"].startswith("unavailable") and body["redis"].startswith("unavailable")
    await down.database.dispose()


async def test_metrics_count_turns(runtime):
    await handle_turn(InboundMessage("terminal", "metrics-user", "hello"), runtime.turn)
    response = await get(create_app(runtime, background=False), "/metrics")
    assert response.status_code == 200
    assert 'helpline_turns_total{channel="terminal",outcome="ok"}' in response.text
    assert "helpline_turn_seconds_bucket" in response.text
    assert "metrics-user" not in response.text
