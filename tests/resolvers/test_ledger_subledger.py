"""The project subledger through the API after a real flow (J5): `projectTransactions` with
its filters, paging and statuses (A1), M1; `Project.totals` per month, year and all."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from schema.relay import encode_id, parse_id
from tests.support.client import GraphQLClient
from tests.support.expenses import deferrals
from tests.support.journals import LAST_MONTH
from tests.support.subledger import LAST_MONTH_DAY, Flow, flow, in_depm, two_months
from tests.support.world import TODAY, World

__all__ = ["deferrals"]

pytestmark = pytest.mark.usefixtures("deferrals")

TRANSACTIONS = """
query($filter: ProjectTransactionFilter, $first: Int, $after: String) {
  projectTransactions(filter: $filter, first: $first, after: $after) {
    nodes { id transactionType accountingDate quantity amount currencyCode amountAccounting
      status project { code } actual { id amount reverses { id } }
      voucher { number lines { debit credit } } journalLine { id voucherNumber } }
    pageInfo { hasNextPage endCursor }
  }
}"""


TOTALS = """
query($id: ID!, $period: TotalsPeriod!, $from: Date, $to: Date) {
  node(id: $id) { ... on Project {
    totals(period: $period, fromDate: $from, toDate: $to) { periodStart cost unbilledSales } } }
}"""


@pytest.fixture
async def books(
    client: GraphQLClient, session: AsyncSession, connection: AsyncConnection, world: World
) -> Flow:
    """The two months of TM1 and FP1 (tests/support/subledger.py) and 9.99 EUR in DEPM."""
    made = await two_months(await flow(client, session, connection, world))
    await in_depm(made)
    return made


async def _transactions(
    books: Flow, user: str = "accountant", **filter: Any
) -> list[dict[str, Any]]:
    variables = {"filter": filter, "first": 100}
    data = await books.client.data(TRANSACTIONS, variables, token=books.setup.world.tokens[user])
    nodes: list[dict[str, Any]] = data["projectTransactions"]["nodes"]
    return nodes


def _summary(row: dict[str, Any]) -> tuple[str, str, str, str, str, str, str]:
    return (
        row["project"]["code"],
        row["transactionType"],
        row["accountingDate"],
        row["amount"],
        row["currencyCode"],
        row["amountAccounting"],
        row["status"],
    )


async def test_j5_subledger_after_posting_to_the_cent_with_reversal_statuses(books: Flow) -> None:
    rows = await _transactions(books, legalEntity="USPM")
    last, today = str(LAST_MONTH_DAY), str(TODAY)
    assert [_summary(row) for row in rows] == [
        # 100.55 EUR x 1.0837 = 108.966035; sales in USD (its list's): 108.966035 x 1.25
        ("TM1", "COST", last, "100.55", "EUR", "108.97", "POSTED"),
        ("TM1", "UNBILLED_SALES", last, "136.21", "USD", "136.21", "POSTED"),
        ("TM1", "COST", today, "40.00", "USD", "40.00", "POSTED"),
        ("TM1", "UNBILLED_SALES", today, "50.00", "USD", "50.00", "POSTED"),
        ("FP1", "COST", today, "15.00", "USD", "15.00", "REVERSED"),
        ("FP1", "COST", today, "-15.00", "USD", "-15.00", "REVERSAL"),
    ], rows
    original, reversal = rows[4], rows[5]
    assert reversal["actual"]["reverses"] == {"id": original["actual"]["id"]}
    assert original["voucher"]["lines"] == [
        {"debit": "15.00", "credit": "0.00"},
        {"debit": "0.00", "credit": "15.00"},
    ]
    assert reversal["voucher"]["lines"] == [
        {"debit": "0.00", "credit": "15.00"},
        {"debit": "15.00", "credit": "0.00"},
    ]
    assert rows[0]["journalLine"]["voucherNumber"] == rows[0]["voucher"]["number"]


async def test_j5_filters_narrow_the_subledger(books: Flow) -> None:
    tm = encode_id("Project", books.setup.tm_project.id)
    today, month = str(TODAY), str(TODAY.replace(day=1))

    async def amounts(**filter: Any) -> list[str]:
        return [row["amountAccounting"] for row in await _transactions(books, **filter)]

    assert await amounts(projectId=tm) == ["108.97", "136.21", "40.00", "50.00"]
    assert await amounts(projectId=tm, transactionType="UNBILLED_SALES") == ["136.21", "50.00"]
    assert await amounts(status="REVERSED") == ["15.00"]
    assert await amounts(status="REVERSAL") == ["-15.00"]
    assert await amounts(status="POSTED", fromDate=month) == ["40.00", "50.00", "9.99"]
    assert await amounts(toDate=str(LAST_MONTH_DAY)) == ["108.97", "136.21"]
    assert await amounts(fromDate=today, toDate=today, legalEntity="depm") == ["9.99"]
    assert await amounts(legalEntity="NOPE") == []


async def test_j5_pages_in_posting_order(books: Flow) -> None:
    token = books.setup.world.tokens["accountant"]
    seen: list[str] = []
    after: str | None = None
    for expected_next in (True, True, False):
        variables = {"filter": {}, "first": 3, "after": after}
        page = (await books.client.data(TRANSACTIONS, variables, token=token))[
            "projectTransactions"
        ]
        assert page["pageInfo"]["hasNextPage"] is expected_next, page
        seen += [row["amountAccounting"] for row in page["nodes"]]
        after = page["pageInfo"]["endCursor"]
    assert seen == ["108.97", "136.21", "40.00", "50.00", "15.00", "-15.00", "9.99"]


async def test_m1_each_caller_sees_the_subledger_of_their_legal_entities(books: Flow) -> None:
    outsider = await _transactions(books, "outsider")  # DEPM only
    assert [(row["amountAccounting"], row["project"]["code"]) for row in outsider] == [
        ("9.99", "P1")
    ]
    assert await _transactions(books, "outsider", legalEntity="USPM") == []
    manager = await _transactions(books, "manager")  # USPM only
    assert len(manager) == 6 and {row["currencyCode"] for row in manager} == {"EUR", "USD"}
    assert parse_id(outsider[0]["id"])[0] == "ProjectTransaction"
    query = "query($id: ID!) { node(id: $id) { id } }"
    for user, seen in (("manager", None), ("outsider", {"id": outsider[0]["id"]})):
        token = books.setup.world.tokens[user]
        assert await books.client.data(query, {"id": outsider[0]["id"]}, token) == {"node": seen}


async def _totals(books: Flow, project: int, period: str, **limits: str) -> list[tuple[Any, ...]]:
    variables = {"id": encode_id("Project", project), "period": period, **limits}
    data = await books.client.data(TOTALS, variables, token=books.setup.world.tokens["manager"])
    return [(t["periodStart"], t["cost"], t["unbilledSales"]) for t in data["node"]["totals"]]


async def test_j5_project_totals_per_month_year_and_all(books: Flow) -> None:
    tm, fp = books.setup.tm_project.id, books.setup.fp_project.id
    last, month = str(LAST_MONTH), str(TODAY.replace(day=1))
    assert await _totals(books, tm, "MONTH") == [
        (last, "108.97", "136.21"),
        (month, "40.00", "50.00"),
    ]
    years = {LAST_MONTH.year: ("108.97", "136.21"), TODAY.year: ("40.00", "50.00")}
    if LAST_MONTH.year == TODAY.year:
        years = {TODAY.year: ("148.97", "186.21")}  # January runs over two years
    assert await _totals(books, tm, "YEAR") == [
        (f"{year}-01-01", *sums) for year, sums in sorted(years.items())
    ]
    assert await _totals(books, tm, "ALL") == [(None, "148.97", "186.21")]
    assert await _totals(books, tm, "ALL", **{"from": month}) == [(None, "40.00", "50.00")]
    assert await _totals(books, tm, "MONTH", to=str(LAST_MONTH_DAY)) == [(last, "108.97", "136.21")]
    assert await _totals(books, fp, "MONTH") == [(month, "0.00", "0.00")]  # A1: reversed
    assert (
        await _totals(books, tm, "MONTH", **{"from": str(TODAY.replace(year=TODAY.year + 1))}) == []
    )
