"""The asyncpg pool the compiled reads run on: autocommit connections, so a read is one
round trip (no BEGIN, pre-ping or ROLLBACK around it), with prepared statements cached per
connection by asyncpg."""

from __future__ import annotations

from types import TracebackType

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from config import Settings
from db.statement_budget import server_settings
from db.urls import engine_url

MAX_PREPARED_BYTES = 256 * 1024
PREPARED_STATEMENTS = 32  # per connection (each holds its plan in the backend); LRU
# Seconds a read waits for a free connection (or a new one) before it is answered as
# SERVICE_UNAVAILABLE (db/outage.py); asyncpg would otherwise wait for ever.
ACQUIRE_TIMEOUT_SECONDS = 30.0


async def _unchanged(connection: asyncpg.Connection) -> None:
    """Nothing to reset on release: a read never changes session state (no SET, LISTEN, locks
    or cursors), so asyncpg's default reset query would be a second round trip per read.
    asyncpg still rolls back an open transaction before calling this."""


class ReadPool:
    """Opened and closed with the app's lifespan; sized like the engine's pool."""

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self._url = engine_url(engine)
        self._size = settings.db_pool_size
        self._timeout = settings.request_timeout_seconds
        self._pool: asyncpg.Pool | None = None

    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the read pool opens with the app's lifespan")
        return self._pool

    async def __aenter__(self) -> ReadPool:
        self._pool = await asyncpg.create_pool(
            self._url,
            min_size=1,
            max_size=self._size,
            command_timeout=30,
            reset=_unchanged,
            # A plan's statement is tens of kilobytes; asyncpg prepares only statements under
            # 15 KB by default, and an unprepared one is parsed and planned on every request.
            max_cacheable_statement_size=MAX_PREPARED_BYTES,
            statement_cache_size=PREPARED_STATEMENTS,
            server_settings=server_settings(self._timeout),  # the request's time budget
        )
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
