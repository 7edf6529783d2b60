"""Authentication, authorisation, error masking and the request limits, through real HTTP."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import jwt
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import resolvers.master_data
from config import Settings
from db.models.master_data import LegalEntity, UserLegalEntity
from resolvers.auth import AuthenticationError, mint_token, verify_token
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.read_paths import reference
from tests.support.world import World

__all__ = ["reference"]  # a fixture, used by name

ME = "{ me { id roles legalEntities { code } } }"
NEW = 'createLegalEntity(input: {code: "NEW1", name: "New", currencyCode: "USD"})'
CREATE = f"mutation {{ {NEW} {{ legalEntity {{ code }} errors {{ code message }} }} }}"


def bad_tokens(settings: Settings, world: World) -> dict[str, tuple[str, str]]:
    """Authorization header -> the message the caller must get."""
    admin = world.users["admin"].id
    sid = str(verify_token(settings, world.tokens["admin"]).session_id)
    claims: dict[str, Any] = {"sub": str(admin), "sid": sid, "legal_entities": ["USPM"]}
    claims["exp"] = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    expired = mint_token(
        settings,
        user_id=admin,
        session_id=uuid.UUID(sid),
        roles=["admin"],
        legal_entities=["USPM"],
        now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=settings.access_token_minutes + 1),
    )
    forged = jwt.encode({**claims, "roles": ["admin"]}, "x" * 32 + "another-key", "HS256")
    scalar_roles = jwt.encode({**claims, "roles": "admin"}, settings.jwt_secret, "HS256")
    return {
        "malformed": ("Bearer not.a.jwt", "The token is not valid."),
        "wrong signature": (f"Bearer {forged}", "The token is not valid."),
        "expired": (f"Bearer {expired}", "The token has expired."),
        "roles not a list": (
            f"Bearer {scalar_roles}",
            "The token's 'roles' claim must be a list of strings.",
        ),
        "not bearer": (
            "Basic YWRtaW46YWRtaW4=",
            "Send the token as 'Authorization: Bearer <token>'.",
        ),
    }


async def entity_count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(LegalEntity)) or 0


async def test_no_token_is_unauthenticated(client: GraphQLClient, world: World) -> None:
    body = await client.execute(ME)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "case", ["malformed", "wrong signature", "expired", "roles not a list", "not bearer"]
)
async def test_bad_token_is_unauthenticated_and_runs_nothing(
    case: str,
    client: GraphQLClient,
    world: World,
    settings: Settings,
    session: AsyncSession,
    statements: StatementCounter,
) -> None:
    header, message = bad_tokens(settings, world)[case]
    before = await entity_count(session)
    statements.reset()
    body = await client.execute(CREATE, headers={"Authorization": header})
    assert statements.count == 0
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "UNAUTHENTICATED")
    ]
    assert await entity_count(session) == before


async def test_wrong_role_is_a_typed_forbidden_error(client: GraphQLClient, world: World) -> None:
    payload = await client.mutate(CREATE, token=world.tokens["employee"])
    assert payload["legalEntity"] is None
    assert payload["errors"] == [{"code": "FORBIDDEN", "message": "This needs the role admin."}]


def limit_cases(settings: Settings) -> dict[str, tuple[str, str, str]]:
    """Documents over one limit each -> (part of the error message, its code)."""
    nested = "{ a " * (settings.max_query_depth + 2) + "}" * (settings.max_query_depth + 2)
    aliases = " ".join(
        f'e{n}: createLegalEntity(input: {{code: "A{n}", name: "A", currencyCode: "USD"}})'
        " { errors { code } }"
        for n in range(settings.max_aliases + 1)
    )
    tokens = "code " * settings.max_tokens
    return {
        # No type of the schema nests that deep yet, so this document is also invalid otherwise.
        "depth": (
            f"mutation {{ {NEW} {nested} }}",
            f"exceeds maximum operation depth of {settings.max_query_depth}",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        "aliases": (
            f"mutation {{ {aliases} }}",
            f"{settings.max_aliases + 1} aliases found",
            "GRAPHQL_VALIDATION_FAILED",
        ),
        "tokens": (
            f"mutation {{ {NEW} {{ errors {{ {tokens} }} }} }}",
            f"more than {settings.max_tokens} tokens",
            "GRAPHQL_PARSE_FAILED",
        ),
    }


@pytest.mark.parametrize("case", ["depth", "aliases", "tokens"])
async def test_limits_refuse_the_document_before_running_it(
    case: str,
    client: GraphQLClient,
    world: World,
    settings: Settings,
    session: AsyncSession,
    statements: StatementCounter,
) -> None:
    document, message, code = limit_cases(settings)[case]
    before = await entity_count(session)
    statements.reset()
    body = await client.execute(document, token=world.tokens["admin"])
    assert statements.count == 0
    assert body.get("data") is None
    refusals = [e for e in body["errors"] if message in e["message"]]
    assert [e["extensions"]["code"] for e in refusals] == [code], body["errors"]
    assert await entity_count(session) == before


async def test_unexpected_exception_is_masked_with_error_id(
    reference: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On strawberry's execution (`reference`), where the resolver runs: compiled reads
    answer `currencies` with SQL alone."""

    async def explode(context: object) -> list[object]:
        raise RuntimeError("connection string with a password")

    monkeypatch.setattr(resolvers.master_data, "currencies", explode)
    body = await reference.execute("{ currencies { code } }", token=world.tokens["admin"])
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    error_id = error["extensions"]["errorId"]
    assert len(error_id) == 32
    assert error_id in error["message"]
    assert "password" not in error["message"]


async def test_node_hides_other_legal_entities(client: GraphQLClient, world: World) -> None:
    """The manager's token holds USPM only: DEPM's rows are null, USPM's are found."""
    depm, uspm = world.companies["DEPM"], world.companies["USPM"]
    ids = {
        "otherEntity": encode_id("LegalEntity", depm.entity.id),
        "otherAccount": encode_id("Account", depm.accounts["round_off"].id),
        "ownEntity": encode_id("LegalEntity", uspm.entity.id),
    }
    query = " ".join(f'{name}: node(id: "{gid}") {{ id }}' for name, gid in ids.items())
    data = await client.data(f"{{ {query} }}", token=world.tokens["manager"])
    assert data == {
        "otherEntity": None,
        "otherAccount": None,
        "ownEntity": {"id": ids["ownEntity"]},
    }


async def test_node_with_malformed_id_is_bad_user_input(
    client: GraphQLClient, world: World
) -> None:
    body = await client.execute('{ node(id: "%%%") { id } }', token=world.tokens["admin"])
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == ["id"]
    assert "not a valid id" in body["errors"][0]["message"]
    wrong_type = await client.execute(
        "query($id: ID!) { expenseReport(id: $id) { id } }",
        {"id": encode_id("Account", 1)},
        token=world.tokens["admin"],
    )
    assert "is an Account id, not an ExpenseReport id" in wrong_type["errors"][0]["message"]


async def test_first_over_100_is_refused(client: GraphQLClient, world: World) -> None:
    body = await client.execute(
        "{ legalEntities(first: 101) { nodes { code } } }", token=world.tokens["admin"]
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["reason"] == "OUT_OF_RANGE"


PAGE = """query($after: String) { legalEntities(first: 2, after: $after) {
  edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }"""


async def test_keyset_cursors_page_without_gaps_or_repeats(
    client: GraphQLClient, world: World, settings: Settings, session: AsyncSession
) -> None:
    codes = ["USPM", "DEPM"] + [f"PG{n}" for n in range(5)]
    added = [LegalEntity(code=code, name=code, currency_code="USD") for code in codes[2:]]
    session.add_all(added)
    await session.flush()
    admin = world.users["admin"].id
    session.add_all(UserLegalEntity(user_id=admin, legal_entity_id=row.id) for row in added)
    await session.flush()
    token = world.tokens["admin"]  # whose claims name USPM and DEPM only: the database decides
    seen: list[str] = []
    after = None
    for _ in range(len(codes)):
        page = (await client.data(PAGE, {"after": after}, token=token))["legalEntities"]
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == codes  # in id order: every entity once


REFRESH = """mutation($t: String!) { refreshToken(input: {refreshToken: $t}) {
  accessToken refreshToken errors { code message } } }"""


async def test_refresh_token_carries_current_rights(
    client: GraphQLClient, world: World, settings: Settings, session: AsyncSession
) -> None:
    """The new access token's claims (hints for clients) are the database's rights now."""
    manager = world.users["manager"]
    session.add(UserLegalEntity(user_id=manager.id, legal_entity_id=world.entity_id("DEPM")))
    await session.flush()
    payload = await client.mutate(REFRESH, {"t": world.refresh_tokens["manager"]})
    assert payload["errors"] == []
    claims = verify_token(settings, payload["accessToken"])
    assert (claims.user_id, claims.legal_entities) == (manager.id, frozenset({"USPM", "DEPM"}))
    assert claims.session_id == verify_token(settings, world.tokens["manager"]).session_id
    me = await client.data(ME, token=payload["accessToken"])
    assert me["me"]["legalEntities"] == [{"code": "DEPM"}, {"code": "USPM"}]
    assert me["me"]["roles"] == ["EMPLOYEE", "PROJECT_MANAGER"]
    assert me["me"]["id"] == encode_id("User", manager.id)  # a global id node(id:) accepts


async def test_expected_errors_are_answered_not_logged_as_server_faults(
    client: GraphQLClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("ERROR", logger="strawberry.execution"):
        await client.execute(ME)  # no token
        await client.execute("{ nope }", token=world.tokens["admin"])
        await client.execute('{ node(id: "garbage") { id } }', token=world.tokens["admin"])
    assert [record for record in caplog.records if record.name == "strawberry.execution"] == []


def test_a_token_is_verified_once_while_valid_and_refused_once_expired(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each request carries its token: the signature is checked on first sight only, and a
    remembered token still stops working at its expiry."""
    decoded: list[str] = []
    real_decode = jwt.decode

    def counting_decode(token: str, *args: Any, **kwargs: Any) -> Any:
        decoded.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting_decode)
    lifetime = dt.timedelta(minutes=settings.access_token_minutes)
    issued = dt.datetime.now(dt.UTC) - lifetime + dt.timedelta(seconds=1)
    token = mint_token(
        settings,
        user_id=7,
        session_id=uuid.uuid4(),
        roles=["employee"],
        legal_entities=["USPM"],
        now=issued,
    )
    first, second = verify_token(settings, token), verify_token(settings, token)
    assert first == second and first.user_id == 7 and len(decoded) == 1
    time.sleep(1.1)  # past the token's expiry (whole seconds)
    with pytest.raises(AuthenticationError, match="expired"):
        verify_token(settings, token)
    assert len(decoded) == 2
