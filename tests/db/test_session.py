"""The engine's pool without pre-ping: nothing sent at checkout, and a connection the server
closed is replaced before anyone uses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from config import Settings
from db.session import make_autocommit_session_factory, make_engine, make_session_factory
from tests.support.counter import WireLog

PID = text("SELECT pg_backend_pid()")


@pytest.fixture
async def app_engine(database_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings.model_copy(update={"db_pool_size": 1}), database_url)
    yield engine
    await engine.dispose()


async def test_checkout_sends_nothing(app_engine: AsyncEngine) -> None:
    wire = WireLog(app_engine)
    with wire.installed():
        for _ in range(3):
            async with make_autocommit_session_factory(app_engine)() as session:
                await session.execute(PID)
        async with make_session_factory(app_engine)() as session:
            await session.execute(PID)
        await wire.settled()
    # Three autocommit reads, then one transaction: no ping before any of them.
    assert len(wire.data) == 4
    assert [command.split()[0] for command in wire.control] == ["BEGIN", "ROLLBACK"]


async def test_a_connection_the_server_closed_is_replaced_at_checkout(
    app_engine: AsyncEngine, engine: AsyncEngine
) -> None:
    sessions = make_autocommit_session_factory(app_engine)
    async with sessions() as session:
        first = await session.scalar(PID)
    async with engine.connect() as admin:
        assert await admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    await asyncio.sleep(0.2)  # the pooled connection reads the server's goodbye meanwhile

    async with sessions() as session:
        second = await session.scalar(PID)
    assert second not in (None, first)
