"""Exchange rates (M6): the rate valid on the transaction date; a missing one is an error."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import ExchangeRate, Role
from domain.actors import Actor
from domain.errors import DomainError, ErrorCode
from domain.global_master_data import require_global_role
from domain.master_data import get_currency
from domain.validation import check_date, check_decimal

RATE_PLACES = 6
MAX_RATE = Decimal("9999999999999")  # NUMERIC(19,6) holds 13 integer digits
RATES = "Exchange rates"  # global: changed only with access to every legal entity


@dataclass(frozen=True)
class NewExchangeRate:
    from_currency: str
    to_currency: str
    rate: Decimal
    valid_from: dt.date


@dataclass(frozen=True)
class ExchangeRateChanges:
    rate_id: int
    rate: Decimal | None = None
    valid_from: dt.date | None = None


def _check_rate(rate: Decimal) -> Decimal:
    return check_decimal(
        rate, ["rate"], places=RATE_PLACES, exclusive_minimum=True, maximum=MAX_RATE
    )


async def _refuse_duplicate(
    session: AsyncSession, pair: tuple[str, str], valid_from: dt.date, except_id: int | None = None
) -> None:
    statement = select(ExchangeRate.id).where(
        ExchangeRate.from_currency == pair[0],
        ExchangeRate.to_currency == pair[1],
        ExchangeRate.valid_from == valid_from,
    )
    if except_id is not None:
        statement = statement.where(ExchangeRate.id != except_id)
    if await session.scalar(statement) is not None:
        raise DomainError(
            ErrorCode.DUPLICATE,
            f"A {pair[0]}->{pair[1]} rate from {valid_from} exists already.",
            ["validFrom"],
        )


async def create_exchange_rate(
    session: AsyncSession, actor: Actor, data: NewExchangeRate
) -> ExchangeRate:
    await require_global_role(session, actor, RATES, Role.ACCOUNTANT)
    source = await get_currency(session, data.from_currency, ["fromCurrency"])
    target = await get_currency(session, data.to_currency, ["toCurrency"])
    if source.code == target.code:
        raise DomainError(
            ErrorCode.INVALID, "A rate converts between two different currencies.", ["toCurrency"]
        )
    rate = _check_rate(data.rate)
    valid_from = check_date(data.valid_from, ["validFrom"])
    await _refuse_duplicate(session, (source.code, target.code), valid_from)
    row = ExchangeRate(
        from_currency=source.code, to_currency=target.code, rate=rate, valid_from=valid_from
    )
    session.add(row)
    await session.flush()
    return row


async def get_exchange_rate(session: AsyncSession, rate_id: int) -> ExchangeRate:
    row = await session.get(ExchangeRate, rate_id, with_for_update=True)
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "The exchange rate does not exist.", ["id"])
    return row


async def update_exchange_rate(
    session: AsyncSession, actor: Actor, data: ExchangeRateChanges
) -> ExchangeRate:
    await require_global_role(session, actor, RATES, Role.ACCOUNTANT)
    rate = _check_rate(data.rate) if data.rate is not None else None
    valid_from = check_date(data.valid_from, ["validFrom"]) if data.valid_from is not None else None
    row = await get_exchange_rate(session, data.rate_id)
    if valid_from is not None:
        pair = (row.from_currency, row.to_currency)
        await _refuse_duplicate(session, pair, valid_from, except_id=row.id)
        row.valid_from = valid_from
    if rate is not None:
        row.rate = rate
    await session.flush()
    return row


async def delete_exchange_rate(session: AsyncSession, actor: Actor, rate_id: int) -> int:
    await require_global_role(session, actor, RATES, Role.ACCOUNTANT)
    row = await get_exchange_rate(session, rate_id)
    await session.delete(row)
    await session.flush()
    return rate_id


async def rate_on(
    session: AsyncSession,
    from_currency: str,
    to_currency: str,
    date: dt.date,
    field: list[str] | None = None,
) -> Decimal:
    """The rate valid on `date`: the pair's latest `valid_from <= date`; else the inverse of
    the opposite pair's; 1 for one currency; MISSING_EXCHANGE_RATE otherwise (never 1 or 0).
    One statement (`exchange_rate_on`)."""
    if from_currency == to_currency:
        return Decimal(1)
    rate = await session.scalar(
        select(rate_on_sql(literal(from_currency), literal(to_currency), literal(date)))
    )
    if rate is None:
        raise DomainError(
            ErrorCode.MISSING_EXCHANGE_RATE,
            f"No exchange rate from {from_currency} to {to_currency} is valid on {date}.",
            field,
        )
    return Decimal(rate)


def rate_on_sql(
    from_currency: ColumnElement[Any], to_currency: ColumnElement[Any], date: ColumnElement[Any]
) -> ColumnElement[Decimal]:
    """`rate_on` as a SQL expression over columns, for set-based code (INSERT .. SELECT):
    the database function `exchange_rate_on` (migration 0006), the one definition of M6.

    NULL where no rate is valid: the caller must treat NULL as MISSING_EXCHANGE_RATE (M6).
    """
    rate: ColumnElement[Decimal] = func.exchange_rate_on(
        from_currency, to_currency, date, type_=Numeric(19, 6)
    )
    return rate
