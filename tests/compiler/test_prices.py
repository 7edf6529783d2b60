"""M4, M1: price lists of every context with their lines (per unit, at cost, markup; with and
without a unit), the lists assigned to a project, and both by `node(id:)`, read the same on
both paths for every role: a caller sees only their legal entities' lists."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.prices import PriceContext, PricingMethod
from schema.relay import encode_id
from tests.support import projects as support
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

LISTS = """
query Lists($entity: String, $context: PriceContext, $after: String, $list: ID!, $line: ID!) {
  priceLists(legalEntity: $entity, context: $context, first: 2, after: $after) {
    edges { cursor node { ...List } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  projects { nodes { code priceLists(first: 5) { ...List } } }
  list: node(id: $list) { id __typename ...List }
  line: node(id: $line) { ... on PriceListLine { pricingMethod price unit { code } } }
}
fragment List on PriceList {
  id name context currencyCode validFrom validTo isDefault legalEntity { id code }
  lines(first: 10) { id __typename transactionCategory { id code } pricingMethod price markupPercent
    unit { id code factor unitGroup { code } } }
}"""


async def test_m4_price_lists_and_project_price_lists_read_the_same_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    time = await support.time_units(session, world)
    hours, fees = await support.category(session, "HOURS"), await support.category(session, "FEES")
    us = await support.project(session, world, "US1", tasks=1)
    de = await support.project(session, world, "DE1", entity="DEPM", manager="outsider")
    cost = await support.price_list(session, world, "Cost", context=PriceContext.COST)
    sales = await support.price_list(
        session, world, "Sales", valid_to=dt.date(2030, 12, 31), is_default=True
    )
    await support.price_list(session, world, "Buy", context=PriceContext.PURCHASE)
    euro = await support.price_list(session, world, "Euro", entity="DEPM", currency="EUR")
    line = await support.line(session, world, cost, hours, unit=time.day, price="80.5")
    await support.line(session, world, cost, hours, unit=time.week, price="0")
    await support.line(session, world, sales, hours, method=PricingMethod.AT_COST)
    await support.line(session, world, sales, fees, method=PricingMethod.MARKUP, markup="12.5")
    await support.line(session, world, euro, fees, price="99.999999")
    for project, price_list in ((us, sales), (us, cost), (de, euro)):
        await support.assign(session, world, project, price_list)
    await session.commit()
    ids = {"list": encode_id("PriceList", euro.id), "line": encode_id("PriceListLine", line.id)}
    for token in world.tokens.values():
        for entity in (None, "uspm", "DEPM"):
            for context in (None, "COST", "SALES"):
                after = None
                for _ in range(3):
                    variables = {"entity": entity, "context": context, "after": after, **ids}
                    body, path = await both(client, reference, LISTS, variables, token)
                    assert path == "compiled", body
                    after = body["data"]["priceLists"]["pageInfo"]["endCursor"]
    body, _ = await both(client, reference, LISTS, ids, world.tokens["manager"])
    (project,) = body["data"]["projects"]["nodes"]
    assert [listed["name"] for listed in project["priceLists"]] == ["Cost", "Sales"], body
    assert body["data"]["list"] is None and body["data"]["line"]["price"] == "80.50", body
