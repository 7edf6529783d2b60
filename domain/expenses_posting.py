"""E4: posting an Approved expense report (accountant).

One balanced voucher in the legal entity's accounting currency, dated the posting date in an
Open period (L4), each line's debits converted at the rate of its own date (M6) and the
employee payable once per currency and rate date (expenses_voucher.py); then one
ProjectExpense per project line for the automatic approval job (E5). Every check runs before
the first write, and the resolver's transaction rolls back on any error: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import ExpenseCategory
from db.models.expenses import ExpenseLine, ExpenseReport, ProjectExpense, ReportStatus
from db.models.ledger import Voucher, VoucherLine, VoucherSource
from db.models.master_data import Currency, LegalEntity, Role
from db.models.parameters import LegalEntityParameters
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.expenses import locked_report, require_state
from domain.expenses_voucher import Entry, LineToPost, PostingAccounts, voucher_entries
from domain.ledger import require_open_period
from domain.rates import rate_on
from domain.sequences import next_number


@dataclass(frozen=True)
class Posting:
    report_id: int
    posting_date: dt.date  # the accounting date (E4)
    now: dt.datetime


def posting_account(params: LegalEntityParameters, role: str) -> int:
    """The account of a parameter role (M7); vendor invoices post with it too (V7)."""
    account_id: int | None = getattr(params, f"{role}_account_id")
    if account_id is None:
        raise DomainError(
            ErrorCode.MISSING_ACCOUNT,
            f"The legal entity has no {role.replace('_', ' ')} account (parameters).",
        )
    return account_id


def _debit_account(
    params: LegalEntityParameters, line: ExpenseLine, category: ExpenseCategory
) -> int:
    """E4: a project line debits the integration account; one without project the category's
    default account."""
    if line.project_id is not None:
        return posting_account(params, "expense_integration")
    if category.default_account_id is None:
        raise DomainError(
            ErrorCode.MISSING_ACCOUNT,
            f"Line {line.line_number} has no project and expense category {category.code} "
            "has no default account.",
        )
    return category.default_account_id


async def _lines(
    session: AsyncSession, report_id: int
) -> list[tuple[ExpenseLine, ExpenseCategory]]:
    rows = await session.execute(
        select(ExpenseLine, ExpenseCategory)
        .join(ExpenseCategory, ExpenseCategory.id == ExpenseLine.expense_category_id)
        .where(ExpenseLine.report_id == report_id)
        .order_by(ExpenseLine.line_number)
    )
    return [(line, category) for line, category in rows]


async def _lines_to_post(
    session: AsyncSession,
    report: ExpenseReport,
    params: LegalEntityParameters,
    lines: list[tuple[ExpenseLine, ExpenseCategory]],
    accounting_currency: str,
) -> list[LineToPost]:
    result = []
    for line, category in lines:
        # M6: the rate valid on the line's date, never the posting date.
        rate = await rate_on(session, line.currency_code, accounting_currency, line.date)
        result.append(
            LineToPost(
                line_number=line.line_number,
                debit_account_id=_debit_account(params, line, category),
                currency_code=line.currency_code,
                rate_date=line.date,
                rate=rate,
                cost=line.amount + line.non_recoverable_tax,
                recoverable_tax=line.sales_tax - line.non_recoverable_tax,
                label=f"{report.number} line {line.line_number}",
                project_id=line.project_id,
            )
        )
    return result


def voucher_line(voucher: Voucher, entry: Entry) -> VoucherLine:
    """The row of an entry of `voucher_entries`, for every document that posts with them."""
    return VoucherLine(
        legal_entity_id=voucher.legal_entity_id,
        voucher_id=voucher.id,
        account_id=entry.account_id,
        debit=entry.debit,
        credit=entry.credit,
        currency_code=entry.currency_code,
        amount_currency=entry.amount_currency,
        exchange_rate=entry.exchange_rate,
        description=entry.description,
        project_id=entry.project_id,
    )


def _project_expense(line: ExpenseLine, category: ExpenseCategory) -> ProjectExpense:
    assert line.project_id is not None
    return ProjectExpense(
        legal_entity_id=line.legal_entity_id,
        expense_line_id=line.id,
        project_id=line.project_id,
        task_id=line.task_id,
        transaction_category_id=category.transaction_category_id,
        date=line.date,
        quantity=line.quantity,
        cost_amount=line.amount + line.non_recoverable_tax,
        currency_code=line.currency_code,
        chargeable=line.chargeable,
    )


async def post_expense_report(session: AsyncSession, actor: Actor, data: Posting) -> ExpenseReport:
    actor.require_role(Role.ACCOUNTANT)
    report = await locked_report(session, actor, data.report_id)
    require_state(report, ReportStatus.APPROVED)
    await require_open_period(session, report.legal_entity_id, data.posting_date)
    entity = await session.get_one(LegalEntity, report.legal_entity_id)
    currency = await session.get_one(Currency, entity.currency_code)
    params = await session.get_one(LegalEntityParameters, entity.id)
    accounts = PostingAccounts(
        input_tax=posting_account(params, "input_tax"),
        payable=posting_account(params, "employee_payable"),
        round_off=posting_account(params, "round_off"),
        cost_label="expense",
        payable_label="employee payable",
    )
    if params.voucher_sequence_id is None:
        raise DomainError(ErrorCode.INVALID, "The legal entity has no voucher number sequence.")
    lines = await _lines(session, report.id)
    to_post = await _lines_to_post(session, report, params, lines, currency.code)
    entries = voucher_entries(to_post, accounts, currency.code, currency.decimals)
    voucher = Voucher(
        legal_entity_id=entity.id,
        number=await next_number(session, params.voucher_sequence_id),
        accounting_date=data.posting_date,
        source_type=VoucherSource.EXPENSE_REPORT.value,
        expense_report_id=report.id,
        description=f"Expense report {report.number}",
        posted_at=data.now,
    )
    session.add(voucher)
    await session.flush()
    session.add_all(voucher_line(voucher, entry) for entry in entries)
    session.add_all(_project_expense(line, cat) for line, cat in lines if line.project_id)
    report.status = ReportStatus.POSTED.value
    report.posted_at = data.now
    report.accounting_date = data.posting_date
    await session.flush()
    return report
