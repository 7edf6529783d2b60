"""Money reads at its currency's decimals on both paths (issue 11): a yen price without
decimals, a dinar price with three, a dollar price with two, and a price entered with more
places than its currency keeps them (domain.money.shown, compiler.sql.money)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Currency
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
