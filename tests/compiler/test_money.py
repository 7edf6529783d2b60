"""Money reads at its currency's decimals on both paths (issue 11): a yen price without
decimals, a dinar price with three, a dollar price with two, and a price entered with more
places than its currency keeps them (domain.money.shown, compiler.sql.money)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency, LegalEntity
from tests.support import projects as support
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

PRICES = """
query { priceLists(legalEntity: "USPM") { nodes { name currencyCode lines { price } } } }"""


async def test_prices_read_at_their_price_lists_currency_decimals(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    session.add(Currency(code="KWD", name="Kuwaiti dinar", decimals=3))
    hours = await support.category(session, "HOURS")
    for name, currency, price in (
        ("Yen", "JPY", "1500"),
        ("Dinar", "KWD", "12.5"),
        ("Dollar", "USD", "42.8"),
        ("Fine", "USD", "0.125"),
    ):
        price_list = await support.price_list(session, world, name, currency=currency)
        await support.line(session, world, price_list, hours, price=price)
    await session.commit()
    body, path = await both(client, reference, PRICES, {}, world.tokens["accountant"])
    assert path == "compiled", body
    read = {
        (node["name"], node["currencyCode"]): [line["price"] for line in node["lines"]]
        for node in body["data"]["priceLists"]["nodes"]
    }
    assert read == {
        ("Yen", "JPY"): ["1500"],
        ("Dinar", "KWD"): ["12.500"],
        ("Dollar", "USD"): ["42.80"],
        ("Fine", "USD"): ["0.125"],  # more places than the dollar's: kept, never rounded away
    }


BALANCES = """query { accounts(legalEntity: "DEPM") { nodes { balance(asOf: "2030-01-01") } }
  trialBalance(legalEntity: "DEPM", fromDate: "2030-01-01", toDate: "2030-01-31") {
    totals { openingBalance debits credits closingBalance } } }"""


async def test_accounting_amounts_read_at_the_legal_entitys_currency_decimals(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    """Balances are in the legal entity's accounting currency: at its decimals, not the
    column's (a legal entity keeping its books in yen, say)."""
    depm = await session.get(LegalEntity, world.entity_id("DEPM"))
    assert depm is not None
    for currency, zero in (("JPY", "0"), ("EUR", "0.00")):
        depm.currency_code = currency
        await session.commit()
        body, path = await both(client, reference, BALANCES, {}, world.tokens["admin"])
        assert path == "compiled", body
        balances = {node["balance"] for node in body["data"]["accounts"]["nodes"]}
        assert balances == {zero}, body
        assert set(body["data"]["trialBalance"]["totals"].values()) == {zero}, body
