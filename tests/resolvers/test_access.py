"""Issue 12, point 4: the database decides what a token grants, on both read paths. A removed
legal entity or role is gone within AUTH_CACHE_SECONDS whatever the token's claims say, an
expired access token is refused however recently it worked, the check costs a statement per
token and cache period only, and a database outage during it is SERVICE_UNAVAILABLE."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

import resolvers.access
from config import Settings
from db.models.master_data import AppUser, UserLegalEntity
from domain.session_access import session_actor
from resolvers.auth import verify_token
from tests.support.client import GraphQLClient
from tests.support.served import Served, served
from tests.support.world import World, signed_in

__all__ = ["served"]  # a fixture, used by name

READ = "{ me { roles legalEntities { code } } legalEntities(first: 10) { nodes { code } } }"
NEW_DIMENSION = """mutation($e: String!, $c: String!) { createFinancialDimension(input:
  {legalEntity: $e, code: $c, name: "Region"}) { financialDimension { code }
  errors { code message } } }"""


async def read(client: GraphQLClient, token: str) -> tuple[dict[str, Any], str | None]:
    """The answer to READ and the read path that gave it."""
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.http.post("/graphql", json={"query": READ}, headers=headers)
    return response.json(), response.headers.get("x-read-path")


def rights(body: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    assert not body.get("errors"), body
    me, entities = body["data"]["me"], body["data"]["legalEntities"]["nodes"]
    roles = [role.lower() for role in me["roles"]]
    return roles, [e["code"] for e in me["legalEntities"]], [node["code"] for node in entities]


async def test_m1_a_removed_legal_entity_and_role_are_gone_on_the_next_request(
    served: Served, world: World, settings: Settings, session: AsyncSession
) -> None:
    """AUTH_CACHE_SECONDS=0: the token keeps its claims (accountant of USPM and DEPM); the
    database decides, on both read paths, for reads and writes."""
    token, accountant = world.tokens["accountant"], world.users["accountant"].id

    async def answers(reads: tuple[list[str], ...], entity: str, refused: list[str]) -> None:
        """Both paths read `reads`; a new dimension of `entity` is refused with `refused`."""
        for client, path in ((compiled, "compiled"), (reference, None)):
            body, answered_by = await read(client, token)
            assert (rights(body), answered_by) == (reads, path)
            code = f"D{len(refused)}{path}"
            payload = await client.mutate(NEW_DIMENSION, {"e": entity, "c": code}, token=token)
            assert [error["code"] for error in payload["errors"]] == refused
            assert (payload["financialDimension"] is None) == bool(refused)

    async with (
        served(auth_cache_seconds=0) as compiled,
        served(auth_cache_seconds=0, compiled_reads=False) as reference,
    ):
        await answers((["accountant"], ["DEPM", "USPM"], ["USPM", "DEPM"]), "DEPM", [])
        await session.execute(
            delete(UserLegalEntity).where(
                UserLegalEntity.user_id == accountant,
                UserLegalEntity.legal_entity_id == world.entity_id("DEPM"),
            )
        )
        await answers((["accountant"], ["USPM"], ["USPM"]), "DEPM", ["NOT_FOUND"])
        await session.execute(
            update(AppUser).where(AppUser.id == accountant).values(roles=["employee"])
        )
        await answers((["employee"], ["USPM"], ["USPM"]), "USPM", ["FORBIDDEN"])
    claims = verify_token(settings, token)  # what the token says has not changed
    assert claims.roles == {"accountant"} and claims.legal_entities == {"DEPM", "USPM"}


async def test_a_removed_legal_entity_is_gone_within_the_cache_time(
    served: Served, world: World, session: AsyncSession
) -> None:
    token, manager = world.tokens["manager"], world.users["manager"].id
    async with served(auth_cache_seconds=1) as client:
        assert rights((await read(client, token))[0])[1] == ["USPM"]
        removed_at = time.monotonic()
        await session.execute(delete(UserLegalEntity).where(UserLegalEntity.user_id == manager))
        # The legal entities your token may read (me.legalEntities is the database's at once).
        while rights((await read(client, token))[0])[2] == ["USPM"]:
            assert time.monotonic() - removed_at < 1.0  # the cached answer, at most 1 s old
            await asyncio.sleep(0.1)
        assert rights((await read(client, token))[0]) == (["employee", "project_manager"], [], [])


async def test_an_expired_access_token_is_refused_on_both_paths(
    served: Served, world: World, settings: Settings, session: AsyncSession
) -> None:
    """Verified and cached while it worked, a token still stops at its `exp`."""
    short = settings.model_copy(update={"access_token_minutes": 2 / 60})  # 2 seconds
    token = await signed_in(session, short, world, "employee", world.users["employee"].id)
    async with served() as compiled, served(compiled_reads=False) as reference:
        for client in (compiled, reference):
            assert rights((await read(client, token))[0])[0] == ["employee"]
        await asyncio.sleep(verify_token(settings, token).expires_at - time.time() + 0.05)
        for client in (compiled, reference):
            body, path = await read(client, token)
            assert path is None and body["data"] is None
            assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
                ("The token has expired.", "UNAUTHENTICATED")
            ]


async def test_a_token_costs_one_check_per_cache_period(
    client: GraphQLClient, served: Served, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[object] = []

    async def counted(*args: Any) -> Any:
        checks.append(args[1])
        return await session_actor(*args)

    monkeypatch.setattr(resolvers.access, "session_actor", counted)
    async with served(compiled_reads=False) as reference:
        for asking in (client, client, reference):  # AUTH_CACHE_SECONDS=5: one check
            rights((await read(asking, world.tokens["employee"]))[0])
    assert len(checks) == 1
    async with served(auth_cache_seconds=0) as uncached:
        for _ in range(2):
            rights((await read(uncached, world.tokens["admin"]))[0])
    assert len(checks) == 3


async def test_a_database_outage_while_checking_access_is_service_unavailable(
    served: Served, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable(*args: Any) -> Any:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 0 reached")

    monkeypatch.setattr(resolvers.access, "session_actor", unreachable)
    token = world.tokens["employee"]
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/graphql-response+json",
    }
    mutation = '{"query": "mutation { revokeSession(input: {}) { sessionId } }"}'
    async with served() as compiled, served(compiled_reads=False) as reference:
        for client in (compiled, reference):
            for body in ({"query": READ}, None):
                response = await client.http.post(
                    "/graphql",
                    json=body,
                    content=None if body else mutation,
                    headers={**headers, "Content-Type": "application/json"},
                )
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == "2"
                (error,) = response.json()["errors"]
                assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryable": True}
        monkeypatch.setattr(resolvers.access, "session_actor", session_actor)
        for client in (compiled, reference):  # nothing was cached meanwhile
            assert rights((await read(client, token))[0])[0] == ["employee"]
