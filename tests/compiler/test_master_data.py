"""M1: users of the caller's legal entities (by legal entity, by role, page by page) and the
currencies read the same on both paths for every role; a user of no legal entity of the
caller's is never listed, nor a legal entity's users the caller does not work in."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import AppUser
from tests.support.client import GraphQLClient
from tests.support.read_paths import both, reference
from tests.support.world import USER_ENTITIES, World

__all__ = ["reference"]

USERS = """
query Users($entity: String, $role: Role, $after: String) {
  users(legalEntity: $entity, role: $role, first: 2, after: $after) {
    __typename
    edges { cursor node { id __typename email name roles legalEntities { id code } } }
    nodes { name }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
  currencies { __typename code name decimals }
}"""


async def test_m1_users_and_currencies_read_the_same_for_every_role(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    session.add(AppUser(email="nobody@example.com", name="Nobody", roles=["accountant"]))
    await session.commit()
    roles = [None, "EMPLOYEE", "PROJECT_MANAGER", "ACCOUNTANT", "ADMIN"]
    for user, token in world.tokens.items():
        for entity in (None, "uspm", "DEPM", "NOPE"):
            for role in roles:
                after, seen = None, []
                for _ in range(5):
                    variables = {"entity": entity, "role": role, "after": after}
                    body, path = await both(client, reference, USERS, variables, token)
                    assert path == "compiled", body
                    page = body["data"]["users"]
                    seen += page["nodes"]
                    if not page["pageInfo"]["hasNextPage"]:
                        break
                    after = page["pageInfo"]["endCursor"]
                mine = set(USER_ENTITIES[user])
                expected = {
                    name.title()
                    for name, codes in USER_ENTITIES.items()
                    if mine & set(codes) & ({entity.upper()} if entity else mine)
                    and (role is None or role.lower() in world.users[name].roles)
                }
                assert {node["name"] for node in seen} == expected, (user, entity, role)
    body, _ = await both(client, reference, USERS, {}, world.tokens["employee"])
    assert [c["code"] for c in body["data"]["currencies"]][:3] == ["AUD", "CAD", "CHF"], body
