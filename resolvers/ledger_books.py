"""Resolvers of the books (L1-L3, M1): vouchers, the general ledger's lines (an account
statement), the trial balance and an account's balance, read as posted.

The compiled path (`compiler/ledger_books.py`) renders these same filters and sums as SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.ledger import Voucher, VoucherLine
from db.models.master_data import LegalEntity
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.master_data import entity_by_code
from domain.scope import visible_rows
from resolvers.context import Context
from resolvers.ledger_sums import ZERO_SQL, TrialBalanceRow, balances_on, trial_balance_rows
from resolvers.pagination import Page, Window, keyset_page

ZERO = Decimal(ZERO_SQL)


@dataclass(frozen=True)
class BooksFilter:
    """`vouchers` and `generalLedgerEntries` filters; None adds no condition. For a voucher,
    account and project each mean a line of it on them; for a line, its own."""

    legal_entity: str | None = None
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    number: str | None = None
    source_type: str | None = None
    account_id: int | None = None
    project_id: int | None = None


def check_range(from_date: dt.date, to_date: dt.date) -> None:
    """A date range must not end before it starts (both paths refuse it alike)."""
    if to_date < from_date:
        raise DomainError(ErrorCode.INVALID, "toDate is before fromDate.", ["toDate"])


def _visible(model: type[Any], actor: Actor) -> list[ColumnElement[bool]]:
    rule = visible_rows(model, actor)
    return [rule] if rule is not None else []


def voucher_conditions(data: BooksFilter) -> list[ColumnElement[bool]]:
    """The filters of a voucher's own columns, over `Voucher`."""
    clauses: list[ColumnElement[bool]] = []
    if data.legal_entity is not None:
        code = data.legal_entity.upper()
        entity = select(LegalEntity.id).where(LegalEntity.code == code).scalar_subquery()
        clauses.append(Voucher.legal_entity_id == entity)
    if data.from_date is not None:
        clauses.append(Voucher.accounting_date >= data.from_date)
    if data.to_date is not None:
        clauses.append(Voucher.accounting_date <= data.to_date)
    if data.number is not None:
        clauses.append(Voucher.number == data.number)
    if data.source_type is not None:
        clauses.append(Voucher.source_type == data.source_type)
    return clauses


def _has_line(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(VoucherLine.voucher_id == Voucher.id, condition)


async def vouchers(context: Context, data: BooksFilter, *, window: Window) -> Page[Voucher]:
    clauses = [*_visible(Voucher, context.actor), *voucher_conditions(data)]
    if data.account_id is not None:
        clauses.append(_has_line(VoucherLine.account_id == data.account_id))
    if data.project_id is not None:
        clauses.append(_has_line(VoucherLine.project_id == data.project_id))
    statement = select(Voucher).where(*clauses)
    return await keyset_page(context, statement, window)


async def general_ledger_entries(
    context: Context, data: BooksFilter, *, window: Window
) -> Page[VoucherLine]:
    """Voucher lines, by default in the order of an account statement: accounting date,
    voucher, line (the voucher joined for its date, a sort key of the order)."""
    actor = context.actor
    clauses = [*_visible(VoucherLine, actor), *voucher_conditions(data)]
    if data.account_id is not None:
        clauses.append(VoucherLine.account_id == data.account_id)
    if data.project_id is not None:
        clauses.append(VoucherLine.project_id == data.project_id)
    statement = select(VoucherLine).join(Voucher, Voucher.id == VoucherLine.voucher_id)
    return await keyset_page(context, statement.where(*clauses), window)


@dataclass(frozen=True)
class TrialBalance:
    currency_code: str
    lines: list[TrialBalanceRow]
    totals: TrialBalanceRow


async def trial_balance(
    context: Context, legal_entity: str, from_date: dt.date, to_date: dt.date
) -> TrialBalance:
    """Per account, opening balance, movements and closing balance, and their totals: one
    aggregate (`trial_balance_rows`). A legal entity not the caller's is NOT_FOUND (M1)."""
    check_range(from_date, to_date)
    actor = context.actor
    entity = await context.read(
        lambda session: entity_by_code(session, actor, legal_entity, ["legalEntity"])
    )
    rows = await context.read(
        lambda session: trial_balance_rows(session, entity.id, from_date, to_date)
    )
    totals = next(row for row in rows if row.account_id is None)
    lines = [row for row in rows if row.account_id is not None]
    return TrialBalance(entity.currency_code, lines, totals)


async def account_balance(context: Context, account_id: int, as_of: dt.date) -> Decimal:
    """`Account.balance`, batched with the other accounts of the request (`account_balances`)."""

    async def load(keys: list[tuple[int, dt.date]]) -> list[Decimal]:
        return await account_balances(context, keys)

    return await context.loaders.batch("account balances", load).load((account_id, as_of))


async def account_balances(context: Context, keys: list[tuple[int, dt.date]]) -> list[Decimal]:
    """The balance of each (account, as-of date), for the accounts the caller was shown (an
    account's lines are of its legal entity): one statement per distinct date of the request,
    whatever the number of accounts."""
    by_date: dict[dt.date, list[int]] = defaultdict(list)
    for account_id, as_of in keys:
        by_date[as_of].append(account_id)
    found: dict[tuple[int, dt.date], Decimal] = {}
    for as_of, accounts in by_date.items():
        sums = await context.read(_balances(accounts, as_of))
        found.update({(account, as_of): total for account, total in sums.items()})
    return [found.get(key, ZERO) for key in keys]


def _balances(
    account_ids: list[int], as_of: dt.date
) -> Callable[[AsyncSession], Awaitable[dict[int, Decimal]]]:
    return lambda session: balances_on(session, account_ids, as_of)
