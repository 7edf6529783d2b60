"""E4, M5, M6: the accounting date given at posting dates the voucher and must lie in an Open
period; each line keeps the exchange rate of its own date, never the accounting date's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseReport, ProjectExpense
from db.models.ledger import LedgerPeriod, Voucher, VoucherLine
from db.models.master_data import ExchangeRate
from domain.ledger import next_month
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import RATES_FROM, Setup, approved_report, deferrals, expense_setup
from tests.support.world import TODAY, World

__all__ = ["deferrals"]

pytestmark = pytest.mark.usefixtures("deferrals")

THIS_MONTH = TODAY.replace(day=1)
NEXT_MONTH = next_month(THIS_MONTH)
POST = """mutation($id: ID!, $date: Date) {
  postExpenseReport(input: {id: $id, accountingDate: $date}) {
    expenseReport { status accountingDate
      voucher { accountingDate lines { debit credit currencyCode amountCurrency exchangeRate } } }
    errors { code field message } } }"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    """EUR->USD 1.0837 from last month, 1.1000 from this month, 1.2000 from next month, whose
    period is Open too."""
    setup = await expense_setup(session, world)
    for valid_from, rate in ((THIS_MONTH, "1.1000"), (NEXT_MONTH, "1.2000")):
        session.add(
            ExchangeRate(
                from_currency="EUR", to_currency="USD", rate=Decimal(rate), valid_from=valid_from
            )
        )
    session.add(
        LedgerPeriod(
            legal_entity_id=world.entity_id("USPM"),
            start_date=NEXT_MONTH,
            end_date=next_month(NEXT_MONTH) - dt.timedelta(days=1),
            status="open",
        )
    )
    await session.commit()
    return setup


async def _post(
    client: GraphQLClient, setup: Setup, report_id: str, date: dt.date | None
) -> dict[str, Any]:
    variables = {"id": report_id, "date": date.isoformat() if date else None}
    return await client.mutate(POST, variables, token=setup.world.tokens["accountant"])


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_e4_m6_accounting_date_dates_the_voucher_lines_keep_their_own_rate(
    client: GraphQLClient, setup: Setup
) -> None:
    lines = [
        {"amount": "100.00", "date": RATES_FROM.isoformat()},  # last month: 1.0837
        {"amount": "50.00", "date": TODAY.isoformat()},  # this month: 1.1000
    ]
    report_id = await approved_report(client, setup, lines, currency="EUR")
    posted = await _post(client, setup, report_id, NEXT_MONTH)
    assert posted["errors"] == []
    report = posted["expenseReport"]
    assert report["status"] == "POSTED"
    assert report["accountingDate"] == report["voucher"]["accountingDate"] == str(NEXT_MONTH)
    booked = sorted(
        (line["amountCurrency"], line["debit"], line["credit"], line["exchangeRate"])
        for line in report["voucher"]["lines"]
    )
    # Never next month's 1.2000, the accounting date's rate (M6).
    assert booked == [
        ("-100.00", "0.00", "108.37", "1.083700"),
        ("-50.00", "0.00", "55.00", "1.100000"),
        ("100.00", "108.37", "0.00", "1.083700"),
        ("50.00", "55.00", "0.00", "1.100000"),
    ]


async def test_e4_accounting_date_defaults_to_today(client: GraphQLClient, setup: Setup) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10.00"}])
    posted = await _post(client, setup, report_id, None)
    assert posted["errors"] == []
    assert posted["expenseReport"]["voucher"]["accountingDate"] == str(TODAY)


@pytest.mark.parametrize(
    ("date", "why"),
    [
        (RATES_FROM, "is on hold"),  # last month's period is On hold
        (next_month(NEXT_MONTH), "There is no ledger period"),
    ],
)
async def test_m5_accounting_date_outside_an_open_period_writes_nothing(
    client: GraphQLClient, setup: Setup, session: AsyncSession, date: dt.date, why: str
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10.00"}])
    refused = await _post(client, setup, report_id, date)
    assert error_codes(refused) == ["PERIOD_NOT_OPEN"] and refused["expenseReport"] is None
    assert why in refused["errors"][0]["message"]
    assert [await _count(session, model) for model in (Voucher, VoucherLine, ProjectExpense)] == [
        0,
        0,
        0,
    ]
    report = await session.scalar(select(ExpenseReport).execution_options(populate_existing=True))
    assert report is not None and (report.status, report.accounting_date) == ("approved", None)
