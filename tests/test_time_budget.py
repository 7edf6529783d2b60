"""Issue 12, point 1: a request's time budget (REQUEST_TIMEOUT_SECONDS). The database stops
any statement of the API's connections at the budget (statement_timeout, set when a connection
opens) and a query's execution stops at it as a whole; either way the answer is the typed
error TIMEOUT, never a 500, and a mutation out of time writes nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

import domain.master_data
import resolvers.master_data
from app import create_app
from compiler.plan import Plan, Planner, Request
from config import Settings
from db.models.master_data import LegalEntity
from db.session import make_engine
from db.statement_budget import is_statement_timeout, limit_statements
from db.urls import libpq_url
from tests.support.client import GraphQLClient
from tests.support.scratch_db import scratch_database
from tests.support.world import World, build_world

BUDGET = 0.3
CURRENCIES = "{ currencies { code } }"
CREATE = """mutation { createLegalEntity(input: {code: "SLOW", name: "Slow", currencyCode: "USD"})
  { legalEntity { code } errors { code } } }"""


@dataclass
class Live:
    client: GraphQLClient
    engine: AsyncEngine
    world: World

    async def ask(self, query: str, user: str = "admin") -> tuple[dict[str, Any], float, Any]:
        headers = {"Authorization": f"Bearer {self.world.tokens[user]}"}
        started = time.perf_counter()
        response = await self.client.http.post("/graphql", json={"query": query}, headers=headers)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text
        return response.json(), elapsed, response.headers.get("x-read-path")


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[Live]:
    """The app as it runs (its engine, read pool and lifespan) with a budget of 0.3 s."""
    tight = settings.model_copy(update={"request_timeout_seconds": BUDGET})
    with scratch_database(libpq_url(settings)) as url:
        engine = make_engine(tight, url)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                world = await build_world(session, tight)
            await engine.dispose()  # the app's connections open with the budget
            app = create_app(tight, engine=engine)
            async with app.router.lifespan_context(app), GraphQLClient.for_app(app) as client:
                yield Live(client, engine, world)
        finally:
            await engine.dispose()


def _timed_out(body: dict[str, Any]) -> bool:
    return [error["extensions"]["code"] for error in body["errors"]] == ["TIMEOUT"]


async def test_a_statement_past_the_budget_is_stopped_by_the_database(settings: Settings) -> None:
    with scratch_database(libpq_url(settings), revision=None) as url:
        engine = make_engine(settings, url)
        limit_statements(engine, BUDGET)
        try:
            async with engine.connect() as conn:
                started = time.perf_counter()
                with pytest.raises(Exception) as raised:
                    await conn.execute(text("SELECT pg_sleep(5)"))
                assert time.perf_counter() - started < 2
                assert is_statement_timeout(raised.value)
        finally:
            await engine.dispose()


async def test_a_query_past_the_budget_answers_timeout(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strawberry's path: the execution stops at the budget (a resolver still waiting)."""

    async def waiting(context: Any) -> list[Any]:
        await asyncio.sleep(5)
        return []

    monkeypatch.setattr(resolvers.master_data, "currencies", waiting)
    monkeypatch.setattr(Planner, "plan", lambda *args: None)  # strawberry answers it
    body, elapsed, _ = await live.ask(CURRENCIES)
    assert _timed_out(body) and body["data"] is None, body
    assert elapsed < BUDGET + 1


async def test_a_mutation_whose_statement_runs_past_the_budget_writes_nothing(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = domain.master_data.create_legal_entity

    async def slow(session: AsyncSession, actor: Any, data: Any) -> Any:
        entity = await created(session, actor, data)  # written, then a statement too long
        await session.execute(text("SELECT pg_sleep(5)"))
        return entity

    monkeypatch.setattr(domain.master_data, "create_legal_entity", slow)
    body, elapsed, _ = await live.ask(CREATE)
    assert _timed_out(body), body
    assert elapsed < BUDGET + 1
    async with AsyncSession(live.engine) as session:
        count = select(func.count()).where(LegalEntity.code == "SLOW")
        assert await session.scalar(count) == 0


async def test_a_compiled_statement_past_the_budget_answers_timeout(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled path answers TIMEOUT itself: strawberry would run out of time again."""
    sleeping = Plan("SELECT convert_to(pg_sleep(5)::text, 'UTF8')", ())

    def plan(self: Planner, *args: Any) -> Request:
        return Request(sleeping, [], "Slow")

    monkeypatch.setattr(Planner, "plan", plan)
    body, elapsed, path = await live.ask(CURRENCIES)
    assert path == "compiled" and _timed_out(body) and body["data"] is None, body
    assert elapsed < BUDGET + 1
