"""The compiled read path answers with one SQL statement, the same JSON as the reference path
(strawberry's execution), and hands anything it cannot plan to that path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from jobs.approval import approve_expenses
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.expenses import (
    POST,
    SUBMIT,
    Setup,
    add_line,
    approved_report,
    create_report,
    deferrals,
    expense_setup,
    transition,
)
from tests.support.read_paths import both as _both
from tests.support.read_paths import reference
from tests.support.world import World

__all__ = ["deferrals", "reference"]

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
        category { id code defaultAccount { number } sharedCategory { transactionClass expenseType
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


REPORT_LIST = """
query List($first: Int!) { expenseReports(first: $first) {
  nodes { number lines { amount category { code } project { code } } } } }"""


async def _compiled_statements(
    client: GraphQLClient, statements: StatementCounter, query: str, token: str
) -> list[str]:
    statements.reset()
    response = await client.http.post(
        "/graphql",
        json={"query": query, "variables": {"first": 50}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.headers.get("x-read-path") == "compiled", response.json()
    return list(statements.statements)


async def test_one_statement_whatever_the_number_of_reports_and_lines(
    client: GraphQLClient, setup: Setup, statements: StatementCounter
) -> None:
    token = setup.world.tokens["accountant"]
    await _reports(client, setup, 1)
    small = await _compiled_statements(client, statements, REPORT_LIST, token)
    await _reports(client, setup, 6)
    large = await _compiled_statements(client, statements, REPORT_LIST, token)
    assert len(small) == len(large) == 1, large


async def test_what_cannot_be_planned_goes_to_the_reference_path(
    client: GraphQLClient, setup: Setup
) -> None:
    token = {"Authorization": f"Bearer {setup.world.tokens['employee']}"}
    unplanned = {
        "query { __schema { queryType { name } } }": None,  # introspection: no SQL
        "query { expenseReports(first: 0) { nodes { number } } }": "BAD_USER_INPUT",
        "query { expenseReports { nodes { number @include(if: true) } } }": None,
        'mutation { refreshToken(input: {refreshToken: "x"}) { errors { code } } }': None,
    }
    for query, code in unplanned.items():
        response = await client.http.post("/graphql", json={"query": query}, headers=token)
        assert response.headers.get("x-read-path") is None, query
        errors = response.json().get("errors") or [{}]
        assert errors[0].get("extensions", {}).get("code") == code, response.json()
    sent = {"query": REPORT_LIST, "variables": {"first": 5}}
    anonymous = await client.http.post("/graphql", json=sent)
    assert anonymous.headers.get("x-read-path") is None
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


ACTUALS = """
query Actuals($pending: Boolean) {
  reports: expenseReports(first: 10, sort: NEWEST_FIRST) { nodes {
    number voucher { number accountingDate sourceType postedAt lines(first: 10) {
      account { id } debit credit currencyCode amountCurrency exchangeRate description } }
    lines(first: 10) { actuals(first: 10) { id actualType transactionClass sourceType amount
      unitAmount quantity adjustmentStatus pricingWarning transactionDate createdAt
      project { code } task { code } reverses { id } journalLine { id }
      expenseLine { lineNumber } expenseReport { number } } }
  } }
  pending: actuals(filter: {pendingImport: $pending}, first: 3) {
    edges { cursor node { actualType amount currencyCode } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  costs: actuals(filter: {actualType: COST}) { nodes { amount } }
  runs: jobRuns(status: QUEUED) { nodes { id taskName status progress { __typename done total }
    attempt error createdAt startedAt finishedAt log { level message entity { id } } } }
}"""


@pytest.mark.usefixtures("deferrals")
async def test_e5_k1_actuals_vouchers_and_job_runs_read_the_same_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, setup: Setup, connection: AsyncConnection
) -> None:
    sessions = async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    task = setup.gid("Task", setup.tm_task.id)
    for amounts in (["10.01", "33.30"], ["5.55"]):
        report = await approved_report(
            client, setup, [{"amount": a, "taskId": task} for a in amounts]
        )
        assert (await transition(client, setup, POST, report, "accountant"))["errors"] == []
    await approve_expenses(sessions, now=dt.datetime.now(dt.UTC))
    for user in ("employee", "manager", "accountant", "admin", "outsider"):
        for pending in (True, False, None):
            body, path = await _both(
                client, reference, ACTUALS, {"pending": pending}, setup.world.tokens[user]
            )
            assert path == "compiled", body
    accountant = setup.world.tokens["accountant"]
    body, _ = await _both(client, reference, ACTUALS, {"pending": True}, accountant)
    assert body["data"]["runs"]["nodes"], body  # the approval runs the postings queued (K1)
    actuals = body["data"]["reports"]["nodes"][0]["lines"][0]["actuals"]
    assert [actual["actualType"] for actual in actuals] == ["COST", "UNBILLED_SALES"]
    assert body["data"]["pending"]["pageInfo"]["hasNextPage"] is True


MASTER_DATA = """
query Master($project: ID!, $code: String, $billing: BillingType) {
  legalEntities(first: 5, code: $code) {
    nodes { id code name currencyCode } pageInfo { endCursor } }
  all: legalEntities { edges { cursor node { code } } }
  projects(billingType: $billing) { nodes { id code name billingType currencyCode
    legalEntity { code } manager { email roles } tasks { id code name project { code } } } }
  usd: projects(legalEntity: "uspm", first: 1) { pageInfo { hasNextPage } nodes { code } }
  project(id: $project) { code tasks { code } }
}"""


async def test_m1_master_data_reads_the_same_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, setup: Setup
) -> None:
    project = setup.gid("Project", setup.tm_project.id)
    cases: list[dict[str, Any]] = [
        {"project": project},
        {"project": project, "code": "depm", "billing": "FIXED_PRICE"},
        {"project": project, "code": "", "billing": "TIME_AND_MATERIAL"},
    ]
    for user in ("employee", "manager", "accountant", "admin", "outsider"):
        for variables in cases:
            body, path = await _both(
                client, reference, MASTER_DATA, variables, setup.world.tokens[user]
            )
            assert path == "compiled", body
    admin = setup.world.tokens["admin"]
    body, _ = await _both(client, reference, MASTER_DATA, cases[0], admin)
    assert body["data"]["project"]["tasks"], body


async def test_m1_the_first_authorization_header_is_the_caller_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, setup: Setup
) -> None:
    """A request with two tokens (a proxy that adds its own, say) is the first token's caller
    whether its query is planned or not: never another caller's legal entities."""
    employee, admin = setup.world.tokens["employee"], setup.world.tokens["admin"]
    headers = [("Authorization", f"Bearer {employee}"), ("Authorization", f"Bearer {admin}")]
    me = "{ me { id roles legalEntities { code } } }"
    bodies = []
    for app in (client, reference):
        for query in (me, me.replace("roles", "roles @include(if: true)")):
            response = await app.http.post("/graphql", json={"query": query}, headers=headers)
            bodies.append(response.json())
    employee_id = encode_id("User", setup.world.users["employee"].id)
    assert all(body["data"]["me"]["id"] == employee_id for body in bodies), bodies
