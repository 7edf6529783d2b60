"""Money: the one rounding an amount gets (half-up to its currency's decimals, once, when it is
stored; DOMAIN.md, Money) and how an amount is written out to a client, at its currency's
decimals (`142.80`, not the column's `142.8000`).

Both read paths write money by the same rule: `shown` here for the strawberry resolvers, its SQL
twin `compiler.sql.money` for the compiled path."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency, LegalEntity


def round_money(value: Decimal, decimals: int) -> Decimal:
    """Half-up to the currency's decimals: the one rounding an amount gets, when stored."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown(value: Decimal, decimals: int) -> Decimal:
    """`value` as a client reads it: with its currency's `decimals` (`142.8000` -> `142.80`,
    yen `1500.0000` -> `1500`), and more only when it has non-zero digits beyond them (a unit
    price kept to six places, `0.125000` -> `0.125`): writing out never rounds a stored value
    away. Amounts are stored rounded to their currency (round_money), so they always read at
    exactly its decimals."""
    exponent = value.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) else 0)
    written = value.quantize(Decimal(1).scaleb(-places))
    # PostgreSQL has no negative zero: `-0.00` would differ from the compiled path's `0.00`.
    return written.copy_abs() if written == 0 else written


@dataclass(frozen=True)
class CurrencyDecimals:
    """The decimals of every currency, and of every legal entity's accounting currency."""

    by_currency: dict[str, int]
    by_entity: dict[int, int]


async def currency_decimals(session: AsyncSession) -> CurrencyDecimals:
    """All of them in one statement: currencies and legal entities are a few rows of master
    data, cheaper to read whole than to look up amount by amount."""
    rows = await session.execute(
        select(Currency.code, Currency.decimals, LegalEntity.id).outerjoin(
            LegalEntity, LegalEntity.currency_code == Currency.code
        )
    )
    by_currency: dict[str, int] = {}
    by_entity: dict[int, int] = {}
    for code, decimals, entity_id in rows:
        by_currency[code] = decimals
        if entity_id is not None:
            by_entity[entity_id] = decimals
    return CurrencyDecimals(by_currency, by_entity)
