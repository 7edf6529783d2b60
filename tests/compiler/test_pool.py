"""The compiled reads of a running server: on the app's own asyncpg pool, opened and closed
with the lifespan, reading committed rows (no transaction around the statement)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app import create_app
from config import Settings
from db.session import make_engine
from db.urls import libpq_url
from tests.support.client import GraphQLClient
from tests.support.scratch_db import scratch_database
from tests.support.world import build_world

CREATE = """mutation { createExpenseReport(input: {legalEntity: "USPM", currencyCode: "USD"}) {
  expenseReport { id } errors { code } } }"""
REPORTS = """
query Reports { expenseReports(first: 5) { pageInfo { hasNextPage } nodes { id } } }"""


async def test_a_live_server_answers_planned_reads_from_its_pool(settings: Settings) -> None:
    with scratch_database(libpq_url(settings)) as url:
        engine = make_engine(settings, url)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                world = await build_world(session, settings)
            app = create_app(settings, engine=engine)
            async with app.router.lifespan_context(app), GraphQLClient.for_app(app) as client:
                created = await client.mutate(CREATE, token=world.tokens["employee"])
                headers = {"Authorization": f"Bearer {world.tokens['accountant']}"}
                response = await client.http.post(
                    "/graphql", json={"query": REPORTS}, headers=headers
                )
        finally:
            await engine.dispose()
    assert response.headers.get("x-read-path") == "compiled"
    assert response.json() == {
        "data": {
            "expenseReports": {
                "pageInfo": {"hasNextPage": False},
                "nodes": [{"id": created["expenseReport"]["id"]}],
            }
        }
    }
