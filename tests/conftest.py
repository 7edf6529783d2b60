"""Fixtures: a scratch database per test session, one rolled-back transaction per test,
a GraphQL client speaking real HTTP to the ASGI app, and a SQL statement counter."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from config import Settings
from db.migrate import upgrade
from db.urls import asyncpg_url, libpq_url, with_database
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.world import World, build_world


def _admin_engine_url(url: str) -> str:
    return with_database(url, "postgres").replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(env="test", run_worker=False)


@pytest.fixture(scope="session")
def database_url(settings: Settings) -> Iterator[str]:
    """A fresh database on the configured (or embedded) server, migrated to head."""
    server_url = libpq_url(settings)
    name = f"projops_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_admin_engine_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = with_database(server_url, name)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(asyncpg_url(database_url), pool_size=5, max_overflow=20)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """The test's transaction: everything the test and the app do is rolled back after it."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


def _session_on(connection: AsyncConnection) -> AsyncSession:
    # A commit inside the app releases a savepoint; the outer transaction still rolls back.
    return AsyncSession(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        autoflush=False,
    )


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    session = _session_on(connection)
    yield session
    await session.close()


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    """Two legal entities with users of every role, accounts and periods (see support/world)."""
    return await build_world(session, settings)


@pytest.fixture
async def client(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[GraphQLClient]:
    from app import create_app

    app = create_app(settings, engine=engine, sessions=lambda: _session_on(connection))
    async with GraphQLClient.for_app(app) as gql:
        yield gql


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter(engine)
    with counter.installed():
        yield counter


@pytest.fixture
def anyio_backend() -> Any:
    return "asyncio"
