"""M6: exchange rates and the rate valid on a date read the same on both paths for every role:
the pair's latest rate from the date on, the inverse of the opposite pair's, 1 for one
currency; a missing rate (or an inverse too small to keep) is the reference path's
MISSING_EXCHANGE_RATE on both apps, never 1 and never 0."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import ExchangeRate
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import TODAY, World
from tests.test_app import metric

__all__ = ["reference"]

RATES = """
query Rates($from: String, $to: String, $after: String, $on: Date!) {
  exchangeRates(fromCurrency: $from, toCurrency: $to, first: 2, after: $after) {
    edges { cursor node { id __typename fromCurrency toCurrency rate validFrom } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  eurUsd: exchangeRateOn(fromCurrency: "eur", toCurrency: "USD", date: $on)
  usdEur: exchangeRateOn(fromCurrency: "USD", toCurrency: "EUR", date: $on)
  same: exchangeRateOn(fromCurrency: "usd", toCurrency: "USD", date: "1900-01-01")
  tiny: exchangeRateOn(fromCurrency: "JPY", toCurrency: "CHF", date: $on)
}"""
ROWS = [  # from, to, rate, days before today
    ("EUR", "USD", "1.0837", 400),
    ("EUR", "USD", "1.1000", 10),
    ("CHF", "JPY", "2000000", 400),  # inverse: 0.0000005 rounds up to 0.000001
    ("GBP", "JPY", "3000000", 400),  # inverse: rounds to 0, missing
    ("USD", "DKK", "6.90", 5),
]


@pytest.fixture
async def rates(session: AsyncSession, world: World) -> World:
    session.add_all(
        ExchangeRate(
            from_currency=source,
            to_currency=target,
            rate=Decimal(rate),
            valid_from=TODAY - dt.timedelta(days=days),
        )
        for source, target, rate, days in ROWS
    )
    await session.commit()
    return world


async def test_m6_rates_and_the_rate_on_a_date_read_the_same_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, rates: World
) -> None:
    filters = [(None, None), ("eur", None), (None, "JPY"), ("EUR", "usd"), ("XXX", None)]
    days = [str(TODAY - dt.timedelta(days=n)) for n in (10, 11, 0)]
    for user, token in rates.tokens.items():
        for (source, target), on in zip(filters, days * 2, strict=False):
            after = None
            for _ in range(4):
                variables = {"from": source, "to": target, "after": after, "on": on}
                body, path = await both(client, reference, RATES, variables, token)
                assert path == "compiled", (user, body)
                after = body["data"]["exchangeRates"]["pageInfo"]["endCursor"]
    body, _ = await both(client, reference, RATES, {"on": days[0]}, rates.tokens["employee"])
    data = body["data"]
    assert (data["eurUsd"], data["same"], data["tiny"]) == ("1.100000", "1", "0.000001"), data


async def test_m6_a_missing_rate_is_the_reference_paths_error_on_both_apps(
    client: GraphQLClient, reference: GraphQLClient, rates: World
) -> None:
    query = """query($f: String!, $t: String!, $on: Date!) {
      exchangeRateOn(fromCurrency: $f, toCurrency: $t, date: $on) }"""
    long_ago = str(TODAY - dt.timedelta(days=1000))
    cases = [("EUR", "USD", long_ago), ("JPY", "GBP", str(TODAY)), ("SEK", "NOK", str(TODAY))]
    before = {reason: await _fallbacks(client, reason) for reason in ("refused", "failed")}
    for source, target, on in cases:
        variables = {"f": source, "t": target, "on": on}
        body, path = await both(client, reference, query, variables, rates.tokens["accountant"])
        assert path is None, body
        assert body["errors"][0]["extensions"]["reason"] == "MISSING_EXCHANGE_RATE", body
    # Each compiled statement failed on purpose to hand the request over: not a fault.
    assert await _fallbacks(client, "refused") == before["refused"] + len(cases)
    assert await _fallbacks(client, "failed") == before["failed"]


async def _fallbacks(client: GraphQLClient, reason: str) -> float:
    return await metric(client, "projops_read_fallbacks_total", reason=reason)
