"""Exchange rates through the API (M6): create, filter, correct, delete, typed errors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import ExchangeRate
from schema.relay import encode_id
from tests.support.client import GraphQLClient, error_codes
from tests.support.world import World

CREATE = """
mutation($input: CreateExchangeRateInput!) {
  createExchangeRate(input: $input) {
    exchangeRate { id fromCurrency toCurrency rate validFrom }
    errors { code field message }
  }
}"""
UPDATE = """
mutation($input: UpdateExchangeRateInput!) {
  updateExchangeRate(input: $input) {
    exchangeRate { rate validFrom } errors { code field message }
  }
}"""
DELETE = """
mutation($id: ID!) { deleteExchangeRate(input: {id: $id}) { deletedId errors { code field } } }"""
RATES = """
query($from: String, $to: String) {
  exchangeRates(fromCurrency: $from, toCurrency: $to) {
    edges { node { fromCurrency toCurrency rate validFrom } }
  }
}"""
RATE_ON = """
query($from: String!, $to: String!, $date: Date!) {
  exchangeRateOn(fromCurrency: $from, toCurrency: $to, date: $date)
}"""


async def create(client: GraphQLClient, world: World, **fields: str) -> dict[str, Any]:
    payload = await client.mutate(CREATE, {"input": fields}, token=world.tokens["accountant"])
    assert payload["errors"] == [], payload
    rate: dict[str, Any] = payload["exchangeRate"]
    return rate


async def rate_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ExchangeRate)) or 0


async def test_m6_create_filter_update_delete_rates(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    created = await create(
        client, world, fromCurrency="usd", toCurrency="EUR", rate="0.912345", validFrom="2030-01-01"
    )
    assert (created["fromCurrency"], created["toCurrency"], created["rate"]) == (
        "USD",
        "EUR",
        "0.912345",
    )
    await create(
        client, world, fromCurrency="EUR", toCurrency="USD", rate="1.1", validFrom="2030-01-01"
    )
    await create(
        client, world, fromCurrency="USD", toCurrency="GBP", rate="0.8", validFrom="2030-01-01"
    )
    from_usd = await client.data(RATES, {"from": "USD"}, token=world.tokens["employee"])
    assert [e["node"]["toCurrency"] for e in from_usd["exchangeRates"]["edges"]] == ["EUR", "GBP"]
    pair = await client.data(RATES, {"from": "USD", "to": "EUR"}, token=world.tokens["employee"])
    assert [e["node"]["rate"] for e in pair["exchangeRates"]["edges"]] == ["0.912345"]

    updated = await client.mutate(
        UPDATE,
        {"input": {"id": created["id"], "rate": "0.95", "validFrom": "2030-02-01"}},
        token=world.tokens["admin"],
    )
    assert updated == {"exchangeRate": {"rate": "0.95", "validFrom": "2030-02-01"}, "errors": []}
    on = await client.data(
        RATE_ON, {"from": "USD", "to": "EUR", "date": "2030-02-10"}, token=world.tokens["employee"]
    )
    assert on["exchangeRateOn"] == "0.950000"

    deleted = await client.mutate(DELETE, {"id": created["id"]}, token=world.tokens["accountant"])
    assert deleted == {"deletedId": created["id"], "errors": []}
    assert await rate_count(session) == 2
    # With the direct rate gone, the opposite pair's inverse applies (M6).
    inverse = await client.data(
        RATE_ON, {"from": "USD", "to": "EUR", "date": "2030-02-10"}, token=world.tokens["employee"]
    )
    assert inverse["exchangeRateOn"] == "0.909091"


async def test_m6_missing_rate_is_an_error_over_the_api(
    client: GraphQLClient, world: World
) -> None:
    body = await client.execute(
        RATE_ON, {"from": "USD", "to": "JPY", "date": "2030-01-01"}, token=world.tokens["employee"]
    )
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["reason"] == "MISSING_EXCHANGE_RATE"
    assert "USD" in error["message"] and "JPY" in error["message"]
    assert "2030-01-01" in error["message"]


async def test_m6_rate_bad_input_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await create(
        client, world, fromCurrency="USD", toCurrency="EUR", rate="0.9", validFrom="2030-01-01"
    )
    before = await rate_count(session)
    base = {"fromCurrency": "USD", "toCurrency": "CHF", "rate": "0.9", "validFrom": "2030-01-01"}
    cases: list[tuple[dict[str, Any], str, str, list[str] | None]] = [
        ({"rate": "0"}, "accountant", "OUT_OF_RANGE", ["rate"]),
        ({"rate": "-1.5"}, "accountant", "OUT_OF_RANGE", ["rate"]),
        ({"rate": "1.1234567"}, "accountant", "TOO_PRECISE", ["rate"]),
        ({"rate": "NaN"}, "accountant", "INVALID", ["rate"]),
        ({"rate": "99999999999999"}, "accountant", "OUT_OF_RANGE", ["rate"]),
        ({"validFrom": "3000-01-01"}, "accountant", "OUT_OF_RANGE", ["validFrom"]),
        ({"toCurrency": "usd"}, "accountant", "INVALID", ["toCurrency"]),
        ({"fromCurrency": "XYZ"}, "accountant", "NOT_FOUND", ["fromCurrency"]),
        ({"toCurrency": "EUR"}, "accountant", "DUPLICATE", ["validFrom"]),
        ({}, "employee", "FORBIDDEN", None),
        ({}, "manager", "FORBIDDEN", None),
    ]
    for change, user, code, field in cases:
        payload = await client.mutate(
            CREATE, {"input": {**base, **change}}, token=world.tokens[user]
        )
        assert payload["exchangeRate"] is None, change
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], change
    assert await rate_count(session) == before


async def test_m6_update_and_delete_bad_input_change_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    first = await create(
        client, world, fromCurrency="USD", toCurrency="EUR", rate="0.9", validFrom="2030-01-01"
    )
    await create(
        client, world, fromCurrency="USD", toCurrency="EUR", rate="0.8", validFrom="2030-02-01"
    )
    unknown = encode_id("ExchangeRate", 10**9)
    updates: list[tuple[dict[str, Any], str, str, list[str] | None]] = [
        ({"rate": "0"}, "accountant", "OUT_OF_RANGE", ["rate"]),
        ({"rate": "0.0000001"}, "accountant", "TOO_PRECISE", ["rate"]),
        ({"validFrom": "2030-02-01"}, "accountant", "DUPLICATE", ["validFrom"]),
        ({"validFrom": "0999-01-01"}, "accountant", "OUT_OF_RANGE", ["validFrom"]),
        ({"id": unknown, "rate": "1"}, "accountant", "NOT_FOUND", ["id"]),
        ({"id": "bogus", "rate": "1"}, "accountant", "INVALID", ["id"]),
        ({"id": encode_id("Account", 1), "rate": "1"}, "accountant", "INVALID", ["id"]),
        ({"rate": "1"}, "employee", "FORBIDDEN", None),
    ]
    for change, user, code, field in updates:
        payload = await client.mutate(
            UPDATE, {"input": {"id": first["id"], **change}}, token=world.tokens[user]
        )
        assert payload["exchangeRate"] is None, change
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], change
    for gid, user, code in (
        (first["id"], "employee", "FORBIDDEN"),
        (unknown, "admin", "NOT_FOUND"),
    ):
        payload = await client.mutate(DELETE, {"id": gid}, token=world.tokens[user])
        assert (payload["deletedId"], error_codes(payload)) == (None, [code])
    rates = (
        await session.scalars(
            select(ExchangeRate)
            .order_by(ExchangeRate.valid_from)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert [(str(r.rate), str(r.valid_from)) for r in rates] == [
        ("0.900000", "2030-01-01"),
        ("0.800000", "2030-02-01"),
    ]
