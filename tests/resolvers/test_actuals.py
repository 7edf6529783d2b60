"""The `actuals` connection (A2 pending import, filters, source document) and reversal (A1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from db.models.actuals import Actual
from db.models.audit import AuditRecord
from jobs.approval import approve_expenses
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import (
    POST,
    Setup,
    approved_report,
    deferrals,
    expense_setup,
    transition,
)
from tests.support.world import World

__all__ = ["deferrals"]

pytestmark = pytest.mark.usefixtures("deferrals")

ACTUALS = """
query($filter: ActualFilter) {
  actuals(filter: $filter) {
    edges { node {
      id actualType transactionClass sourceType amount quantity adjustmentStatus
      project { code } expenseReport { number } expenseLine { lineNumber } journalLine { id }
    } }
  }
}"""
REVERSE = """
mutation($id: ID!) {
  reverseActual(input: {id: $id}) {
    actual { actualType quantity amount adjustmentStatus reverses { id adjustmentStatus } }
    errors { code field message }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World, client: GraphQLClient,
                connection: AsyncConnection) -> Setup:  # fmt: skip
    """A posted report with a time-and-material line (cost + sales) and a fixed-price one."""
    setup = await expense_setup(session, world)
    lines = [
        {"amount": "40.00", "quantity": "2"},
        {"amount": "15.00", "projectId": setup.gid("Project", setup.fp_project.id)},
    ]
    report_id = await approved_report(client, setup, lines)
    assert (await transition(client, setup, POST, report_id, "accountant"))["errors"] == []
    sessions = async_sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    await approve_expenses(sessions, now=dt.datetime.now(dt.UTC))
    return setup


async def _actuals(
    client: GraphQLClient, setup: Setup, user: str = "accountant", **filter: Any
) -> list[dict[str, Any]]:
    data = await client.data(ACTUALS, {"filter": filter}, token=setup.world.tokens[user])
    return [edge["node"] for edge in data["actuals"]["edges"]]


async def test_a2_actuals_with_their_source_document(client: GraphQLClient, setup: Setup) -> None:
    rows = await _actuals(client, setup)
    assert [(r["actualType"], r["amount"], r["project"]["code"]) for r in rows] == [
        ("COST", "40.00", "TM1"),
        ("UNBILLED_SALES", "50.00", "TM1"),  # 20.00 per unit + 25 % markup, x 2
        ("COST", "15.00", "FP1"),
    ]
    assert {r["expenseReport"]["number"] for r in rows} == {rows[0]["expenseReport"]["number"]}
    assert [r["expenseLine"]["lineNumber"] for r in rows] == [1, 1, 2]
    assert {(r["transactionClass"], r["sourceType"], r["journalLine"]) for r in rows} == {
        ("EXPENSE", "EXPENSE", None)
    }
    assert len(await _actuals(client, setup, pendingImport=True)) == 3
    assert await _actuals(client, setup, pendingImport=False) == []


async def test_actuals_filters_and_scope(client: GraphQLClient, setup: Setup) -> None:
    fp = setup.gid("Project", setup.fp_project.id)
    assert [r["amount"] for r in await _actuals(client, setup, projectId=fp)] == ["15.00"]
    sales = await _actuals(client, setup, actualType="UNBILLED_SALES")
    assert [r["amount"] for r in sales] == ["50.00"]
    today = dt.date.today()
    assert len(await _actuals(client, setup, fromDate=today.isoformat())) == 3
    before = (today - dt.timedelta(days=1)).isoformat()
    assert await _actuals(client, setup, toDate=before) == []
    assert await _actuals(client, setup, adjustmentStatus="ADJUSTED") == []
    assert await _actuals(client, setup, transactionClass="HOUR") == []
    assert await _actuals(client, setup, user="outsider") == []  # another legal entity (M1)


async def test_a1_reverse_actual_once(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    cost = (await _actuals(client, setup))[0]
    token = setup.world.tokens["accountant"]
    payload = await client.mutate(REVERSE, {"id": cost["id"]}, token=token)
    assert payload == {
        "actual": {
            "actualType": "COST",
            "quantity": "-2.0000",
            "amount": "-40.00",
            "adjustmentStatus": "UNADJUSTABLE",
            "reverses": {"id": cost["id"], "adjustmentStatus": "ADJUSTED"},
        },
        "errors": [],
    }
    again = await client.mutate(REVERSE, {"id": cost["id"]}, token=token)
    assert error_codes(again) == ["ALREADY_REVERSED"]
    reversal = (await _actuals(client, setup, adjustmentStatus="UNADJUSTABLE"))[0]
    refused = await client.mutate(REVERSE, {"id": reversal["id"]}, token=token)
    assert error_codes(refused) == ["INVALID_STATE"]
    assert await session.scalar(select(func.count()).select_from(Actual)) == 4
    assert await session.scalar(select(AuditRecord.action)) == "actual.reverse"


async def test_a1_only_accountants_reverse_and_only_their_entities(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    cost = (await _actuals(client, setup))[0]
    tokens = setup.world.tokens
    manager = await client.mutate(REVERSE, {"id": cost["id"]}, token=tokens["manager"])
    assert error_codes(manager) == ["FORBIDDEN"]
    outsider = await client.mutate(REVERSE, {"id": cost["id"]}, token=tokens["outsider"])
    assert error_codes(outsider) == ["NOT_FOUND"]
    bad = await client.mutate(REVERSE, {"id": "QWN0dWFs"}, token=tokens["accountant"])
    assert error_codes(bad) == ["INVALID"]
    assert await session.scalar(select(func.count()).select_from(Actual)) == 3
