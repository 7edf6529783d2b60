"""V4 and V5 as values: a line's default unit price, and its subtotal, sales tax and total.

The unit price defaults from the project's purchase price list valid on the line's own date
(not today), converted to the line's unit inside the unit group (M3, M4) and to the invoice's
currency at that date's rate (M6). Amounts are rounded half-up once, to the currency's decimals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency
from db.models.prices import PriceContext
from domain.errors import DomainError, ErrorCode
from domain.money import round_money
from domain.prices import price_for, round_price
from domain.rates import rate_on
from domain.validation import MAX_AMOUNT, check_decimal

QUANTITY_PLACES = 4  # vendor_invoice_line.quantity is NUMERIC(19,4)
PRICE_PLACES = 6  # vendor_invoice_line.unit_price is NUMERIC(19,6)


@dataclass(frozen=True)
class PriceDefault:
    """The defaulted unit price and where it came from; or why there is none."""

    unit_price: Decimal | None
    price_list_id: int | None = None
    price_unit_id: int | None = None
    warning: str | None = None


@dataclass(frozen=True)
class LineAmounts:
    quantity: Decimal | None
    unit_price: Decimal | None
    subtotal: Decimal
    sales_tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class PriceQuery:
    project_id: int
    transaction_category_id: int
    unit_id: int | None
    date: dt.date
    currency_code: str  # the invoice's


async def default_unit_price(session: AsyncSession, query: PriceQuery) -> PriceDefault:
    """V4: the purchase price valid on the line's date, else none with the reason (M4)."""
    price = await price_for(
        session,
        project_id=query.project_id,
        context=PriceContext.PURCHASE,
        transaction_category_id=query.transaction_category_id,
        unit_id=query.unit_id,
        date=query.date,
        cost_unit_amount=None,
    )
    if price.price_list_id is None or price.currency_code is None:
        reason = (price.warning or "").removesuffix(" priced at 0.")
        return PriceDefault(None, warning=f"{reason} no unit price was defaulted.")
    unit_price = price.unit_price
    if price.currency_code != query.currency_code:
        rate = await rate_on(session, price.currency_code, query.currency_code, query.date)
        unit_price = round_price(unit_price * rate)
    return PriceDefault(unit_price, price.price_list_id, price.unit_id)


def _subtotal(
    quantity: Decimal | None, unit_price: Decimal | None, given: Decimal | None, decimals: int
) -> Decimal:
    """V5: quantity x unit price when both are set (read-only then), else as entered."""
    if quantity is not None and unit_price is not None:
        computed = round_money(quantity * unit_price, decimals)
        if given is not None and given != computed:
            raise DomainError(
                ErrorCode.INVALID,
                f"The subtotal is quantity x unit price = {computed}; it cannot be entered "
                "while both are set (V5).",
                ["subtotal"],
            )
        subtotal = computed
    elif given is None:
        raise DomainError(
            ErrorCode.REQUIRED,
            "Give the quantity and the unit price, or the subtotal (V5).",
            ["subtotal"],
        )
    else:
        subtotal = check_decimal(given, ["subtotal"], places=decimals)
    if subtotal <= 0 or subtotal > MAX_AMOUNT:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            f"The subtotal {subtotal} must be greater than 0 and at most {MAX_AMOUNT}.",
            ["subtotal"],
        )
    return subtotal


def line_amounts(
    quantity: Decimal | None,
    unit_price: Decimal | None,
    subtotal: Decimal | None,
    sales_tax: Decimal,
    currency: Currency,
) -> LineAmounts:
    if quantity is not None:
        quantity = check_decimal(
            quantity, ["quantity"], places=QUANTITY_PLACES, exclusive_minimum=True
        )
    if unit_price is not None:
        unit_price = check_decimal(unit_price, ["unitPrice"], places=PRICE_PLACES)
    net = _subtotal(quantity, unit_price, subtotal, currency.decimals)
    tax = check_decimal(sales_tax, ["salesTax"], places=currency.decimals)
    if net + tax > MAX_AMOUNT:
        raise DomainError(
            ErrorCode.OUT_OF_RANGE,
            f"The total, subtotal + sales tax, exceeds the largest amount, {MAX_AMOUNT}.",
            ["salesTax"],
        )
    return LineAmounts(quantity, unit_price, net, tax, net + tax)
