"""The unbilled sales value of a cost (M4, M6): one pricing for every source of actuals.

The project's sales price list valid on the transaction date prices it per unit, at cost or at
a markup over cost; a cost in another currency than the list's is converted at that date's
rate first (M6). No price gives 0 with the warning, never a silent 0 (M4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency
from db.models.prices import PriceContext
from domain.money import round_money
from domain.prices import applicable_price_list, price_for, round_price
from domain.rates import rate_on


@dataclass(frozen=True)
class SalesQuery:
    project_id: int
    transaction_category_id: int
    unit_id: int | None
    date: dt.date
    quantity: Decimal
    unit_cost: Decimal  # in `cost_currency`
    cost_currency: str


@dataclass(frozen=True)
class SalesValue:
    currency_code: str
    unit_amount: Decimal
    amount: Decimal  # quantity x unit amount, rounded half-up to the currency's decimals
    pricing_warning: str | None


async def unbilled_sales(session: AsyncSession, query: SalesQuery) -> SalesValue:
    price_list = await applicable_price_list(
        session, project_id=query.project_id, context=PriceContext.SALES, date=query.date
    )
    cost = query.unit_cost
    if price_list is not None and price_list.currency_code != query.cost_currency:
        rate = await rate_on(session, query.cost_currency, price_list.currency_code, query.date)
        cost = round_price(cost * rate)
    price = await price_for(
        session,
        project_id=query.project_id,
        context=PriceContext.SALES,
        transaction_category_id=query.transaction_category_id,
        unit_id=query.unit_id,
        date=query.date,
        cost_unit_amount=cost,
    )
    currency = await session.get_one(Currency, price.currency_code or query.cost_currency)
    return SalesValue(
        currency_code=currency.code,
        unit_amount=price.unit_price,
        amount=round_money(query.quantity * price.unit_price, currency.decimals),
        pricing_warning=price.warning,
    )
