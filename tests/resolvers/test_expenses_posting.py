"""E4 posting through the API: one balanced voucher at each line date's rate (M6), the
round-off line (L1), an Open period (L4), typed errors with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.expenses import ExpenseReport, ProjectExpense
from db.models.jobs import JobRun
from db.models.ledger import LedgerPeriod, Voucher, VoucherLine
from db.models.parameters import LegalEntityParameters
from jobs.approval import TASK_NAME
from tests.support.client import GraphQLClient, error_codes
from tests.support.expenses import (
    POST,
    RATES_FROM,
    Setup,
    approved_report,
    deferrals,
    expense_setup,
    transition,
)
from tests.support.world import TODAY, World

__all__ = ["deferrals"]

pytestmark = pytest.mark.usefixtures("deferrals")

VOUCHER = """
query($id: ID!) {
  expenseReport(id: $id) {
    status accountingDate
    voucher {
      accountingDate sourceType
      lines { accountId debit credit currencyCode amountCurrency exchangeRate }
    }
  }
}"""


@pytest.fixture
async def setup(session: AsyncSession, world: World) -> Setup:
    return await expense_setup(session, world)


def _eur_lines(setup: Setup) -> list[dict[str, Any]]:
    """A time-and-material line with recoverable and non-recoverable VAT, a fixed-price
    line without tax, and a line without project (debits the category's account)."""
    return [
        {
            "quantity": "3",
            "amount": None,
            "unitPrice": "33.335",
            "salesTax": "19.00",
            "nonRecoverableTax": "4.00",
        },
        {"amount": "50.00", "projectId": setup.gid("Project", setup.fp_project.id)},
        {"amount": "10.00", "salesTax": "1.90", "projectId": None},
    ]


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_e4_foreign_currency_report_posts_one_balanced_voucher(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, _eur_lines(setup), currency="EUR")
    posted = await transition(client, setup, POST, report_id, "accountant")
    assert posted["errors"] == [] and posted["expenseReport"]["status"] == "POSTED"
    assert posted["automaticApprovalRun"] == {"taskName": TASK_NAME, "status": "QUEUED"}
    data = await client.data(VOUCHER, {"id": report_id}, token=setup.world.tokens["accountant"])
    report = data["expenseReport"]
    assert report["accountingDate"] == TODAY.isoformat()
    assert report["voucher"]["accountingDate"] == TODAY.isoformat()
    accounts = {
        setup.gid("Account", account.id): role
        for role, account in setup.world.companies["USPM"].accounts.items()
    }
    lines = [
        (accounts[line["accountId"]], line["debit"], line["credit"], line["amountCurrency"])
        for line in report["voucher"]["lines"]
    ]
    # EUR -> USD 1.0837, each amount rounded half-up once.
    assert lines == [
        ("expense_integration", "112.7200", "0.0000", "104.0100"),  # 100.01 net + 4.00
        ("input_tax", "16.2600", "0.0000", "15.0000"),
        ("employee_payable", "0.0000", "128.9700", "-119.0100"),
        ("expense_integration", "54.1900", "0.0000", "50.0000"),
        ("employee_payable", "0.0000", "54.1900", "-50.0000"),
        ("project_cost", "10.8400", "0.0000", "10.0000"),  # no project: category's account
        ("input_tax", "2.0600", "0.0000", "1.9000"),
        ("employee_payable", "0.0000", "12.9000", "-11.9000"),
        ("round_off", "0.0000", "0.0100", "-0.0100"),  # L1: 128.97 - 112.72 - 16.26
    ]
    assert {line["exchangeRate"] for line in report["voucher"]["lines"][:-1]} == {"1.083700"}
    debit = await session.scalar(select(func.sum(VoucherLine.debit)))
    credit = await session.scalar(select(func.sum(VoucherLine.credit)))
    assert debit == credit == Decimal("196.07")
    expenses = list(await session.scalars(select(ProjectExpense).order_by(ProjectExpense.id)))
    assert [(str(e.cost_amount), e.currency_code) for e in expenses] == [
        ("104.0100", "EUR"),
        ("50.0000", "EUR"),
    ]
    runs = list(await session.scalars(select(JobRun).where(JobRun.task_name == TASK_NAME)))
    assert [run.status for run in runs] == ["queued"]  # E5: deferred right after posting


async def test_e4_posting_twice_is_invalid_state(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10"}])
    assert (await transition(client, setup, POST, report_id, "accountant"))["errors"] == []
    again = await transition(client, setup, POST, report_id, "accountant")
    assert error_codes(again) == ["INVALID_STATE"]
    assert "is Posted" in again["errors"][0]["message"]
    assert await _count(session, Voucher) == 1
    assert await _count(session, ProjectExpense) == 1


async def _refused(
    client: GraphQLClient, setup: Setup, session: AsyncSession, report_id: str, code: str
) -> None:
    payload = await transition(client, setup, POST, report_id, "accountant")
    assert error_codes(payload) == [code], payload
    assert await _count(session, Voucher) == 0
    assert await _count(session, VoucherLine) == 0
    assert await _count(session, ProjectExpense) == 0
    report = await session.scalar(select(ExpenseReport).execution_options(populate_existing=True))
    assert report is not None and report.status == "approved"


async def test_m6_missing_rate_on_the_line_date_writes_nothing(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    before_rates = RATES_FROM - dt.timedelta(days=1)
    report_id = await approved_report(
        client, setup, [{"amount": "10", "date": before_rates.isoformat()}], currency="EUR"
    )
    await _refused(client, setup, session, report_id, "MISSING_EXCHANGE_RATE")


async def test_l4_period_not_open_writes_nothing(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10"}])
    await session.execute(
        update(LedgerPeriod)
        .where(LedgerPeriod.start_date == TODAY.replace(day=1))
        .values(status="on_hold")
    )
    await session.commit()
    await _refused(client, setup, session, report_id, "PERIOD_NOT_OPEN")


async def test_e4_missing_account_writes_nothing(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10"}])
    await session.execute(update(LegalEntityParameters).values(employee_payable_account_id=None))
    await session.commit()
    await _refused(client, setup, session, report_id, "MISSING_ACCOUNT")


async def test_e4_line_without_project_needs_the_category_account(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    setup.category.default_account_id = None
    await session.commit()
    report_id = await approved_report(client, setup, [{"amount": "10", "projectId": None}])
    await _refused(client, setup, session, report_id, "MISSING_ACCOUNT")


async def test_e4_only_accountants_post(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, [{"amount": "10"}])
    payload = await transition(client, setup, POST, report_id, "manager")
    assert error_codes(payload) == ["FORBIDDEN"]
    assert await _count(session, Voucher) == 0
