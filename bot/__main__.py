"""`helpline` (also `python -m bot`): run and look after the helpline."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.settings import Settings, SettingsError

log = logging.getLogger("helpline")


def _say(text: str) -> None:
    print(f"helpline: {text}", file=sys.stderr, flush=True)


async def _with_runtime(settings: Settings, work: Callable[..., Awaitable[int]]) -> int:
    from bot.runtime import start_runtime

    runtime = await start_runtime(settings, progress=_say)
    try:
        return await work(runtime)
    finally:
        await runtime.close()


async def _serve(runtime, role: str, host: str, port: int, chat: bool = False) -> int:  # noqa: ANN001
    import uvicorn

    from bot.app import create_app

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    tasks: list[asyncio.Task] = []
    server = None
    if role in ("web", "all"):
        app = create_app(runtime, background=True)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        server.install_signal_handlers = lambda: None  # we handle signals ourselves
        tasks.append(asyncio.create_task(server.serve()))
        _say(f"serving on http://{host}:{port} (role {role}); /healthz and /metrics")
    if role == "worker":
        registry, redis = runtime.turn.flows, runtime.redis.client
        tasks += [asyncio.create_task(registry.watch(redis)),
                  asyncio.create_task(registry.listen(redis))]  # fmt: skip
        _say("worker running (flow reloads; queue consumers come with the escalation service)")
    if chat:
        from bot.channels.terminal import run_terminal_chat

        chat_task = asyncio.create_task(run_terminal_chat(runtime.turn))
        chat_task.add_done_callback(lambda _: stop.set())
        tasks.append(chat_task)
    await stop.wait()
    if server is not None:
        server.should_exit = True
    for task in tasks:
        if task is not tasks[0] or server is None:
            task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    host, port = args.host or settings.host, args.port or settings.port
    return asyncio.run(_with_runtime(settings, lambda rt: _serve(rt, args.role, host, port)))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    host, port = args.host or settings.host, args.port or settings.port
    _say("demo: embedded database and Redis in " + str(settings.data_dir))
    return asyncio.run(_with_runtime(settings, lambda rt: _serve(rt, "all", host, port, chat=True)))


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.channels.terminal import run_terminal_chat

    async def chat(runtime) -> int:  # noqa: ANN001
        await run_terminal_chat(runtime.turn)
        return 0

    return asyncio.run(_with_runtime(settings, chat))


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    _say("the database schema is up to date")
    return 0


def cmd_flows_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime import flow_registry

    if args.dir:
        settings = settings.model_copy(update={"flows_dir": Path(args.dir)})
    registry = flow_registry(settings)
    flows = registry.flows
    steps = sum(len(f.steps) for f in flows.flows.values())
    print(f"ok: {len(flows.flows)} flows, {len(flows.by_intent)} intents, {steps} steps, "
          f"version {flows.version}")  # fmt: skip
    return 0


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    for variable, value in settings.masked().items():
        print(f"{variable}={value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="helpline",
        description="A multilingual messaging helpline: run it, chat with it, look after it. "
        "Settings come from the environment (see `helpline config`).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def address(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", help="address to listen on (default HELPLINE_HOST)")
        p.add_argument("--port", type=int, help="port to listen on (default HELPLINE_PORT)")

    p = sub.add_parser("serve", help="run the helpline (web app and/or background worker)",
                       description="Apply migrations, then run the helpline.")  # fmt: skip
    p.add_argument("--role", choices=["web", "worker", "all"], default="all",
                   help="web: HTTP app; worker: background work; all: both (default)")  # fmt: skip
    address(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="run everything embedded and chat with it in this terminal",
                       description="Embedded SQLite and Redis, the web app in the background, "
                       "and the terminal chat in the foreground.")  # fmt: skip
    address(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("chat", help="talk to the helpline in this terminal, as a person would")
    p.set_defaults(func=cmd_chat)

    db = sub.add_parser("db", help="database commands").add_subparsers(
        dest="db_command", required=True, metavar="COMMAND"
    )
    p = db.add_parser("upgrade", help="apply database migrations")
    p.set_defaults(func=cmd_db_upgrade)

    flows = sub.add_parser("flows", help="flow commands").add_subparsers(
        dest="flows_command", required=True, metavar="COMMAND"
    )
    p = flows.add_parser("validate", help="check every flow; errors name file and line")
    p.add_argument("--dir", help="flows directory (default HELPLINE_FLOWS_DIR)")
    p.set_defaults(func=cmd_flows_validate)

    p = sub.add_parser("config", help="print the effective settings, secrets masked")
    p.set_defaults(func=cmd_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.runtime import StartupError
    from bot.storage.db import DatabaseError

    try:
        settings = Settings()
    except Exception as exc:
        _say(f"the settings are not valid: {exc}")
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return args.func(args, settings)
    except (StartupError, SettingsError, DatabaseError) as exc:
        _say(f"cannot start: {exc}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
