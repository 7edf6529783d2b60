"""Global master data (M2, M3, M6) is changed only with access to every legal entity
(domain/global_master_data.py, issue 12 point 10): an admin and accountant of DEPM alone may
not delete, correct or add the exchange rate USPM posts with, nor add units or categories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.categories import TransactionCategory
from db.models.master_data import ExchangeRate, UnitGroup
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.expenses import EUR_USD, expense_setup
from tests.support.world import World

DELETE = """mutation($id: ID!) {
  deleteExchangeRate(input: {id: $id}) { deletedId errors { code field message } } }"""
UPDATE = """mutation($input: UpdateExchangeRateInput!) {
  updateExchangeRate(input: $input) { exchangeRate { rate } errors { code field message } } }"""
CREATE = """mutation($input: CreateExchangeRateInput!) {
  createExchangeRate(input: $input) { exchangeRate { id } errors { code field message } } }"""
UNIT_GROUP = """mutation($input: CreateUnitGroupInput!) {
  createUnitGroup(input: $input) { unitGroup { id } errors { code field message } } }"""
CATEGORY = """mutation($input: CreateTransactionCategoryInput!) {
  createTransactionCategory(input: $input) {
    transactionCategory { id } errors { code field message } } }"""
LEGAL_ENTITY = """mutation($input: CreateLegalEntityInput!) {
  createLegalEntity(input: $input) { legalEntity { code } errors { code } } }"""
RATES_REFUSED = [
    {
        "code": "FORBIDDEN",
        "field": None,
        "message": "Exchange rates are shared by every legal entity: only an accountant or"
        " admin with access to every legal entity may change them.",
    }
]


async def _rates(session: AsyncSession) -> list[tuple[str, str, Any]]:
    rows = await session.execute(
        select(ExchangeRate.from_currency, ExchangeRate.to_currency, ExchangeRate.rate)
    )
    return [(source, target, rate) for source, target, rate in rows]


async def test_m6_an_admin_of_one_legal_entity_cannot_change_the_rate_another_posts_with(
    client: GraphQLClient, session: AsyncSession, world: World
) -> None:
    """USPM's EUR lines convert at the EUR->USD rate (E3); DEPM's admin and accountant
    (`outsider`) may neither delete nor correct it, nor add a rate that would replace it."""
    await expense_setup(session, world)
    rate_id = await session.scalar(select(ExchangeRate.id))
    assert rate_id is not None
    gid, outsider = encode_id("ExchangeRate", rate_id), world.tokens["outsider"]
    before = await _rates(session)
    assert before == [("EUR", "USD", EUR_USD)]

    deleted = await client.mutate(DELETE, {"id": gid}, outsider)
    changed = await client.mutate(UPDATE, {"input": {"id": gid, "rate": "2"}}, outsider)
    later = {"fromCurrency": "EUR", "toCurrency": "USD", "rate": "9", "validFrom": "2099-01-01"}
    added = await client.mutate(CREATE, {"input": later}, outsider)

    assert deleted == {"deletedId": None, "errors": RATES_REFUSED}
    assert changed == {"exchangeRate": None, "errors": RATES_REFUSED}
    assert added == {"exchangeRate": None, "errors": RATES_REFUSED}
    assert await _rates(session) == before
    # The accountant of both legal entities may.
    corrected = await client.mutate(
        UPDATE, {"input": {"id": gid, "rate": "1.0838"}}, world.tokens["accountant"]
    )
    assert corrected == {"exchangeRate": {"rate": "1.0838"}, "errors": []}


async def test_m2_m3_units_and_categories_need_an_admin_of_every_legal_entity(
    client: GraphQLClient, session: AsyncSession, world: World
) -> None:
    group = {"code": "TIME", "name": "Time", "baseUnitCode": "DAY", "baseUnitName": "Day"}
    category = {"code": "TRAVEL", "name": "Travel"}
    outsider, admin = world.tokens["outsider"], world.tokens["admin"]

    refused_group = await client.mutate(UNIT_GROUP, {"input": group}, outsider)
    refused_category = await client.mutate(CATEGORY, {"input": category}, outsider)

    assert [error["code"] for error in refused_group["errors"]] == ["FORBIDDEN"]
    assert refused_group["errors"][0]["message"].startswith("Unit groups and units are shared")
    assert [error["code"] for error in refused_category["errors"]] == ["FORBIDDEN"]
    assert await session.scalar(select(func.count()).select_from(UnitGroup)) == 0
    assert await session.scalar(select(func.count()).select_from(TransactionCategory)) == 0
    assert (await client.mutate(UNIT_GROUP, {"input": group}, admin))["errors"] == []
    assert (await client.mutate(CATEGORY, {"input": category}, admin))["errors"] == []


async def test_m6_a_new_legal_entity_counts_among_every_legal_entity(
    client: GraphQLClient, world: World
) -> None:
    """Once the admin opens FRPM, the accountant of USPM and DEPM no longer has every legal
    entity: until they are added to FRPM, rates are not theirs to change."""
    new = {"code": "FRPM", "name": "FRPM SAS", "currencyCode": "EUR"}
    opened = await client.mutate(LEGAL_ENTITY, {"input": new}, world.tokens["admin"])
    assert opened["errors"] == []
    rate = {"fromCurrency": "GBP", "toCurrency": "USD", "rate": "1.27", "validFrom": "2030-01-01"}

    refused = await client.mutate(CREATE, {"input": rate}, world.tokens["accountant"])

    assert refused == {"exchangeRate": None, "errors": RATES_REFUSED}
