"""The HTTP surface besides GraphQL itself: health, readiness, metrics and GraphiQL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from app import create_app
from config import PROJECT_ROOT, Settings
from db.migrate import head_revision
from db.session import make_engine
from db.urls import libpq_url
from tests.support.client import GraphQLClient
from tests.support.scratch_db import scratch_database
from tests.support.world import World

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1


@asynccontextmanager
async def app_on(settings: Settings, url: str) -> AsyncIterator[GraphQLClient]:
    """The app on its own engine (another database than the tests' one)."""
    engine = make_engine(settings, url)
    try:
        async with GraphQLClient.for_app(create_app(settings, engine=engine)) as client:
            yield client
    finally:
        await engine.dispose()


async def metric(client: GraphQLClient, name: str, **labels: str) -> float:
    """The current value of one sample from /metrics (0 when it has not been recorded yet)."""
    response = await client.http.get("/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


async def test_healthz_answers_without_database(settings: Settings) -> None:
    async with app_on(settings, UNREACHABLE) as client:
        response = await client.http.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_ready_when_every_part_is(settings: Settings, database_url: str) -> None:
    """The database, its migrations and the event listener (this app runs no job worker)."""
    api = create_app(settings.model_copy(update={"database_url": database_url}))
    async with api.router.lifespan_context(api), GraphQLClient.for_app(api) as client:
        response = await client.http.get("/readyz")
    assert response.status_code == 200
    head = head_revision()
    assert response.json() == {
        "status": "ready",
        "checks": {
            "database": {"state": "up"},
            "migrations": {"state": "current", "revision": head, "head": head},
            "listener": {"state": "listening", "reconnects": 0},
        },
    }


async def test_readyz_503_when_database_is_behind_head(settings: Settings) -> None:
    with scratch_database(libpq_url(settings), revision="0002") as url:
        async with app_on(settings, url) as client:
            response = await client.http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"] == {
        "state": "pending",
        "revision": "0002",
        "head": head_revision(),
    }


async def test_readyz_503_when_database_is_unreachable(settings: Settings) -> None:
    async with app_on(settings, UNREACHABLE) as client:
        response = await client.http.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["state"] == "down"
    assert body["checks"]["database"]["error"]  # the reason, for whoever reads the probe


async def test_metrics_count_operations_by_name(client: GraphQLClient, world: World) -> None:
    """By the name of a persisted query's operation (a bounded set of labels: see
    tests/test_observability.py for the names that are not)."""
    labels = {"operation": "AppMetricsProbe", "operation_type": "query"}
    document = "query AppMetricsProbe { legalEntities { nodes { code } } }"
    digest = hashlib.sha256(document.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    before = await metric(client, "graphql_requests_total", **labels)
    auth = {"Authorization": f"Bearer {world.tokens['admin']}"}
    await client.http.post(
        "/graphql", json={"query": document, "extensions": persisted}, headers=auth
    )
    await client.http.post("/graphql", json={"extensions": persisted}, headers=auth)
    await client.data(document, token=world.tokens["admin"])
    assert await metric(client, "graphql_requests_total", **labels) == before + 3


async def test_metrics_count_errors_by_code(client: GraphQLClient, world: World) -> None:
    unauthenticated = await metric(client, "graphql_errors_total", code="UNAUTHENTICATED")
    bad_input = await metric(client, "graphql_errors_total", code="BAD_USER_INPUT")
    await client.execute("{ me { id } }")
    await client.execute(
        "{ legalEntities(first: 0) { nodes { code } } }", token=world.tokens["admin"]
    )
    assert await metric(client, "graphql_errors_total", code="UNAUTHENTICATED") == (
        unauthenticated + 1
    )
    assert await metric(client, "graphql_errors_total", code="BAD_USER_INPUT") == bad_input + 1


async def test_metrics_expose_pool_gauges(client: GraphQLClient, engine: AsyncEngine) -> None:
    assert await metric(client, "db_pool_size") == engine.pool.size()  # type: ignore[attr-defined]
    assert await metric(client, "db_pool_checked_out") >= 0


async def test_graphiql_only_in_development(client: GraphQLClient, settings: Settings) -> None:
    html = {"Accept": "text/html"}
    response = await client.http.get("/graphql", headers=html)
    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()

    development = settings.model_copy(update={"env": "development"})
    async with app_on(development, UNREACHABLE) as dev_client:
        response = await dev_client.http.get("/graphql", headers=html)
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_metrics_sum_every_api_process(database_url: str, tmp_path: Path) -> None:
    """With several API processes (`cli.py run` sets PROMETHEUS_MULTIPROC_DIR), /metrics
    answered by any one of them counts what all of them did."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DATABASE_URL": database_url}
    count = "from observability import REQUESTS; REQUESTS.labels('Probe', 'query').inc(2)"
    scrape = """
from starlette.testclient import TestClient
from app import create_app
from config import Settings
print(TestClient(create_app(Settings(env="test", run_worker=False))).get("/metrics").text)
"""
    for code in (count, count):  # two processes that served requests, then one that scrapes
        subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True)
    text = subprocess.run(
        [sys.executable, "-c", scrape], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True
    ).stdout.decode()
    samples = {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.labels.get("operation") == "Probe"
    }
    assert samples == {"graphql_requests_total": 4.0}
