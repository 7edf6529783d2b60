"""Money as a client reads it: at its currency's decimals (`142.80`), never rounded away on
the way out, the same text on both read paths (domain.money.shown and compiler.sql.money)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from compiler.sql import money
from domain.money import currency_decimals, round_money, shown


@pytest.mark.parametrize(
    ("stored", "decimals", "written"),
    [
        ("142.8000", 2, "142.80"),  # an amount column keeps 4 places: written with 2
        ("330.0000", 2, "330.00"),
        ("1500.0000", 0, "1500"),  # yen
        ("12.3450", 3, "12.345"),  # a currency of 3 decimals
        ("-119.0100", 2, "-119.01"),  # a credit, a reversal
        ("0.0000", 2, "0.00"),
        ("34.670000", 2, "34.67"),  # a unit price column keeps 6 places
        ("0.125000", 2, "0.125"),  # a price entered with more places keeps them
        ("100", 4, "100.0000"),
    ],
)
def test_shown_writes_the_currency_decimals_and_never_drops_a_digit(
    stored: str, decimals: int, written: str
) -> None:
    assert str(shown(Decimal(stored), decimals)) == written


def test_round_money_rounds_half_up_once() -> None:
    assert round_money(Decimal("2.345"), 2) == Decimal("2.35")
    assert round_money(Decimal("-2.345"), 2) == Decimal("-2.35")  # half away from zero
    assert str(round_money(Decimal("1499.5"), 0)) == "1500"


# Values of NUMERIC(19,4) amounts and NUMERIC(19,6) prices, with the column's scale.
stored_values = st.one_of(
    st.decimals(min_value=-(10**14), max_value=10**14, places=4),
    st.decimals(min_value=-(10**12), max_value=10**12, places=6),
)


# The session only reads: nothing to reset between examples.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.tuples(stored_values, st.integers(0, 4)), min_size=1, max_size=50))
async def test_both_read_paths_write_money_alike(
    session: AsyncSession, values: list[tuple[Decimal, int]]
) -> None:
    """The compiled path's SQL gives, as text, exactly what the reference path serialises."""
    for value, decimals in values:
        sql = money(":value", ":decimals")
        got = await session.scalar(text(f"SELECT {sql}"), {"value": value, "decimals": decimals})
        assert got == str(shown(value, decimals)), (value, decimals)


async def test_currency_decimals_of_currencies_and_accounting_currencies(
    session: AsyncSession,
) -> None:
    await session.execute(
        text("INSERT INTO legal_entity (code, name, currency_code) VALUES ('JPLE', 'JP', 'JPY')")
    )
    entity = await session.scalar(text("SELECT id FROM legal_entity WHERE code = 'JPLE'"))
    found = await currency_decimals(session)
    assert (found.by_currency["JPY"], found.by_currency["EUR"]) == (0, 2)
    assert found.by_entity[entity] == 0
