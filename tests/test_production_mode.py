"""ENV=production: introspection and GraphiQL off unless their settings turn them on, on both
read paths; `cli.py run` there migrates but loads no demo data and prints no token."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

import cli
from app import create_app
from config import Settings
from db.migrate import is_at_head
from db.models.master_data import AppUser
from db.urls import libpq_url
from schema.introspection import INTROSPECTION_DISABLED
from tests.conftest import _session_on
from tests.support.client import GraphQLClient
from tests.support.scratch_db import scratch_database
from tests.support.world import World

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Journal") { name } }'
# A planned root field next to an introspection field: the compiled path must not answer it.
MIXED = "{ legalEntities { nodes { code } } __schema { queryType { name } } }"
PLANNED = "{ legalEntities { nodes { code } } }"


@asynccontextmanager
async def serving(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings, **update: Any
) -> AsyncIterator[GraphQLClient]:
    """The app with `settings` changed by `update`, in the test's transaction, compiled
    reads on (the JWT secret stays the tests', so the world's tokens are valid)."""
    chosen = settings.model_copy(update=update)
    app = create_app(chosen, engine=engine, sessions=lambda: _session_on(connection))
    async with GraphQLClient.for_app(app) as client:
        yield client


async def _post(
    client: GraphQLClient, query: str, token: str | None
) -> tuple[dict[str, Any], str | None]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    return response.json(), response.headers.get("x-read-path")


async def test_production_refuses_introspection_on_both_paths(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings, world: World
) -> None:
    token = world.tokens["admin"]
    async with serving(connection, engine, settings, env="production") as client:
        for query, field in ((SCHEMA, "__schema"), (TYPE, "__type"), (MIXED, "__schema")):
            for sent in (token, None):
                body, path = await _post(client, query, sent)
                assert body["data"] is None
                (error,) = body["errors"]
                assert error["extensions"] == {"code": INTROSPECTION_DISABLED}
                assert f"'{field}'" in error["message"] and "INTROSPECTION" in error["message"]
                assert path is None  # strawberry refused it: the compiled path planned nothing
        # The compiled path still answers what it plans; __typename is no introspection.
        planned, path = await _post(client, PLANNED, token)
        assert "errors" not in planned and path == "compiled"
        typename, _ = await _post(client, "{ __typename }", token)
        assert typename == {"data": {"__typename": "Query"}}
        asked = await client.http.post(
            "/graphql",
            json={"query": SCHEMA},
            headers={"Accept": "application/graphql-response+json"},
        )
        assert asked.status_code == 400 and "data" not in asked.json()  # a request error


async def test_introspection_is_on_outside_production_or_when_set(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings, world: World
) -> None:
    expected = {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    on: list[dict[str, Any]] = [
        {"env": "test"},
        {"env": "production", "introspection": True},
        {"env": "production", "graphiql": True},  # GraphiQL needs it
    ]
    for update in on:
        async with serving(connection, engine, settings, **update) as client:
            assert (await _post(client, SCHEMA, world.tokens["admin"]))[0] == expected
    async with serving(connection, engine, settings, env="test", introspection=False) as client:
        body, _ = await _post(client, SCHEMA, world.tokens["admin"])
        assert body["errors"][0]["extensions"]["code"] == INTROSPECTION_DISABLED


async def test_graphiql_only_where_its_setting_or_development_turns_it_on(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings
) -> None:
    browser = {"Accept": "text/html"}
    cases: list[tuple[dict[str, Any], int]] = [
        ({"env": "production"}, 404),
        ({"env": "production", "graphiql": True}, 200),
        ({"env": "development"}, 200),
        ({"env": "development", "graphiql": False}, 404),
    ]
    for update, status in cases:
        async with serving(connection, engine, settings, **update) as client:
            response = await client.http.get("/graphql", headers=browser)
        assert response.status_code == status, update
        assert ("graphiql" in response.text.lower()) is (status == 200)


def test_run_in_production_migrates_but_loads_no_demo_and_prints_no_token(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with scratch_database(libpq_url(settings), revision=None) as url:
        production = Settings(
            env="production", database_url=url, jwt_secret="p" * 40, run_worker=False
        )
        cli.prepare(production)
        assert is_at_head(url)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as conn:
                users = conn.execute(select(func.count()).select_from(AppUser)).scalar_one()
        finally:
            engine.dispose()
    assert users == 0
    printed = capsys.readouterr().out
    assert "access:" not in printed and "refresh:" not in printed and "eyJ" not in printed
    assert [json.loads(line) for line in printed.splitlines()] == [
        {
            "event": "api_serving",
            "address": "http://127.0.0.1:8000/graphql",
            "demo_data": False,
            "introspection": False,
            "graphiql": False,
        }
    ]
