"""The flows in use, and their hot reload.

A process that notices changed files validates them; if valid it swaps them in and
announces the new version on Redis pub/sub so every other process reloads too. If
invalid, the old flows stay in use and the problems are logged for the admin.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import redis.asyncio as aredis

from bot.dialogue.engine import Engine
from bot.dialogue.flows import FlowError, FlowSet, load_flows
from bot.dialogue.services import ServicesError, load_services
from bot.metrics import FLOW_RELOADS

log = logging.getLogger(__name__)
CHANNEL = "helpline:flows"


class FlowRegistry:
    def __init__(
        self, flows_dir: Path, taxonomy: list[str] | None, fallback_confidence: float
    ) -> None:
        self.flows_dir = flows_dir
        self.taxonomy = taxonomy
        self.fallback_confidence = fallback_confidence
        self._signature = self._files_signature()
        self.engine = self._build()  # raises FlowError: no flows, no helpline

    @property
    def flows(self) -> FlowSet:
        return self.engine.flows

    def _build(self) -> Engine:
        flows = load_flows(self.flows_dir, self.taxonomy)
        services = load_services(self.flows_dir / "services")
        return Engine(flows, services, self.fallback_confidence)

    def _files_signature(self) -> tuple[tuple[str, int, int], ...]:
        files = sorted(self.flows_dir.glob("*.yml")) + sorted(
            (self.flows_dir / "services").glob("*.yml")
        )
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)

    def reload(self) -> bool:
        """Load the files again. True if the new flows are in use, False if kept the old."""
        try:
            engine = self._build()
        except (FlowError, ServicesError) as exc:
            FLOW_RELOADS.labels("invalid").inc()
            problems = getattr(exc, "problems", [str(exc)])
            log.error("flows not reloaded, the previous version stays in use:\n  %s",
                      "\n  ".join(problems))  # fmt: skip
            return False
        changed = engine.flows.version != self.engine.flows.version
        self.engine = engine
        if changed:
            FLOW_RELOADS.labels("reloaded").inc()
            log.info("flows reloaded: version %s", engine.flows.version)
        return True

    async def watch(self, redis: aredis.Redis, interval: float = 1.0) -> None:
        """Poll the files; on a valid change, tell every process (and reload here)."""
        while True:
            await asyncio.sleep(interval)
            signature = self._files_signature()
            if signature == self._signature:
                continue
            self._signature = signature
            if self.reload():
                await redis.publish(CHANNEL, self.engine.flows.version)

    async def listen(self, redis: aredis.Redis) -> None:
        """Reload when another process announces new flows."""
        async with redis.pubsub() as pubsub:
            await pubsub.subscribe(CHANNEL)
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                if message["data"].decode() != self.engine.flows.version:
                    self._signature = self._files_signature()
                    self.reload()
