"""Engine and session factory. One engine per process; one session per request or job."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from config import Settings
from db.urls import asyncpg_url, libpq_url

# Seconds after which a pooled connection is replaced rather than reused: well inside the
# idle timeouts of firewalls and proxies, which drop connections without telling either end.
POOL_RECYCLE_SECONDS = 1800


def make_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    # No pool_pre_ping: on asyncpg it costs BEGIN, ';' and ROLLBACK, three round trips before
    # every checkout. A connection the server closed is dropped at checkout by a local check
    # (_discard_closed); one that breaks mid-statement fails that statement, and SQLAlchemy's
    # disconnect handling then invalidates it and every connection of the pool older than it.
    engine = create_async_engine(
        asyncpg_url(url or libpq_url(settings)),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_recycle=POOL_RECYCLE_SECONDS,
    )
    event.listen(engine.sync_engine, "checkout", _discard_closed)
    return engine


def _discard_closed(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """asyncpg notices at once when the server closes a connection (a restart, an idle or
    terminated backend): is_closed() asks the client only, no round trip. Raising
    DisconnectionError makes the pool discard the connection and check out another."""
    if record.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def make_autocommit_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reads that need no transaction, on AUTOCOMMIT connections of the same
    pool: asyncpg then sends each statement alone, without BEGIN before it or ROLLBACK after
    (switching the isolation level is client-side state on asyncpg, no round trip)."""
    return make_session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))
