"""The `expenseReports` connection: filters, keyset cursors, scoping (M1) and a statement
count that does not depend on the number of reports or lines (DataLoaders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from jobs.approval import approve_expenses
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
from tests.support.world import TODAY, World

__all__ = ["deferrals"]

REPORTS = """
query($filter: ExpenseReportFilter, $first: Int, $after: String) {
  expenseReports(filter: $filter, first: $first, after: $after) {
    edges { cursor node { number status } }
    pageInfo { hasNextPage endCursor }
  }
}"""
DEEP = """
{
  expenseReports(first: 50) {
    edges { node {
      number status employee { name } legalEntity { code } totals { currencyCode amount }
      approvals { decision user { name } }
      voucher { number lines(first: 10) { debit credit } }
      lines(first: 10) {
        amount category { code } project { code manager { name } } task { code }
        actuals(first: 10) { actualType amount project { code } }
      }
    } }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


async def _numbers(client: GraphQLClient, setup: Setup, user: str, **filter: Any) -> list[str]:
    data = await client.data(REPORTS, {"filter": filter}, token=setup.world.tokens[user])
    return [edge["node"]["number"] for edge in data["expenseReports"]["edges"]]


async def _number(client: GraphQLClient, setup: Setup, report_id: str) -> str:
    data = await client.data(
        "query($id: ID!) { expenseReport(id: $id) { number } }",
        {"id": report_id},
        token=setup.world.tokens["admin"],
    )
    number: str = data["expenseReport"]["number"]
    return number


async def test_e2_filters_and_awaiting_my_approval(client: GraphQLClient, setup: Setup) -> None:
    draft = await create_report(client, setup)
    await add_line(client, setup, draft, date=(TODAY.replace(day=1)).isoformat())
    fixed = await create_report(client, setup)
    await add_line(client, setup, fixed, projectId=setup.gid("Project", setup.fp_project.id))
    await transition(client, setup, SUBMIT, fixed, "employee")
    own = await create_report(client, setup, user="manager")
    await add_line(client, setup, own, user="manager")
    await transition(client, setup, SUBMIT, own, "manager")
    draft_no, fixed_no, own_no = [await _number(client, setup, r) for r in (draft, fixed, own)]

    assert await _numbers(client, setup, "manager2", awaitingMyApproval=True) == [fixed_no]
    assert await _numbers(client, setup, "manager", awaitingMyApproval=True) == []  # own report
    assert await _numbers(client, setup, "admin", awaitingMyApproval=True) == [fixed_no, own_no]
    assert await _numbers(client, setup, "accountant", status="SUBMITTED") == [fixed_no, own_no]
    project = setup.gid("Project", setup.fp_project.id)
    assert await _numbers(client, setup, "accountant", projectId=project) == [fixed_no]
    employee = setup.gid("User", setup.world.users["manager"].id)
    assert await _numbers(client, setup, "accountant", employeeId=employee) == [own_no]
    assert await _numbers(client, setup, "accountant", legalEntity="DEPM") == []
    first_day = TODAY.replace(day=1).isoformat()
    assert draft_no in await _numbers(client, setup, "accountant", toDate=first_day)
    # An employee sees only their own reports; another legal entity's user sees none.
    assert await _numbers(client, setup, "employee") == [draft_no, fixed_no]
    assert await _numbers(client, setup, "outsider") == []


async def test_e3_date_range_needs_one_line_inside_it(client: GraphQLClient, setup: Setup) -> None:
    """A report with lines before and after a range has no line in it: not a match."""
    report = await create_report(client, setup)
    await add_line(client, setup, report, date=(TODAY - dt.timedelta(days=60)).isoformat())
    await add_line(client, setup, report, date=(TODAY + dt.timedelta(days=60)).isoformat())
    number = await _number(client, setup, report)
    week = {
        "fromDate": (TODAY - dt.timedelta(days=5)).isoformat(),
        "toDate": (TODAY + dt.timedelta(days=5)).isoformat(),
    }
    assert await _numbers(client, setup, "employee", **week) == []
    wide = {"fromDate": week["fromDate"], "toDate": (TODAY + dt.timedelta(days=90)).isoformat()}
    assert await _numbers(client, setup, "employee", **wide) == [number]


async def test_keyset_pages(client: GraphQLClient, setup: Setup) -> None:
    for _ in range(3):
        await create_report(client, setup)
    token = setup.world.tokens["accountant"]
    first = await client.data(REPORTS, {"first": 2}, token=token)
    page = first["expenseReports"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"] is True
    second = await client.data(
        REPORTS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, token=token
    )
    assert len(second["expenseReports"]["edges"]) == 1
    assert second["expenseReports"]["pageInfo"]["hasNextPage"] is False


async def _posted_reports(
    client: GraphQLClient,
    setup: Setup,
    sessions: async_sessionmaker[AsyncSession],
    reports: int,
    lines: int,
) -> None:
    """Posted reports with a task on every line, their actuals made by the job."""
    values = {"taskId": setup.gid("Task", setup.tm_task.id)}
    for _ in range(reports):
        report_id = await approved_report(client, setup, [values] * lines)
        assert (await transition(client, setup, POST, report_id, "accountant"))["errors"] == []
    await approve_expenses(sessions, now=dt.datetime.now(dt.UTC))


@pytest.mark.usefixtures("deferrals")
async def test_statement_count_does_not_depend_on_reports_or_lines(
    client: GraphQLClient,
    setup: Setup,
    statements: StatementCounter,
    connection: AsyncConnection,
) -> None:
    sessions = async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    token = setup.world.tokens["accountant"]
    await _posted_reports(client, setup, sessions, 1, 1)
    statements.reset()
    small = await client.data(DEEP, token=token)
    small_count = statements.count
    await _posted_reports(client, setup, sessions, 4, 3)
    statements.reset()
    large = await client.data(DEEP, token=token)
    assert len(large["expenseReports"]["edges"]) == 5
    node = large["expenseReports"]["edges"][-1]["node"]
    assert len(node["lines"]) == 3 and len(node["lines"][0]["actuals"]) == 2
    assert node["voucher"]["lines"] and node["approvals"]
    assert len(small["expenseReports"]["edges"]) == 1
    assert statements.count == small_count, statements.statements


async def test_newest_first_pages_backwards_without_gaps(
    client: GraphQLClient, setup: Setup
) -> None:
    for _ in range(3):
        await create_report(client, setup)
    query = """query($after: String) {
      expenseReports(sort: NEWEST_FIRST, first: 2, after: $after) {
        edges { node { number } } pageInfo { hasNextPage endCursor } } }"""
    token = setup.world.tokens["employee"]
    first = (await client.data(query, token=token))["expenseReports"]
    rest = (await client.data(query, {"after": first["pageInfo"]["endCursor"]}, token=token))[
        "expenseReports"
    ]
    numbers = [e["node"]["number"] for e in first["edges"] + rest["edges"]]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == 3
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]


async def test_m1_an_employee_cannot_read_a_colleagues_report_by_id(
    client: GraphQLClient, setup: Setup
) -> None:
    own = await create_report(client, setup, user="employee")
    colleague = await create_report(client, setup, user="manager")
    query = "query($id: ID!) { node(id: $id) { id } expenseReport(id: $id) { id } }"
    token = setup.world.tokens["employee"]
    mine = await client.data(query, {"id": own}, token=token)
    theirs = await client.data(query, {"id": colleague}, token=token)
    assert mine == {"node": {"id": own}, "expenseReport": {"id": own}}
    assert theirs == {"node": None, "expenseReport": None}
