"""M3: unit groups with their base unit and units (each with its factor to the base unit,
Week = 7 Day), by code and page by page, and units by `node(id:)`, read the same on both paths
for every role."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import UnitGroup
from domain import units
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.projects import time_units
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

GROUPS = """
query Groups($code: String, $after: String, $unit: ID!, $group: ID!) {
  unitGroups(code: $code, first: 2, after: $after) {
    __typename
    edges { cursor node { id __typename code name
      baseUnit { id code name factor unitGroup { code } }
      units { id code name factor unitGroup { id code baseUnit { code } } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  unit: node(id: $unit) { id __typename ... on Unit { code factor unitGroup { code } } }
  group: node(id: $group) { ... on UnitGroup { code units { code } } }
}"""


async def test_m3_unit_groups_and_units_read_the_same_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    time = await time_units(session, world)
    admin = world.actor("admin")
    month = units.NewUnit(time.day.unit_group_id, "MONTH", "Month", Decimal("30.416667"))
    hour = units.NewUnit(time.day.unit_group_id, "HOUR", "Hour", Decimal("0.041667"))
    for new in (month, hour):
        await units.create_unit(session, admin, new)
    session.add(UnitGroup(code="LOOSE", name="Without a base unit"))
    await session.commit()
    ids = {
        "unit": encode_id("Unit", time.week.id),
        "group": encode_id("UnitGroup", time.each.unit_group_id),
    }
    for token in world.tokens.values():
        for code in (None, "TIME", "time", "LOOSE"):
            after = None
            for _ in range(3):
                variables = {"code": code, "after": after, **ids}
                body, path = await both(client, reference, GROUPS, variables, token)
                assert path == "compiled", body
                after = body["data"]["unitGroups"]["pageInfo"]["endCursor"]
    body, _ = await both(client, reference, GROUPS, {"code": "TIME", **ids}, world.tokens["admin"])
    (group,) = body["data"]["unitGroups"]["edges"]
    factors = [unit["factor"] for unit in group["node"]["units"]]
    assert factors == ["1.000000", "7.000000", "30.416667", "0.041667"], body
    assert body["data"]["unit"]["factor"] == "7.000000", body
