"""Turns per second and latency of handle_turn with real Redis and a real database.

    .venv/bin/python benchmarks/turn_bench.py [--database sqlite|postgresql|URL]
        [--redis URL] [--conversations 1000] [--concurrency 8]

1,000 distinct conversations, three messages each (a greeting, a question that starts
a flow and asks a slot, the button answer), all through the real pipeline: dedupe,
lock, state, NLU, flow engine, encrypted transcript. One process, one event loop.
Target (issue 3): >= 500 turns/s, p99 <= 30 ms on the 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.base import InboundMessage  # noqa: E402
from bot.pipeline import handle_turn  # noqa: E402
from bot.runtime import start_runtime  # noqa: E402
from bot.settings import Settings  # noqa: E402

SCRIPT = ["hello", "where can I sleep tonight?", "/set country serbia"]
DATABASES = {"postgresql": "postgresql+asyncpg://postgres@127.0.0.1:5432/test"}


async def run(database: str, redis_url: str, conversations: int, concurrency: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="turn-bench-"))
    url = DATABASES.get(database, database)
    if database == "sqlite":
        url = f"sqlite+aiosqlite:///{data_dir / 'bench.db'}"
    settings = Settings(data_dir=data_dir, database_url=url, redis_url=redis_url)
    runtime = await start_runtime(settings, progress=lambda _: None)
    await runtime.redis.client.flushdb()
    latencies: list[float] = []
    by_step: dict[int, list[float]] = {i: [] for i in range(len(SCRIPT))}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(conversations):
        queue.put_nowait(n)

    async def person() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            for i, text in enumerate(SCRIPT):
                message = InboundMessage("bench", f"person-{n}", text, f"{n}-{i}")
                started = time.perf_counter()
                await handle_turn(message, runtime.turn)
                latencies.append((time.perf_counter() - started) * 1000)
                by_step[i].append(latencies[-1])

    started = time.perf_counter()
    await asyncio.gather(*(person() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await runtime.redis.client.flushdb()
    await runtime.close()
    latencies.sort()
    return {
        "database": database,
        "conversations": conversations,
        "turns": len(latencies),
        "concurrency": concurrency,
        "turns_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)], 2),
        "max_ms": round(latencies[-1], 2),
        "p99_ms_by_message": {
            SCRIPT[i]: round(sorted(v)[int(len(v) * 0.99)], 2) for i, v in by_step.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="handle_turn throughput and latency")
    parser.add_argument("--database", default="sqlite", help="sqlite, postgresql or a URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "turn_bench.json"))
    args = parser.parse_args()
    figures = asyncio.run(run(args.database, args.redis, args.conversations, args.concurrency))
    print(json.dumps(figures, indent=2))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(out.read_text()) if out.exists() else {}
    results[figures["database"]] = figures
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
