"""The two read paths side by side: the app with compiled reads (the `client` fixture) and the
same app with every read through strawberry (`reference`), asked the same request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import create_app
from config import Settings
from tests.conftest import _session_on
from tests.support.client import GraphQLClient


@pytest.fixture
async def reference(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[GraphQLClient]:
    """The same app with every read through strawberry."""
    app = create_app(
        settings, engine=engine, sessions=lambda: _session_on(connection), compiled_reads=False
    )
    async with GraphQLClient.for_app(app) as gql:
        yield gql


async def both(
    client: GraphQLClient,
    reference: GraphQLClient,
    query: str,
    variables: dict[str, Any],
    token: str,
) -> tuple[dict[str, Any], str | None]:
    """The compiled app's answer, asserted to be the reference's, and its `x-read-path`."""
    sent = {"query": query, "variables": variables}
    headers = {"Authorization": f"Bearer {token}"}
    compiled = await client.http.post("/graphql", json=sent, headers=headers)
    expected = await reference.http.post("/graphql", json=sent, headers=headers)
    assert compiled.json() == expected.json()
    return compiled.json(), compiled.headers.get("x-read-path")
