"""What a request sends to PostgreSQL through the app's own engine (not the tests' shared
transaction): a query operation its statements and nothing else, a mutation one transaction
that commits, or rolls back everything it wrote."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from app import create_app
from config import Settings
from db.models.master_data import AppUser
from db.session import make_engine
from db.urls import asyncpg_url, libpq_url
from resolvers.sessions import sign_in
from tests.support.client import GraphQLClient
from tests.support.counter import WireLog
from tests.support.scratch_db import scratch_database
from tests.support.world import World, build_world

READ = "{ legalEntities(first: 10) { nodes { code } } currencies { code } }"
CREATE = """mutation($code: String!) {
  createLegalEntity(input: {code: $code, name: "Probe", currencyCode: "USD"}) {
    legalEntity { code } errors { code message } } }"""


@pytest.fixture(scope="module")
def committed_url(settings: Settings) -> Iterator[str]:
    """A database of this module's own: the app's mutations commit here."""
    with scratch_database(libpq_url(settings)) as url:
        yield url


@pytest.fixture(scope="module")
async def committed_world(committed_url: str, settings: Settings) -> AsyncIterator[World]:
    engine = create_async_engine(asyncpg_url(committed_url))
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield await build_world(session, settings)
    await engine.dispose()


@pytest.fixture
async def served(
    committed_url: str, committed_world: World, settings: Settings
) -> AsyncIterator[tuple[GraphQLClient, WireLog, AsyncEngine]]:
    """The app as `make run` builds it (its own engine and sessions), and its wire."""
    engine = make_engine(settings, committed_url)
    wire = WireLog(engine)
    try:
        with wire.installed():
            async with GraphQLClient.for_app(create_app(settings, engine=engine)) as client:
                yield client, wire, engine
    finally:
        await engine.dispose()


async def _legal_entities(engine: AsyncEngine, code: str) -> int | None:
    statement = text("SELECT count(*) FROM legal_entity WHERE code = :code")
    async with engine.connect() as conn:
        count: int | None = await conn.scalar(statement, {"code": code})
        return count


async def test_a_query_sends_its_statements_and_nothing_else(
    served: tuple[GraphQLClient, WireLog, AsyncEngine], committed_world: World
) -> None:
    client, wire, _ = served
    auth = {"Authorization": f"Bearer {committed_world.tokens['admin']}"}
    for checked in (1, 0):  # on a new connection, then on the pooled one
        wire.reset()
        # GET: strawberry's own execution (the compiled read path answers POSTs only).
        response = await client.http.get("/graphql", params={"query": READ}, headers=auth)
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        assert {n["code"] for n in body["data"]["legalEntities"]["nodes"]} == {"USPM", "DEPM"}
        await wire.settled()
        # No BEGIN, no pre-ping, no ROLLBACK: one round trip per statement; the token's
        # session is checked once (then cached: resolvers/access.py), on the same connection.
        assert wire.control == []
        assert len(wire.data) == 2 + checked


async def test_a_mutation_is_one_transaction_that_commits(
    served: tuple[GraphQLClient, WireLog, AsyncEngine], committed_world: World
) -> None:
    client, wire, engine = served
    payload = await client.mutate(CREATE, {"code": "ZS"}, token=committed_world.tokens["admin"])
    assert payload == {"legalEntity": {"code": "ZS"}, "errors": []}
    await wire.settled()
    assert wire.control[0].startswith("BEGIN")
    assert wire.control[1:] == ["COMMIT"]
    assert len(wire.data) > 3  # the entity, its sequences, parameters and membership
    assert await _legal_entities(engine, "ZS") == 1


async def test_a_failing_mutation_writes_nothing(
    served: tuple[GraphQLClient, WireLog, AsyncEngine], settings: Settings
) -> None:
    """The entity, its sequences and parameters are written before the last insert fails:
    the token's user was deleted after the server checked its session (within
    AUTH_CACHE_SECONDS), so the creator's membership breaks a foreign key."""
    client, wire, engine = served
    async with AsyncSession(engine, expire_on_commit=False) as session:
        user = AppUser(email="ghost@example.com", name="Ghost", roles=["admin"])
        session.add(user)
        await session.flush()
        ghost = (await sign_in(session, settings, user.id)).access_token
        await session.commit()
    await client.data("{ me { id } }", token=ghost)  # its session checked, and cached
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM app_user WHERE id = :id"), {"id": user.id})
    wire.reset()
    payload = await client.mutate(CREATE, {"code": "ZF"}, token=ghost)
    assert payload["legalEntity"] is None
    assert [error["code"] for error in payload["errors"]] == ["INVALID"]
    await wire.settled()
    assert wire.control[0].startswith("BEGIN")
    assert wire.control[1:] == ["ROLLBACK"]
    assert await _legal_entities(engine, "ZF") == 0
