"""Unit groups and units through the API (M3): admins create them, everyone reads them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import Unit
from tests.support.client import GraphQLClient
from tests.support.world import World

CREATE_GROUP = """
mutation($input: CreateUnitGroupInput!) {
  createUnitGroup(input: $input) {
    unitGroup { id code baseUnit { code factor } } errors { code field }
  }
}"""
CREATE_UNIT = """
mutation($input: CreateUnitInput!) {
  createUnit(input: $input) { unit { code factor unitGroup { code } } errors { code field } }
}"""
GROUPS = "{ unitGroups { nodes { code baseUnit { code } units { code factor } } } }"


def errors(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(error["code"], error["field"]) for error in payload["errors"]]


async def test_m3_admin_creates_group_with_base_unit_and_units(
    client: GraphQLClient, world: World
) -> None:
    group = {"code": "TIME", "name": "Time", "baseUnitCode": "DAY", "baseUnitName": "Day"}
    payload = await client.mutate(CREATE_GROUP, {"input": group}, world.tokens["admin"])
    assert payload["unitGroup"]["baseUnit"] == {"code": "DAY", "factor": "1.000000"}
    group_id = payload["unitGroup"]["id"]
    week = {"unitGroupId": group_id, "code": "WEEK", "name": "Week", "factor": "7"}
    payload = await client.mutate(CREATE_UNIT, {"input": week}, world.tokens["admin"])
    assert payload == {
        "unit": {"code": "WEEK", "factor": "7.000000", "unitGroup": {"code": "TIME"}},
        "errors": [],
    }
    data = await client.data(GROUPS, token=world.tokens["employee"])
    assert data["unitGroups"]["nodes"] == [
        {
            "code": "TIME",
            "baseUnit": {"code": "DAY"},
            "units": [
                {"code": "DAY", "factor": "1.000000"},
                {"code": "WEEK", "factor": "7.000000"},
            ],
        }
    ]


async def test_m3_bad_unit_input_is_typed_and_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    group = {"code": "TIME", "name": "Time", "baseUnitCode": "DAY", "baseUnitName": "Day"}
    payload = await client.mutate(CREATE_GROUP, {"input": group}, world.tokens["accountant"])
    assert errors(payload) == [("FORBIDDEN", None)]
    payload = await client.mutate(CREATE_GROUP, {"input": group}, world.tokens["admin"])
    group_id = payload["unitGroup"]["id"]
    payload = await client.mutate(CREATE_GROUP, {"input": group}, world.tokens["admin"])
    assert errors(payload) == [("DUPLICATE", ["code"])]
    before = await session.scalar(select(func.count()).select_from(Unit))
    unit = {"unitGroupId": group_id, "code": "WEEK", "name": "Week", "factor": "7"}
    cases = [
        ("admin", {"factor": "0"}, "OUT_OF_RANGE", ["factor"]),
        ("admin", {"factor": "-7"}, "OUT_OF_RANGE", ["factor"]),
        ("admin", {"factor": "7.0000001"}, "TOO_PRECISE", ["factor"]),
        ("admin", {"code": "DAY"}, "DUPLICATE", ["code"]),
        ("admin", {"unitGroupId": "VW5pdEdyb3VwOjk5OTk5"}, "NOT_FOUND", ["unitGroupId"]),
        ("admin", {"unitGroupId": "bad"}, "INVALID", ["unitGroupId"]),
        ("accountant", {}, "FORBIDDEN", None),
    ]
    for user, changes, code, field in cases:
        payload = await client.mutate(CREATE_UNIT, {"input": unit | changes}, world.tokens[user])
        assert payload["unit"] is None
        assert errors(payload) == [(code, field)], changes
    assert await session.scalar(select(func.count()).select_from(Unit)) == before
