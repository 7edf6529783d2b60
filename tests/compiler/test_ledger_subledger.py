"""J5, A1, M1: the project subledger (every field of `projectTransactions`, its filters,
`Project.totals` with its arguments) and the journal line posting preview read the same on
both paths for every role; the compiled path answers in one statement without falling back,
the reference path in a number of statements that does not grow with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.expenses import deferrals
from tests.support.read_paths import both, reference
from tests.support.subledger import Flow, flow, in_depm, two_months
from tests.support.world import TODAY, World
from tests.test_app import metric

__all__ = ["deferrals", "reference"]

pytestmark = pytest.mark.usefixtures("deferrals")

DEEP = """
fragment Tx on ProjectTransaction { id __typename transactionType accountingDate quantity
  amount currencyCode amountAccounting status
  actual { id actualType amount adjustmentStatus reverses { id } journalLine { id } }
  voucher { id number lines { debit credit } }
  journalLine { id status lineProperty amountAccounting projectCategory { code }
    debitAccount { id number name } creditAccount { number legalEntity { code } } }
  project { code totals { periodStart cost unbilledSales }
    yearly: totals(period: YEAR) { periodStart cost }
    all: totals(period: ALL, fromDate: $from, toDate: $to) { __typename cost unbilledSales } } }
query Deep($first: Int!, $filter: ProjectTransactionFilter, $from: Date, $to: Date) {
  projectTransactions(first: $first, filter: $filter) {
    edges { cursor node { ...Tx } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
  journals(first: 50) { nodes { number lines { id lineProperty amountAccounting
    debitAccount { id } creditAccount { id } projectCategory { id } } } }
}"""
TRANSACTIONS = """query { projectTransactions(first: 100) { nodes { id status
  actual { id } voucher { id } journalLine { id } project { code
    totals(period: MONTH) { cost } } } } }"""
PREVIEWS = """query { journals(first: 100) { nodes { lines { id lineProperty amountAccounting
  debitAccount { id name } creditAccount { id name } projectCategory { code } } } } }"""


@pytest.fixture
async def made(
    client: GraphQLClient, session: AsyncSession, connection: AsyncConnection, world: World
) -> Flow:
    return await flow(client, session, connection, world)


async def test_j5_a1_m1_every_field_reads_the_same_on_both_paths_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, made: Flow
) -> None:
    await two_months(made)
    de_project = await in_depm(made)
    await made.report([{"amount": "7.77"}])
    await made.import_pending()  # a Draft journal: lines previewed, not posted yet
    month = str(TODAY.replace(day=1))
    filters: list[dict[str, Any]] = [
        {},
        {"status": "REVERSED"},
        {"status": "POSTED", "legalEntity": "uspm", "transactionType": "UNBILLED_SALES"},
        {"projectId": encode_id("Project", de_project), "fromDate": month, "toDate": month},
    ]
    for user, token in made.setup.world.tokens.items():
        for given in filters:
            variables = {"first": 4, "filter": given, "from": month, "to": None}
            body, path = await both(client, reference, DEEP, variables, token)
            assert path == "compiled" and "errors" not in body, (user, body)
    accountant = made.setup.world.tokens["accountant"]
    variables = {"first": 10, "filter": {}, "from": month, "to": str(TODAY)}
    body, _ = await both(client, reference, DEEP, variables, accountant)
    nodes = [edge["node"] for edge in body["data"]["projectTransactions"]["edges"]]
    assert [node["status"] for node in nodes] == ["POSTED"] * 4 + ["REVERSED", "REVERSAL", "POSTED"]
    assert nodes[0]["project"]["all"] == [
        {"__typename": "ProjectTotals", "cost": "40.00", "unbilledSales": "50.00"}
    ]
    drafts = [line for j in body["data"]["journals"]["nodes"] for line in j["lines"]]
    assert {line["amountAccounting"] for line in drafts} >= {"7.77", "9.71"}  # 7.77 x 1.25


async def _count(gql: GraphQLClient, statements: StatementCounter, query: str, token: str) -> int:
    statements.reset()
    body = await gql.execute(query, token=token)
    assert "errors" not in body, body
    return statements.count


async def _constant(
    client: GraphQLClient,
    reference: GraphQLClient,
    statements: StatementCounter,
    query: str,
    token: str,
    more: Any,
) -> None:
    """The reference path's statements before and after `more()` adds rows are as many; the
    compiled path answers in one, without a fallback."""
    small = await _count(reference, statements, query, token)
    await more()
    large = await _count(reference, statements, query, token)
    assert large == small, statements.statements
    before = {reason: await metric(client, "projops_read_fallbacks_total", reason=reason)
              for reason in ("unplanned", "refused", "failed")}  # fmt: skip
    assert await _count(client, statements, query, token) == 1, statements.statements
    for reason, count in before.items():
        assert await metric(client, "projops_read_fallbacks_total", reason=reason) == count


async def test_project_transactions_cost_the_same_statements_whatever_the_rows(
    client: GraphQLClient, reference: GraphQLClient, made: Flow, statements: StatementCounter
) -> None:
    await made.report([{"amount": "15.00"}])
    await made.post(await made.import_pending())  # one cost and its unbilled sales

    async def more() -> None:
        await two_months(made)
        await in_depm(made)

    await _constant(client, reference, statements, TRANSACTIONS, made.token, more)
    data = await client.data(TRANSACTIONS, token=made.token)
    assert len(data["projectTransactions"]["nodes"]) == 9


async def test_journal_line_previews_cost_the_same_statements_whatever_the_lines(
    client: GraphQLClient, reference: GraphQLClient, made: Flow, statements: StatementCounter
) -> None:
    fp = made.setup.gid("Project", made.setup.fp_project.id)
    await made.report([{"amount": "15.00", "projectId": fp}])
    await made.import_pending()  # one line

    async def more() -> None:
        await made.report([{"amount": "1.00"}, {"amount": "2.00", "currencyCode": "EUR"}])
        await made.import_pending()

    await _constant(client, reference, statements, PREVIEWS, made.token, more)
    data = await client.data(PREVIEWS, token=made.token)
    assert sum(len(journal["lines"]) for journal in data["journals"]["nodes"]) == 5
