"""Resolvers for exchange rates (M6). Rates are global: every signed-in user reads them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from db.models.master_data import ExchangeRate
from domain import rates
from resolvers.context import Context
from resolvers.mutations import Outcome, run_mutation
from resolvers.pagination import Page, Window, keyset_page


async def exchange_rates(
    context: Context,
    *,
    from_currency: str | None,
    to_currency: str | None,
    window: Window,
) -> Page[ExchangeRate]:
    context.actor  # noqa: B018  (authentication is required to read anything)
    statement = select(ExchangeRate)
    if from_currency is not None:
        statement = statement.where(ExchangeRate.from_currency == from_currency.upper())
    if to_currency is not None:
        statement = statement.where(ExchangeRate.to_currency == to_currency.upper())
    return await keyset_page(context, statement, window)


async def rate_on(context: Context, from_currency: str, to_currency: str, date: dt.date) -> Decimal:
    context.actor  # noqa: B018
    return await context.read(
        lambda session: rates.rate_on(session, from_currency.upper(), to_currency.upper(), date)
    )


async def create_exchange_rate(
    context: Context, data: rates.NewExchangeRate
) -> Outcome[ExchangeRate]:
    return await run_mutation(
        context, lambda session, actor: rates.create_exchange_rate(session, actor, data)
    )


async def update_exchange_rate(
    context: Context, data: rates.ExchangeRateChanges
) -> Outcome[ExchangeRate]:
    return await run_mutation(
        context, lambda session, actor: rates.update_exchange_rate(session, actor, data)
    )


async def delete_exchange_rate(context: Context, rate_id: int) -> Outcome[int]:
    return await run_mutation(
        context, lambda session, actor: rates.delete_exchange_rate(session, actor, rate_id)
    )
