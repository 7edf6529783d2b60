"""The compiled reads of a running server: on the app's own asyncpg pool, opened and closed
with the lifespan, reading committed rows (no transaction around the statement)."""

from __future__ import annotations

from sqlalchemy import text
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


async def test_reads_survive_the_database_dropping_every_connection(settings: Settings) -> None:
    """Availability: a read whose pooled connection died is still answered (strawberry
    answers it), and the next one is compiled again on a new connection."""
    with scratch_database(libpq_url(settings)) as url:
        engine = make_engine(settings, url)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                world = await build_world(session, settings)
            app = create_app(settings, engine=engine)
            headers = {"Authorization": f"Bearer {world.tokens['accountant']}"}
            sent = {"query": REPORTS}
            async with app.router.lifespan_context(app), GraphQLClient.for_app(app) as client:
                first = await client.http.post("/graphql", json=sent, headers=headers)
                async with engine.connect() as conn:
                    await conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                        )
                    )
                after_outage = await client.http.post("/graphql", json=sent, headers=headers)
                again = await client.http.post("/graphql", json=sent, headers=headers)
        finally:
            await engine.dispose()
    assert first.headers.get("x-read-path") == "compiled"
    assert after_outage.json() == first.json() == again.json()
    assert again.headers.get("x-read-path") == "compiled"
