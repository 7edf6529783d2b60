"""The rate used on a date (M6): on the date and never later, inverse, missing is an error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Date, String, column, select, values
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import ExchangeRate
from domain.errors import DomainError, ErrorCode
from domain.rates import rate_on, rate_on_sql

JAN = dt.date(2030, 1, 1)
FEB = dt.date(2030, 2, 1)


@pytest.fixture
async def rates(session: AsyncSession) -> None:
    session.add_all(
        [
            ExchangeRate(
                from_currency="USD", to_currency="EUR", rate=Decimal("0.9"), valid_from=JAN
            ),
            ExchangeRate(
                from_currency="USD", to_currency="EUR", rate=Decimal("0.8"), valid_from=FEB
            ),
            ExchangeRate(
                from_currency="GBP", to_currency="USD", rate=Decimal("1.3"), valid_from=JAN
            ),
            ExchangeRate(
                from_currency="EUR", to_currency="USD", rate=Decimal("1.5"), valid_from=JAN
            ),
        ]
    )
    await session.flush()


async def test_m6_rate_valid_on_the_date_never_a_later_one(
    session: AsyncSession, rates: None
) -> None:
    assert await rate_on(session, "USD", "EUR", dt.date(2030, 1, 31)) == Decimal("0.9")
    assert await rate_on(session, "USD", "EUR", FEB) == Decimal("0.8")
    assert await rate_on(session, "USD", "EUR", dt.date(2031, 6, 1)) == Decimal("0.8")


async def test_m6_inverse_of_the_opposite_pair_half_up(session: AsyncSession, rates: None) -> None:
    # 1 / 1.3 = 0.76923076..., kept at 6 places
    assert await rate_on(session, "USD", "GBP", FEB) == Decimal("0.769231")
    stored = {"CHF": "8", "DKK": "1.6", "SEK": "3", "JPY": "0.000064"}
    session.add_all(
        ExchangeRate(from_currency=code, to_currency="NOK", rate=Decimal(rate), valid_from=JAN)
        for code, rate in stored.items()
    )
    await session.flush()
    found = {code: await rate_on(session, "NOK", code, FEB) for code in stored}
    assert found == {
        "CHF": Decimal("0.125000"),
        "DKK": Decimal("0.625000"),
        "SEK": Decimal("0.333333"),
        "JPY": Decimal("15625.000000"),
    }


async def test_m6_an_inverse_too_small_to_keep_is_missing_never_zero(
    session: AsyncSession,
) -> None:
    session.add(
        ExchangeRate(
            from_currency="JPY", to_currency="CAD", rate=Decimal(3_000_000), valid_from=JAN
        )
    )
    await session.flush()
    with pytest.raises(DomainError) as raised:
        await rate_on(session, "CAD", "JPY", FEB)
    assert raised.value.code == ErrorCode.MISSING_EXCHANGE_RATE


async def test_m6_direct_pair_wins_over_the_inverse(session: AsyncSession, rates: None) -> None:
    # Both EUR->USD (1.5) and USD->EUR (0.9) exist: each direction uses its own rate.
    assert await rate_on(session, "EUR", "USD", JAN) == Decimal("1.5")
    assert await rate_on(session, "USD", "EUR", JAN) == Decimal("0.9")


async def test_m6_same_currency_is_one(session: AsyncSession) -> None:
    assert await rate_on(session, "EUR", "EUR", JAN) == Decimal(1)


async def test_m6_missing_rate_is_an_error_never_one_or_zero(
    session: AsyncSession, rates: None
) -> None:
    for source, target, day in (
        ("USD", "EUR", dt.date(2029, 12, 31)),
        ("USD", "JPY", FEB),
        ("GBP", "USD", dt.date(2029, 12, 31)),
    ):
        with pytest.raises(DomainError) as raised:
            await rate_on(session, source, target, day, field=["date"])
        error = raised.value
        assert (error.code, error.field) == (ErrorCode.MISSING_EXCHANGE_RATE, ["date"])
        assert source in error.message and target in error.message and str(day) in error.message


async def test_m6_rate_on_sql_agrees_with_rate_on(session: AsyncSession, rates: None) -> None:
    cases = [
        ("USD", "EUR", dt.date(2030, 1, 31)),
        ("USD", "EUR", FEB),
        ("EUR", "USD", FEB),
        ("USD", "GBP", FEB),
        ("EUR", "EUR", JAN),
        ("USD", "EUR", dt.date(2029, 12, 31)),
        ("USD", "JPY", FEB),
    ]
    rows = values(
        column("source", String), column("target", String), column("day", Date), name="t"
    ).data(cases)
    statement = select(
        rows.c.source,
        rows.c.target,
        rows.c.day,
        rate_on_sql(rows.c.source, rows.c.target, rows.c.day),
    )
    found = {(s, t, d): rate for s, t, d, rate in await session.execute(statement)}
    for source, target, day in cases:
        try:
            expected: Decimal | None = await rate_on(session, source, target, day)
        except DomainError:
            expected = None  # NULL in SQL: the caller reports MISSING_EXCHANGE_RATE
        assert found[(source, target, day)] == expected, (source, target, day)
