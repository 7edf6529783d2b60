"""The app with some settings changed (a 0-second AUTH_CACHE_SECONDS, minutes-short tokens),
in the test's transaction like the `client` fixture; `compiled_reads=False` for the reference
read path."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import create_app
from config import Settings
from tests.conftest import _session_on
from tests.support.client import GraphQLClient

Served = Callable[..., AbstractAsyncContextManager[GraphQLClient]]


@pytest.fixture
def served(connection: AsyncConnection, engine: AsyncEngine, settings: Settings) -> Served:
    @asynccontextmanager
    async def serve(compiled_reads: bool = True, **changes: Any) -> AsyncIterator[GraphQLClient]:
        app = create_app(
            settings.model_copy(update=changes),
            engine=engine,
            sessions=lambda: _session_on(connection),
            compiled_reads=compiled_reads,
        )
        async with GraphQLClient.for_app(app) as gql:
            yield gql

    return serve
