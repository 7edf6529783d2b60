"""Legal entities through the API: scoping to the token (M1), creation, typed errors."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models.master_data import LegalEntity
from tests.support.client import GraphQLClient, error_codes
from tests.support.world import World

LEGAL_ENTITIES = "{ legalEntities { edges { node { id code currencyCode } } } }"
CREATE = """
mutation($input: CreateLegalEntityInput!) {
  createLegalEntity(input: $input) {
    legalEntity { code currencyCode }
    errors { code field message }
  }
}"""


async def test_m1_user_sees_only_token_entities(client: GraphQLClient, world: World) -> None:
    data = await client.data(LEGAL_ENTITIES, token=world.tokens["manager"])
    assert [edge["node"]["code"] for edge in data["legalEntities"]["edges"]] == ["USPM"]
    data = await client.data(LEGAL_ENTITIES, token=world.tokens["admin"])
    assert [edge["node"]["code"] for edge in data["legalEntities"]["edges"]] == ["USPM", "DEPM"]


async def test_admin_creates_legal_entity(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    payload = await client.mutate(
        CREATE,
        {"input": {"code": "fr01", "name": "France", "currencyCode": "EUR"}},
        token=world.tokens["admin"],
    )
    assert payload == {"legalEntity": {"code": "FR01", "currencyCode": "EUR"}, "errors": []}


async def test_create_legal_entity_bad_input_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before = await session.scalar(select(func.count()).select_from(LegalEntity))
    cases = [
        ({"code": "X1", "name": "X", "currencyCode": "ZZZ"}, "NOT_FOUND", "admin"),
        ({"code": "USPM", "name": "X", "currencyCode": "USD"}, "DUPLICATE", "admin"),
        ({"code": "", "name": "X", "currencyCode": "USD"}, "INVALID", "admin"),
        ({"code": "X2", "name": "X", "currencyCode": "USD"}, "FORBIDDEN", "employee"),
    ]
    for data, code, user in cases:
        payload = await client.mutate(CREATE, {"input": data}, token=world.tokens[user])
        assert payload["legalEntity"] is None
        assert error_codes(payload) == [code]
    assert await session.scalar(select(func.count()).select_from(LegalEntity)) == before


NODE = "query($id: ID!) { node(id: $id) { id } }"


async def test_m1_node_hides_users_outside_your_legal_entities(
    client: GraphQLClient, world: World
) -> None:
    from schema.relay import encode_id

    colleague = encode_id("User", world.users["manager"].id)
    stranger = encode_id("User", world.users["outsider"].id)
    seen = await client.data(NODE, {"id": colleague}, token=world.tokens["employee"])
    hidden = await client.data(NODE, {"id": stranger}, token=world.tokens["employee"])
    assert seen["node"] == {"id": colleague} and hidden["node"] is None


async def test_k1_node_shows_global_job_runs_to_admins_only(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    from db.models.jobs import JobRun
    from schema.relay import encode_id

    run = JobRun(task_name="journals.import_from_staging", status="queued", arguments={})
    session.add(run)
    await session.commit()
    gid = encode_id("JobRun", run.id)
    admin = await client.data(NODE, {"id": gid}, token=world.tokens["admin"])
    employee = await client.data(NODE, {"id": gid}, token=world.tokens["employee"])
    assert admin["node"] == {"id": gid} and employee["node"] is None


async def test_m1_ids_and_cursors_beyond_bigint_are_typed_errors(
    client: GraphQLClient, world: World
) -> None:
    """A global id or cursor whose number no BIGINT holds is bad input, not a server error."""
    import base64

    from resolvers.cursors import id_cursor
    from schema.relay import encode_id

    huge = 2**63  # one past the largest BIGINT
    token = world.tokens["admin"]
    for global_id in (encode_id("Project", huge), encode_id("User", 10**20)):
        body = await client.execute(NODE, {"id": global_id}, token=token)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body
    delete = """mutation($id: ID!) {
      deleteExchangeRate(input: {id: $id}) { deletedId errors { code } } }"""
    payload = await client.mutate(delete, {"id": encode_id("ExchangeRate", huge)}, token=token)
    assert payload == {"deletedId": None, "errors": [{"code": "INVALID"}]}
    page = "query($after: String) { legalEntities(after: $after) { edges { cursor } } }"
    superscript_two = base64.urlsafe_b64encode("cursor:\u00b2".encode()).decode()
    for cursor in (id_cursor(huge), superscript_two):
        body = await client.execute(page, {"after": cursor}, token=token)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body


async def test_m1_legal_entity_code_too_long_or_nul_text_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    """The code column keeps 10 characters; PostgreSQL text cannot hold NUL: typed errors."""
    before = await session.scalar(select(func.count()).select_from(LegalEntity))
    cases = [
        ({"code": "X1234567890", "name": "X", "currencyCode": "USD"}, "INVALID", "code"),
        ({"code": "X3", "name": "a\u0000b", "currencyCode": "USD"}, "INVALID", "name"),
        ({"code": "X4", "name": "X", "currencyCode": "U\u0000D"}, "NOT_FOUND", "currencyCode"),
    ]
    for data, code, field in cases:
        payload = await client.mutate(CREATE, {"input": data}, token=world.tokens["admin"])
        assert payload["legalEntity"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, [field])]
    assert await session.scalar(select(func.count()).select_from(LegalEntity)) == before


async def test_a_value_the_database_refuses_in_a_query_is_bad_user_input(
    client: GraphQLClient, world: World
) -> None:
    query = "query($code: String) { transactionCategories(code: $code) { nodes { id } } }"
    body = await client.execute(query, {"code": "TRAVEL\u0000"}, token=world.tokens["admin"])
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}
