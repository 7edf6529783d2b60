"""The compiled read path answers with one SQL statement, the same JSON as the reference path
(strawberry's execution), and hands anything it cannot plan to that path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app import create_app
from config import Settings
from tests.conftest import _session_on
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.expenses import (
    SUBMIT,
    Setup,
    add_line,
    approved_report,
    create_report,
    expense_setup,
    transition,
)
from tests.support.world import World

DEEP = """
query Deep($first: Int!) {
  __typename
  reports: expenseReports(first: $first) {
    __typename
    edges { cursor node {
      id __typename number status currencyCode createdAt submittedAt postedAt accountingDate
      employee { id name email roles } legalEntity { code name currencyCode }
      totals { currencyCode amount }
      approvals { decision reason decidedAt lineNumber user { name } }
      lines {
        id lineNumber date quantity unitPrice amount salesTax nonRecoverableTax total
        currencyCode merchant chargeable approvalStatus
        category { id code defaultAccountId sharedCategory { transactionClass expenseType
          transactionCategory { code sharedCategories { transactionClass } } } }
        project { code billingType manager { name } tasks { code } legalEntity { code } }
        task { code project { code } }
      }
    } }
    nodes { number }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


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


async def _both(
    client: GraphQLClient,
    reference: GraphQLClient,
    query: str,
    variables: dict[str, Any],
    token: str,
) -> tuple[dict[str, Any], str | None]:
    sent = {"query": query, "variables": variables}
    headers = {"Authorization": f"Bearer {token}"}
    compiled = await client.http.post("/graphql", json=sent, headers=headers)
    expected = await reference.http.post("/graphql", json=sent, headers=headers)
    assert compiled.json() == expected.json()
    return compiled.json(), compiled.headers.get("x-read-path")


async def _reports(client: GraphQLClient, setup: Setup, count: int) -> None:
    for index in range(count):
        report = await create_report(client, setup)
        for amount in ("10.01", "120.50", "7"):
            await add_line(client, setup, report, amount=amount, salesTax=str(index))
        await transition(client, setup, SUBMIT, report, "employee")


async def test_deep_report_list_is_one_statement_and_the_reference_answer(
    client: GraphQLClient, reference: GraphQLClient, setup: Setup, statements: StatementCounter
) -> None:
    await approved_report(client, setup, [{"amount": "12.34"}, {"amount": "1.10"}])
    await _reports(client, setup, 3)
    for user in ("employee", "manager", "accountant", "admin"):
        token = setup.world.tokens[user]
        statements.reset()
        body, path = await _both(client, reference, DEEP, {"first": 2}, token)
        assert path == "compiled", body
        assert body["data"]["reports"]["edges"], body
