"""The ASGI app: /healthz and /metrics today; webhooks, web chat and console later."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.runtime import Runtime


def create_app(runtime: Runtime, *, background: bool = True) -> FastAPI:
    """`background`: watch the flows for changes and listen for reloads elsewhere."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = []
        if background:
            registry, redis = runtime.turn.flows, runtime.redis.client
            # Strong references: a task nobody holds can be garbage-collected mid-run.
            tasks = [asyncio.create_task(registry.watch(redis)),
                     asyncio.create_task(registry.listen(redis))]  # fmt: skip
        yield
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(title="helpline", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runtime = runtime

    @app.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        rt: Runtime = request.app.state.runtime
        checks = {"database": "ok", "redis": "ok"}
        try:
            async with rt.database.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            checks["database"] = f"unavailable ({type(exc).__name__})"
        try:
            await rt.redis.client.ping()
        except Exception as exc:
            checks["redis"] = f"unavailable ({type(exc).__name__})"
        healthy = all(v == "ok" for v in checks.values())
        body = {"status": "ok" if healthy else "unavailable", **checks,
                "flows": rt.turn.flows.flows.version}  # fmt: skip
        return JSONResponse(body, status_code=200 if healthy else 503)

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
