"""Metrics a benchmark and an operator read: SQL statements per request, and the garbage
collector of a server process (tuned once, its pauses timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from config import PROJECT_ROOT, Settings
from db.models.master_data import AppUser
from db.session import make_engine, make_session_factory
from observability import GC_THRESHOLDS
from resolvers.sessions import sign_in
from tests.support.client import GraphQLClient
from tests.support.counter import WireLog
from tests.test_app import metric


@pytest.fixture
async def app_engine(database_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(settings, database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def token(engine: AsyncEngine, settings: Settings) -> AsyncIterator[str]:
    """An access token of a committed user's session (on another engine than the app's)."""
    sessions = make_session_factory(engine)
    async with sessions.begin() as session:
        user = AppUser(email="observed@example.com", name="Observed", roles=["admin"])
        session.add(user)
        await session.flush()
        issued = await sign_in(session, settings, user.id)
    yield issued.access_token
    async with sessions.begin() as session:
        await session.execute(delete(AppUser).where(AppUser.id == user.id))


async def test_every_statement_the_app_executes_is_counted(
    app_engine: AsyncEngine, settings: Settings, token: str
) -> None:
    query = {"query": "{ currencies { code } legalEntities(first: 5) { nodes { code } } }"}
    auth = {"Authorization": f"Bearer {token}"}
    wire = WireLog(app_engine)
    with wire.installed():
        async with GraphQLClient.for_app(create_app(settings, engine=app_engine)) as client:
            before = await metric(client, "projops_sql_statements_total")
            response = await client.http.get("/graphql", params=query, headers=auth)
            assert not response.json().get("errors")
            # A second app on the same engine must not count its statements twice.
            create_app(settings, engine=app_engine)
            await client.http.get("/graphql", params=query, headers=auth)
            after = await metric(client, "projops_sql_statements_total")
    # Two statements a request, and the token's session checked once (resolvers/access.py).
    assert len(wire.data) == 5
    assert after - before == len(wire.data)


def test_tune_gc_freezes_start_up_and_times_every_pause() -> None:
    """In a process of its own: freezing is for good, and the thresholds are process-wide."""
    probe = """
import gc, json
from prometheus_client import REGISTRY
import observability
observability.tune_gc()
tracked_after_freeze = len(gc.get_objects())
gc.collect()
pauses = REGISTRY.get_sample_value("projops_gc_pause_seconds_count", {"generation": "2"})
print(json.dumps([gc.get_threshold(), gc.get_freeze_count(), tracked_after_freeze, pauses]))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    threshold, frozen, tracked, pauses = json.loads(result.stdout)
    assert tuple(threshold) == GC_THRESHOLDS
    # The imports' objects are out of the collector's sight; next to nothing is left in it.
    assert frozen > 20_000
    assert tracked < 100
    assert pauses == 1.0
