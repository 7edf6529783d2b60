"""`me` is the caller's User (issue 11: every id a client sees is a global id that `node(id:)`
accepts): its roles as Role values and its legal entities as objects, the same on both read
paths; a user's legal entities are only those among the caller's (M1), read in a constant
number of statements however many users a page holds."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.master_data import AppUser
from resolvers.sessions import sign_in
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

ME = """query Me { me { __typename id email roles legalEntities { __typename id code } } }"""
USERS = """query Users($first: Int) {
  users(first: $first) { nodes { email roles legalEntities(first: 5) { code } } } }"""


async def test_me_is_the_callers_user_node_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, world: World
) -> None:
    """The manager (project manager and employee of USPM) sees their own User: a global id
    that node(id:) answers with the same User, Role values, legal entities as objects."""
    token, manager = world.tokens["manager"], world.users["manager"]
    body, path = await both(client, reference, ME, {}, token)
    assert path == "compiled", body
    uspm = encode_id("LegalEntity", world.entity_id("USPM"))
    assert body["data"]["me"] == {
        "__typename": "User",
        "id": encode_id("User", manager.id),
        "email": "manager@example.com",
        "roles": ["EMPLOYEE", "PROJECT_MANAGER"],
        "legalEntities": [{"__typename": "LegalEntity", "id": uspm, "code": "USPM"}],
    }
    node = f'{{ node(id: "{encode_id("User", manager.id)}") {{ ... on User {{ email }} }} }}'
    found, _ = await both(client, reference, node, {}, token)
    assert found["data"]["node"] == {"email": "manager@example.com"}


async def test_m1_a_users_legal_entities_are_those_of_the_caller(
    client: GraphQLClient, reference: GraphQLClient, world: World
) -> None:
    """The admin works in USPM and DEPM: the manager (USPM only) sees USPM alone; the
    accountant (both) sees both, in code order."""
    query = "query($id: ID!) { node(id: $id) { ... on User { legalEntities { code } } } }"
    admin = {"id": encode_id("User", world.users["admin"].id)}
    for caller, codes in (("manager", ["USPM"]), ("accountant", ["DEPM", "USPM"])):
        body, path = await both(client, reference, query, admin, world.tokens[caller])
        assert path == "compiled", body
        assert [e["code"] for e in body["data"]["node"]["legalEntities"]] == codes, caller


async def test_a_user_of_no_legal_entity_yet_has_a_me(
    client: GraphQLClient,
    reference: GraphQLClient,
    session: AsyncSession,
    settings: Settings,
) -> None:
    """A user sees themself (domain.scope): an admin who has not created a legal entity yet
    gets their User, with no legal entities, on both paths."""
    user = AppUser(email="new@example.com", name="New", roles=["admin"])
    session.add(user)
    await session.flush()
    token = (await sign_in(session, settings, user.id)).access_token
    await session.commit()
    body, path = await both(client, reference, ME, {}, token)
    assert path == "compiled", body
    assert body["data"]["me"]["id"] == encode_id("User", user.id)
    assert (body["data"]["me"]["roles"], body["data"]["me"]["legalEntities"]) == (["ADMIN"], [])


async def test_users_legal_entities_load_in_a_constant_number_of_statements(
    reference: GraphQLClient, world: World, statements: StatementCounter
) -> None:
    """Strawberry's path: the memberships of every user of the page in one statement, their
    legal entities in another, whether the page has one user or all of them."""
    token = world.tokens["accountant"]
    statements.reset()
    one = await reference.data(USERS, {"first": 1}, token=token)
    one_count = statements.count
    statements.reset()
    every = await reference.data(USERS, {"first": 50}, token=token)
    assert len(one["users"]["nodes"]) == 1 and len(every["users"]["nodes"]) == len(world.users)
    assert statements.count == one_count, statements.statements
