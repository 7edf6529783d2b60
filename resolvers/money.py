"""Money as the API writes it: every amount at the decimals of the currency it is in
(domain/money.py), read from one per-request load of the currencies' decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, overload

from sqlalchemy import select

from db.models.prices import PriceList
from db.models.vendor_invoices import Subcontract, VendorInvoice
from domain.money import CurrencyDecimals, currency_decimals, shown

if TYPE_CHECKING:
    from resolvers.context import Context

_KEY = "currency_decimals"
# Rows whose lines are priced in their currency.
Priced = PriceList | VendorInvoice | Subcontract


async def _decimals(context: Context) -> CurrencyDecimals:
    """One statement per request, whatever the number of amounts (a DataLoader of one key)."""

    async def load(keys: list[None]) -> list[CurrencyDecimals]:
        found = await context.read(currency_decimals)
        return [found for _ in keys]

    return await context.loaders.batch(_KEY, load).load(None)


@overload
async def in_currency(context: Context, amount: Decimal, currency_code: str) -> Decimal: ...
@overload
async def in_currency(context: Context, amount: None, currency_code: str) -> None: ...
@overload
async def in_currency(
    context: Context, amount: Decimal | None, currency_code: str
) -> Decimal | None: ...
async def in_currency(
    context: Context, amount: Decimal | None, currency_code: str
) -> Decimal | None:
    """`amount`, in the currency `currency_code`, at that currency's decimals."""
    if amount is None:
        return None
    return shown(amount, (await _decimals(context)).by_currency[currency_code])


@overload
async def in_accounting_currency(context: Context, amount: Decimal, entity_id: int) -> Decimal: ...
@overload
async def in_accounting_currency(
    context: Context, amount: Decimal | None, entity_id: int
) -> Decimal | None: ...
async def in_accounting_currency(
    context: Context, amount: Decimal | None, entity_id: int
) -> Decimal | None:
    """`amount`, in the accounting currency of the legal entity `entity_id`, at its decimals."""
    if amount is None:
        return None
    return shown(amount, (await _decimals(context)).by_entity[entity_id])


async def in_currency_of(
    context: Context, amount: Decimal | None, parent: type[Priced], parent_id: int
) -> Decimal | None:
    """`amount`, in the currency of the `parent` row `parent_id` (a price list line's list, an
    invoice line's invoice); their codes read in one statement per batch of rows."""
    if amount is None:
        return None

    async def load(ids: list[int]) -> list[str]:
        statement = select(parent.id, parent.currency_code).where(parent.id.in_(ids))
        found = dict((await context.read(lambda s: s.execute(statement))).all())
        return [found[pk] for pk in ids]

    code = await context.loaders.batch(("currency_of", parent), load).load(parent_id)
    return await in_currency(context, amount, code)


async def decimals_of(context: Context, currency_code: str) -> int:
    """The decimals of the currency `currency_code`, for a resolver that writes many amounts in
    it (domain.money.shown)."""
    return (await _decimals(context)).by_currency[currency_code]
