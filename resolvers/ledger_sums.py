"""The sums of the books, each one aggregate statement: the trial balance of a legal entity
over a date range (L1) and the balance of accounts on a date. `compiler/ledger_books.py`
writes the same aggregates as SQL text; ZERO_SQL is their common zero."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models.ledger import Voucher, VoucherLine
from db.models.master_data import Account

# An empty sum is zero at the scale of an amount (NUMERIC(19,4)), on both paths.
ZERO_SQL = "0.0000"


@dataclass(frozen=True)
class TrialBalanceRow:
    """One account's figures, or their totals (no account)."""

    account_id: int | None
    opening_balance: Decimal
    debits: Decimal
    credits: Decimal
    closing_balance: Decimal


def _sum(
    value: ColumnElement[Any] | InstrumentedAttribute[Any], *only: ColumnElement[bool]
) -> ColumnElement[Decimal]:
    total = func.sum(value).filter(*only) if only else func.sum(value)
    return func.coalesce(total, literal_column(ZERO_SQL, Numeric))


async def trial_balance_rows(
    session: AsyncSession, entity_id: int, from_date: dt.date, to_date: dt.date
) -> list[TrialBalanceRow]:
    """Per account with an opening balance or a movement, in account number order, then the
    totals (ROLLUP's grand total row, kept even when no account has a figure): opening
    balance = debit - credit before `from_date`, debits and credits from `from_date` to
    `to_date`, closing balance = debit - credit up to `to_date`."""
    before = Voucher.accounting_date < from_date
    within = Voucher.accounting_date >= from_date
    amount = VoucherLine.debit - VoucherLine.credit
    grouped = (
        select(
            VoucherLine.account_id,
            _sum(amount, before).label("opening"),
            _sum(VoucherLine.debit, within).label("debits"),
            _sum(VoucherLine.credit, within).label("credits"),
            _sum(amount).label("closing"),
        )
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(Voucher.legal_entity_id == entity_id, Voucher.accounting_date <= to_date)
        .group_by(func.rollup(VoucherLine.account_id))
        .having(
            or_(
                func.grouping(VoucherLine.account_id) == 1,
                _sum(amount, before) != 0,
                func.count().filter(within) > 0,
            )
        )
        .subquery()
    )
    statement = (
        select(grouped)
        .outerjoin(Account, Account.id == grouped.c.account_id)
        .order_by(Account.number, Account.id)
    )
    rows = (await session.execute(statement)).all()
    return [TrialBalanceRow(*row) for row in rows]


async def balances_on(
    session: AsyncSession, account_ids: list[int], as_of: dt.date
) -> dict[int, Decimal]:
    """debit - credit of each account's lines dated up to `as_of`; accounts without any are
    left out (their balance is zero)."""
    statement = (
        select(VoucherLine.account_id, func.sum(VoucherLine.debit - VoucherLine.credit))
        .join(Voucher, Voucher.id == VoucherLine.voucher_id)
        .where(VoucherLine.account_id.in_(account_ids), Voucher.accounting_date <= as_of)
        .group_by(VoucherLine.account_id)
    )
    return {account: total for account, total in (await session.execute(statement)).all()}
