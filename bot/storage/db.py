"""Database engine and sessions: one engine per app, one session per unit of work."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


class DatabaseError(RuntimeError):
    """The database cannot be used; the message names the problem in plain words."""


def make_engine(url: str, **options: object) -> AsyncEngine:
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseError(f"DATABASE_URL is not a database URL: {exc}") from exc
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has one writer, and writers queued here wait without the
        # sleeping-and-polling of SQLite's busy handler (a long tail under load).
        pool = {} if "poolclass" in options else {"pool_size": 1, "max_overflow": 0}
        engine = create_async_engine(url, connect_args={"timeout": 30}, **pool, **options)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            # WAL: readers do not block the writer; NORMAL is durable across app crashes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    pool = {} if "poolclass" in options else {"pool_size": 10, "max_overflow": 20}
    # No pre-ping (a round trip per checkout): a connection that died with a database
    # restart fails its statement, is dropped by the pool, and the turn retries.
    return create_async_engine(url, **pool, **options)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def check(engine: AsyncEngine) -> None:
    """Raise DatabaseError in plain words if the database does not answer."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise DatabaseError(f"the database does not answer ({type(exc).__name__})") from exc
