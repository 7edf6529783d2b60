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
from db.models.master_data import ExchangeRate
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

REPORT = """
query($id: ID!) {
  expenseReport(id: $id) { status accountingDate voucher { accountingDate } }
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


async def _voucher_lines(session: AsyncSession, setup: Setup) -> list[tuple[Any, ...]]:
    """(account role, debit, credit, source amount, project code) of every voucher line, in
    the order they were written; read from the database, as the ledger keeps them."""
    roles = {account.id: role for role, account in setup.world.companies["USPM"].accounts.items()}
    projects = {setup.tm_project.id: "TM1", setup.fp_project.id: "FP1"}
    lines = await session.scalars(select(VoucherLine).order_by(VoucherLine.id))
    return [
        (
            roles[line.account_id],
            str(line.debit),
            str(line.credit),
            str(line.amount_currency),
            projects.get(line.project_id) if line.project_id else None,
        )
        for line in lines
    ]


async def _balance(session: AsyncSession) -> tuple[Decimal, Decimal]:
    debit = await session.scalar(select(func.sum(VoucherLine.debit)))
    credit = await session.scalar(select(func.sum(VoucherLine.credit)))
    return Decimal(debit or 0), Decimal(credit or 0)


async def test_e4_foreign_currency_report_posts_one_balanced_voucher(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    report_id = await approved_report(client, setup, _eur_lines(setup), currency="EUR")
    posted = await transition(client, setup, POST, report_id, "accountant")
    assert posted["errors"] == [] and posted["expenseReport"]["status"] == "POSTED"
    assert posted["automaticApprovalRun"] == {"taskName": TASK_NAME, "status": "QUEUED"}
    data = await client.data(REPORT, {"id": report_id}, token=setup.world.tokens["accountant"])
    report = data["expenseReport"]
    assert report["accountingDate"] == TODAY.isoformat()
    assert report["voucher"] == {"accountingDate": TODAY.isoformat()}
    # EUR -> USD 1.0837, each debit rounded half-up once; the three lines share a date, so the
    # payable is their total converted once: 180.91 x 1.0837 = 196.052167 -> 196.05.
    assert await _voucher_lines(session, setup) == [
        ("expense_integration", "112.7200", "0.0000", "104.0100", "TM1"),  # 100.01 + 4.00
        ("input_tax", "16.2600", "0.0000", "15.0000", "TM1"),
        ("expense_integration", "54.1900", "0.0000", "50.0000", "FP1"),
        ("project_cost", "10.8400", "0.0000", "10.0000", None),  # no project: category's
        ("input_tax", "2.0600", "0.0000", "1.9000", None),
        ("employee_payable", "0.0000", "196.0500", "-180.9100", None),
        ("round_off", "0.0000", "0.0200", "-0.0200", None),  # L1: 196.05 - 196.07
    ]
    rates = await session.scalars(select(VoucherLine.exchange_rate).order_by(VoucherLine.id))
    assert [str(rate) for rate in rates] == ["1.083700"] * 6 + ["1.000000"]
    assert await _balance(session) == (Decimal("196.07"), Decimal("196.07"))
    expenses = list(await session.scalars(select(ProjectExpense).order_by(ProjectExpense.id)))
    assert [(str(e.cost_amount), e.currency_code) for e in expenses] == [
        ("104.0100", "EUR"),
        ("50.0000", "EUR"),
    ]
    runs = list(await session.scalars(select(JobRun).where(JobRun.task_name == TASK_NAME)))
    assert [run.status for run in runs] == ["queued"]  # E5: deferred right after posting


async def test_e4_payable_is_converted_once_per_currency_and_rate_date(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    """The issue's example: three EUR lines of 10.01 at 1.3333 debit 13.35 each (40.05), while
    their total, 30.03, converts to 40.04: the payable is 40.04 and 0.01 round-off is a credit."""
    session.add(
        ExchangeRate(
            from_currency="EUR", to_currency="USD", rate=Decimal("1.3333"), valid_from=TODAY
        )
    )
    await session.commit()
    lines = [{"amount": "10.01"}] * 3
    report_id = await approved_report(client, setup, lines, currency="EUR")
    posted = await transition(client, setup, POST, report_id, "accountant")
    assert posted["errors"] == [] and posted["expenseReport"]["status"] == "POSTED"
    debit = ("expense_integration", "13.3500", "0.0000", "10.0100", "TM1")
    assert await _voucher_lines(session, setup) == [
        debit,
        debit,
        debit,
        ("employee_payable", "0.0000", "40.0400", "-30.0300", None),
        ("round_off", "0.0000", "0.0100", "-0.0100", None),
    ]
    assert await _balance(session) == (Decimal("40.05"), Decimal("40.05"))


async def test_e4_lines_of_other_dates_get_a_payable_each(
    client: GraphQLClient, setup: Setup, session: AsyncSession
) -> None:
    """Two rate dates, two conversions: last month's line at 1.0837, today's at 1.3333."""
    session.add(
        ExchangeRate(
            from_currency="EUR", to_currency="USD", rate=Decimal("1.3333"), valid_from=TODAY
        )
    )
    await session.commit()
    lines = [{"amount": "10.01"}, {"amount": "10.01", "date": RATES_FROM.isoformat()}] * 2
    report_id = await approved_report(client, setup, lines, currency="EUR")
    posted = await transition(client, setup, POST, report_id, "accountant")
    assert posted["errors"] == []
    rows = await _voucher_lines(session, setup)
    # today: 2 x 13.35 debited, 20.02 x 1.3333 = 26.692666 -> 26.69 paid, -0.01;
    # last month: 2 x 10.85 (10.847837) debited, 20.02 x 1.0837 = 21.695674 -> 21.70, +0.00
    assert rows[4:] == [
        ("employee_payable", "0.0000", "26.6900", "-20.0200", None),
        ("employee_payable", "0.0000", "21.7000", "-20.0200", None),
        ("round_off", "0.0000", "0.0100", "-0.0100", None),
    ]
    assert sorted(row[1] for row in rows[:4]) == ["10.8500", "10.8500", "13.3500", "13.3500"]
    assert await _balance(session) == (Decimal("48.40"), Decimal("48.40"))


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
