"""The demo data committed, an API client on the real engine and the journal's documents:
what the end-to-end tests share (import the fixtures into the test module)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from config import Settings
from demo import demo_tokens, load_demo
from tests.support.client import GraphQLClient
from tests.support.jobs import Sessions
from tests.support.world import truncate_domain

IMPORT = """mutation { importFromStaging(legalEntity: "USPM") { jobRun { id } errors { code } } }"""
JOURNALS = """{ journals(legalEntity: "USPM", status: DRAFT) { nodes { id lineCount } } }"""
POST_JOURNAL = """mutation($id: ID!) { postJournal(input: {id: $id}) {
  postedLines failedLines journal { status } errors { code message } } }"""


@pytest.fixture
async def demo(
    committed: Sessions, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[dict[str, str]]:
    """The demo loaded and committed; the tokens by user name (`accountant`, `manager`, ...)."""
    async with committed() as session:
        await load_demo(session)
        await session.commit()
        tokens = {
            token.email.split("@")[0]: token.token for token in await demo_tokens(session, settings)
        }
    yield tokens
    await truncate_domain(engine)


@pytest.fixture
async def api(engine: AsyncEngine, settings: Settings) -> AsyncIterator[GraphQLClient]:
    from app import create_app

    async with GraphQLClient.for_app(create_app(settings, engine=engine)) as client:
        yield client


async def ok(
    client: GraphQLClient, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    """The payload of a mutation that must succeed."""
    payload = await client.mutate(query, variables, token=token)
    assert payload["errors"] == [], payload
    return payload
