"""Price lists through the API (M4): create, lines per method, typed errors writing nothing,
and other legal entities' lists kept out (M1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.prices import PriceContext, PriceList, PriceListLine
from schema.relay import encode_id
from tests.support import projects as make
from tests.support.client import GraphQLClient, error_codes
from tests.support.projects import gid
from tests.support.world import World

CREATE = """
mutation($input: CreatePriceListInput!) {
  createPriceList(input: $input) {
    priceList { id name context currencyCode validFrom validTo isDefault }
    errors { code field message }
  }
}"""
ADD_LINE = """
mutation($input: AddPriceListLineInput!) {
  addPriceListLine(input: $input) {
    priceListLine { id pricingMethod price markupPercent unit { code }
      transactionCategory { code } }
    errors { code field message }
  }
}"""
LISTS = """query($context: PriceContext) {
  priceLists(context: $context) { nodes { name lines { pricingMethod price markupPercent } } }
}"""


def new_list(**changes: Any) -> dict[str, Any]:
    values = {
        "legalEntity": "USPM",
        "name": "Sales 2024",
        "context": "SALES",
        "currencyCode": "USD",
        "validFrom": "2024-01-01",
    }
    return {"input": values | changes}


async def count(session: AsyncSession, model: type[PriceList | PriceListLine]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def raw_gid(type_name: str, pk: int) -> str:
    return str(encode_id(type_name, pk))


def errors(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def test_m4_price_list_with_a_line_per_method(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    travel, hotel, meals = [await make.category(session, c) for c in ("TRAVEL", "HOTEL", "MEALS")]
    await session.commit()
    token = world.tokens["accountant"]
    created = await client.mutate(CREATE, new_list(isDefault=True), token)
    assert created["errors"] == []
    assert created["priceList"]["context"] == "SALES" and created["priceList"]["validTo"] is None
    list_id = created["priceList"]["id"]
    for category, extra in (
        (travel, {"price": "85.50"}),
        (hotel, {"pricingMethod": "AT_COST"}),
        (meals, {"pricingMethod": "MARKUP", "markupPercent": "12.5"}),
    ):
        variables = {
            "input": {
                "priceListId": list_id,
                "transactionCategoryId": gid("TransactionCategory", category),
            }
            | extra
        }
        payload = await client.mutate(ADD_LINE, variables, token)
        assert payload["errors"] == [], payload
    data = await client.data(LISTS, {"context": "SALES"}, token)
    assert data["priceLists"]["nodes"] == [
        {
            "name": "Sales 2024",
            "lines": [
                {"pricingMethod": "PER_UNIT", "price": "85.50", "markupPercent": None},
                {"pricingMethod": "AT_COST", "price": None, "markupPercent": None},
                {"pricingMethod": "MARKUP", "price": None, "markupPercent": "12.500000"},
            ],
        }
    ]
    assert (await client.data(LISTS, {"context": "COST"}, token))["priceLists"]["nodes"] == []


async def test_m4_bad_price_list_input_is_typed_and_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await make.price_list(session, world, "Taken")
    await session.commit()
    before = await count(session, PriceList)
    cases = [
        ("admin", {"validTo": "2023-12-31"}, "OUT_OF_RANGE", ["validTo"]),
        ("admin", {"validFrom": "1000-01-01"}, "OUT_OF_RANGE", ["validFrom"]),
        ("admin", {"name": "Taken"}, "DUPLICATE", ["name"]),
        ("admin", {"currencyCode": "XYZ"}, "NOT_FOUND", ["currencyCode"]),
        ("outsider", {}, "NOT_FOUND", ["legalEntity"]),
        ("manager", {}, "FORBIDDEN", None),
        ("employee", {}, "FORBIDDEN", None),
    ]
    for user, changes, code, field in cases:
        payload = await client.mutate(CREATE, new_list(**changes), world.tokens[user])
        assert payload["priceList"] is None
        assert errors(payload) == [(code, field)], changes
    assert await count(session, PriceList) == before


async def test_m4_bad_line_input_is_typed_and_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    travel = await make.category(session, "TRAVEL")
    plist = await make.price_list(session, world, "Sales")
    cost = await make.price_list(session, world, "Cost", context=PriceContext.COST)
    await make.line(session, world, plist, travel, price="1")
    await session.commit()
    before = await count(session, PriceListLine)
    line = {
        "priceListId": gid("PriceList", plist),
        "transactionCategoryId": gid("TransactionCategory", travel),
    }
    cases: list[tuple[str, dict[str, Any], str, list[str] | None]] = [
        ("admin", {"price": "-1"}, "OUT_OF_RANGE", ["price"]),
        ("admin", {"price": "1.0000001"}, "TOO_PRECISE", ["price"]),
        ("admin", {}, "REQUIRED", ["price"]),
        ("admin", {"price": "5", "markupPercent": "3"}, "INVALID", ["markupPercent"]),
        ("admin", {"pricingMethod": "MARKUP"}, "REQUIRED", ["markupPercent"]),
        (
            "admin",
            {"pricingMethod": "MARKUP", "markupPercent": "-5"},
            "OUT_OF_RANGE",
            ["markupPercent"],
        ),
        ("admin", {"price": "2"}, "DUPLICATE", ["transactionCategoryId"]),
        (
            "admin",
            {"price": "2", "transactionCategoryId": raw_gid("TransactionCategory", 999999)},
            "NOT_FOUND",
            ["transactionCategoryId"],
        ),
        ("admin", {"price": "2", "unitId": raw_gid("Unit", 999999)}, "NOT_FOUND", ["unitId"]),
        ("admin", {"price": "2", "unitId": "nonsense"}, "INVALID", ["unitId"]),
        ("admin", {"price": "2", "priceListId": gid("Unit", plist)}, "INVALID", ["priceListId"]),
        (
            "admin",
            {"pricingMethod": "AT_COST", "priceListId": gid("PriceList", cost)},
            "INVALID",
            ["pricingMethod"],
        ),
        ("manager", {"price": "2"}, "FORBIDDEN", None),
        ("outsider", {"price": "2"}, "NOT_FOUND", ["priceListId"]),  # another company's list
    ]
    for user, changes, code, field in cases:
        payload = await client.mutate(ADD_LINE, {"input": line | changes}, world.tokens[user])
        assert payload["priceListLine"] is None
        assert errors(payload) == [(code, field)], changes
    assert await count(session, PriceListLine) == before


async def test_m1_price_lists_of_other_entities_stay_invisible(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    await make.price_list(session, world, "US")
    german = await make.price_list(session, world, "DE", entity="DEPM", currency="EUR")
    await session.commit()
    data = await client.data("{ priceLists { nodes { name } } }", token=world.tokens["manager"])
    assert data["priceLists"]["nodes"] == [{"name": "US"}]
    update = """mutation($input: UpdatePriceListInput!) {
      updatePriceList(input: $input) { priceList { name } errors { code field } }
    }"""
    payload = await client.mutate(
        update, {"input": {"id": gid("PriceList", german), "name": "X"}}, world.tokens["accountant"]
    )
    assert payload == {"priceList": {"name": "X"}, "errors": []}  # the accountant has DEPM
    payload = await client.mutate(
        update, {"input": {"id": gid("PriceList", german), "name": "Y"}}, world.tokens["manager"]
    )
    assert error_codes(payload) == ["FORBIDDEN"]


async def test_m4_update_and_delete_lines_and_reopen_a_list(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    travel = await make.category(session, "TRAVEL")
    plist = await make.price_list(session, world, "Sales", valid_to=dt.date(2024, 12, 31))
    row = await make.line(session, world, plist, travel, price="10")
    await session.commit()
    token = world.tokens["accountant"]
    update_line = """mutation($input: UpdatePriceListLineInput!) {
      updatePriceListLine(input: $input) {
        priceListLine { pricingMethod price markupPercent } errors { code field }
      }
    }"""
    changes = {"id": gid("PriceListLine", row), "pricingMethod": "MARKUP", "markupPercent": "20"}
    payload = await client.mutate(update_line, {"input": changes}, token)
    assert payload == {
        "priceListLine": {"pricingMethod": "MARKUP", "price": None, "markupPercent": "20.000000"},
        "errors": [],
    }
    reopen = """mutation($input: UpdatePriceListInput!) {
      updatePriceList(input: $input) { priceList { validFrom validTo } errors { code field } }
    }"""
    payload = await client.mutate(
        reopen, {"input": {"id": gid("PriceList", plist), "validFrom": "2025-02-01"}}, token
    )
    assert errors(payload) == [("OUT_OF_RANGE", ["validTo"])]  # would end before it starts
    payload = await client.mutate(
        reopen, {"input": {"id": gid("PriceList", plist), "validTo": None}}, token
    )
    assert payload == {"priceList": {"validFrom": "2024-01-01", "validTo": None}, "errors": []}
    delete = """mutation($id: ID!) {
      deletePriceListLine(input: {id: $id}) { deletedId errors { code } }
    }"""
    payload = await client.mutate(delete, {"id": gid("PriceListLine", row)}, token)
    assert payload == {"deletedId": gid("PriceListLine", row), "errors": []}
    assert await count(session, PriceListLine) == 0
