"""M2, M1: project categories (a legal entity's category for a transaction category) read the
same on both paths for every role, by legal entity and page by page, and by `node(id:)`; a
caller sees only their legal entities' categories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from schema.relay import encode_id
from tests.support.categories import project_category, transaction_category
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import USER_ENTITIES, World

__all__ = ["reference"]

CATEGORIES = """
query Categories($entity: String, $after: String, $id: ID!) {
  projectCategories(legalEntity: $entity, first: 2, after: $after) {
    __typename
    edges { __typename cursor node { id __typename code name legalEntity { id code }
      transactionCategory { id code sharedCategories { transactionClass } } } }
    nodes { code }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  one: node(id: $id) { id ... on ProjectCategory { code legalEntity { code } } }
}"""


async def test_m2_project_categories_read_the_same_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    consult, _ = await transaction_category(session, world, "CONSULT")
    travel, _ = await transaction_category(session, world, "TRAVEL", usable_in_expense=False)
    other, _ = await transaction_category(session, world, "OTHER")
    made = [
        await project_category(session, world, entity, code, category.id)
        for entity, code, category in (
            ("USPM", "CONSULT", consult),
            ("USPM", "TRAVEL", travel),
            ("DEPM", "BERATUNG", consult),
            ("USPM", "OTHER", other),
        )
    ]
    await session.commit()
    german = encode_id("ProjectCategory", made[2].id)
    for user, token in world.tokens.items():
        for entity in (None, "USPM", "depm", "NOPE"):
            after, codes = None, []
            for _ in range(3):
                variables = {"entity": entity, "after": after, "id": german}
                body, path = await both(client, reference, CATEGORIES, variables, token)
                assert path == "compiled", body
                page = body["data"]["projectCategories"]
                codes += [node["code"] for node in page["nodes"]]
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
            mine = {e for e in USER_ENTITIES[user] if entity is None or e == entity.upper()}
            expected = {"USPM": ["CONSULT", "TRAVEL", "OTHER"], "DEPM": ["BERATUNG"]}
            assert sorted(codes) == sorted(c for e in mine for c in expected[e]), (user, entity)
            assert (body["data"]["one"] is None) == ("DEPM" not in USER_ENTITIES[user])
