"""Granting and revoking roles and legal entities through the API (issue 11): idempotent,
audited, only the admin's own legal entities (M1), no lock-out. And the change ends the user's
access at once, however long AUTH_CACHE_SECONDS: the very next request of the API process that
made it is refused (it forgets the user's cached access after its commit), another process's
within the time the database's announcement takes (migration 0010, resolvers/access.py). The
old token is used throughout: nobody signs in again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient

import app
from config import Settings
from resolvers import users as user_resolvers
from schema.relay import encode_id
from tests.resolvers.test_access_changes import ANNOUNCED_WITHIN, CACHE_SECONDS
from tests.resolvers.test_users import UPDATE, audit_rows, change, counts, gid
from tests.support.client import GraphQLClient
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.world import World

__all__ = ["committed", "committed_world"]

ELSEWHERE = (
    "The user also works in legal entities that are not yours: only an admin of all of them "
    "changes their roles, name or email."
)
ME = "{ me { roles legalEntities { code } } }"
# An accountant's mutation that writes nothing either way: its blank name is REQUIRED while the
# accountant may create accounts in USPM, FORBIDDEN without the role, NOT_FOUND without USPM.
ACCOUNT = """mutation { createAccount(input: {legalEntity: "USPM", number: "9", name: " "}) {
  errors { code field } } }"""
REVOKE = """mutation($i: {input}!) {{ {field}(input: $i) {{ errors {{ code message }} }} }}"""
CHANGES = {
    "role": ("revokeUserRoles", "UserRolesInput", {"roles": ["ACCOUNTANT"]}, "FORBIDDEN"),
    "legal entity": (
        "revokeUserLegalEntities",
        "UserLegalEntitiesInput",
        {"legalEntities": ["USPM"]},
        "NOT_FOUND",
    ),
}


async def test_granting_and_revoking_roles_is_idempotent_and_audited(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    token, user, employee = world.tokens["admin"], gid(world, "employee"), world.users["employee"]
    granted = await change(client, token, "grantUserRoles", user, "ACCOUNTANT", "EMPLOYEE")
    assert granted["errors"] == [] and granted["user"]["roles"] == ["ACCOUNTANT", "EMPLOYEE"]
    again = await change(client, token, "grantUserRoles", user, "ACCOUNTANT")
    assert again == granted  # no error, no change
    revoked = await change(client, token, "revokeUserRoles", user, "ACCOUNTANT", "ADMIN")
    assert revoked["errors"] == [] and revoked["user"]["roles"] == ["EMPLOYEE"]
    assert (await change(client, token, "revokeUserRoles", user, "ADMIN"))["errors"] == []
    assert (await change(client, token, "grantUserRoles", user))["errors"] == [
        {"code": "REQUIRED", "field": ["roles"], "message": "Name at least one role."}
    ]
    rows = await audit_rows(session, employee.id)  # one per change, none for no change
    assert [(row.action, row.actor_user_id) for row in rows] == [
        ("user_roles_granted", world.users["admin"].id),
        ("user_roles_revoked", world.users["admin"].id),
    ]
    assert [(r.details["before"]["roles"], r.details["after"]["roles"]) for r in rows] == [
        (["employee"], ["accountant", "employee"]),
        (["accountant", "employee"], ["employee"]),
    ]


async def test_an_admin_grants_and_revokes_only_its_own_legal_entities(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    admin, outsider, user = world.tokens["admin"], world.tokens["outsider"], gid(world, "employee")
    granted = await change(client, admin, "grantUserLegalEntities", user, "depm", "USPM")
    assert granted["errors"] == []
    assert granted["user"]["legalEntities"] == [{"code": "DEPM"}, {"code": "USPM"}]
    # Now the outsider (DEPM only) shares DEPM with the employee, but USPM is not its own: it
    # changes neither the employee's roles nor name, which hold in USPM too, nor USPM.
    before = await counts(session)
    for field in ("grantUserRoles", "revokeUserRoles"):
        assert (await change(client, outsider, field, user, "EMPLOYEE"))["errors"] == [
            {"code": "FORBIDDEN", "field": None, "message": ELSEWHERE}
        ]
    renamed = await client.mutate(UPDATE, {"i": {"id": user, "name": "Y"}}, outsider)
    assert [e["code"] for e in renamed["errors"]] == ["FORBIDDEN"]
    assert await counts(session) == before
    for field in ("grantUserLegalEntities", "revokeUserLegalEntities"):
        refused = await change(client, outsider, field, user, "USPM")
        assert refused["errors"] == [
            {
                "code": "NOT_FOUND",
                "field": ["legalEntities", "0"],
                "message": "Legal entity 'USPM' is not one of yours.",
            }
        ]
    revoked = await change(client, outsider, "revokeUserLegalEntities", user, "DEPM")
    assert revoked["errors"] == [] and revoked["user"]["legalEntities"] == []  # none of its own
    again = await change(client, admin, "revokeUserLegalEntities", user, "DEPM")
    assert again["errors"] == [] and again["user"]["legalEntities"] == [{"code": "USPM"}]
    rows = await audit_rows(session, world.users["employee"].id)
    assert [(r.action, r.details["before"]["legalEntities"], r.details["after"]["legalEntities"])
            for r in rows] == [
        ("user_legal_entities_granted", ["USPM"], ["DEPM", "USPM"]),
        ("user_legal_entities_revoked", ["DEPM", "USPM"], ["USPM"]),
    ]  # fmt: skip
    assert rows[1].actor_user_id == world.users["outsider"].id


async def test_no_lock_out_nor_a_user_without_a_legal_entity(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before, token = await counts(session), world.tokens["admin"]
    own = await change(client, token, "revokeUserRoles", gid(world, "admin"), "ADMIN")
    assert own["errors"] == [
        {
            "code": "INVALID",
            "field": ["roles"],
            "message": "You cannot revoke your own admin role: another admin may (no lock-out).",
        }
    ]
    field = "revokeUserLegalEntities"
    last = await change(client, token, field, gid(world, "admin"), "USPM", "DEPM")
    assert last["errors"][0]["message"].startswith("You cannot revoke your own last legal")
    last = await change(client, token, field, gid(world, "employee"), "USPM")
    assert last["errors"] == [
        {
            "code": "INVALID",
            "field": ["legalEntities"],
            "message": "You cannot revoke a user's last legal entity: grant another one first.",
        }
    ]
    assert await counts(session) == before
    # Another admin's admin role may go, and an admin's legal entity while it keeps one.
    other = await change(client, token, "revokeUserRoles", gid(world, "outsider"), "ADMIN")
    assert other["errors"] == [] and other["user"]["roles"] == ["ACCOUNTANT"]
    mine = await change(client, token, field, gid(world, "admin"), "DEPM")
    assert mine["errors"] == [] and mine["user"]["legalEntities"] == [{"code": "USPM"}]


@contextmanager
def _api(settings: Settings, database_url: str) -> Iterator[TestClient]:
    """The app with its lifespan (its event listener), caching access for five minutes."""
    from app import create_app

    cached = {"database_url": database_url, "auth_cache_seconds": CACHE_SECONDS}
    with TestClient(create_app(settings.model_copy(update=cached))) as client:
        yield client


def _post(api: TestClient, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    headers = {"authorization": f"Bearer {token}"}
    response = api.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json()


def _account_codes(api: TestClient, token: str) -> list[str]:
    return [
        error["code"] for error in _post(api, token, ACCOUNT)["data"]["createAccount"]["errors"]
    ]


@pytest.mark.parametrize("process", ["this", "another"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_right_revoked_through_the_api_is_refused_at_once_with_the_old_token(
    change: str,
    process: str,
    committed_world: World,
    settings: Settings,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each way is shown alone. In `this` process the database's announcements are ignored:
    the API's own forgetting must end the cached access before the next request. In `another`
    the API's own forgetting is switched off: only the announcement can (processes share no
    memory)."""
    if process == "this":
        monkeypatch.setattr(app, "forget_change", lambda change: None)
    else:
        monkeypatch.setattr(user_resolvers, "forget_user", lambda user_id: None)
    field, input_type, values, refusal = CHANGES[change]
    token = committed_world.tokens["accountant"]  # accountant of USPM and DEPM
    user = str(encode_id("User", committed_world.users["accountant"].id))
    revoke = REVOKE.format(field=field, input=input_type)
    with _api(settings, database_url) as api:
        assert _account_codes(api, token) == ["REQUIRED"]  # allowed, and cached for 5 minutes
        answer = _post(api, committed_world.tokens["admin"], revoke, {"i": {"id": user, **values}})
        assert answer == {"data": {field: {"errors": []}}}
        started = time.monotonic()
        while (codes := _account_codes(api, token)) == ["REQUIRED"]:
            assert process == "another", "the next request still had the revoked right"
            assert time.monotonic() - started < ANNOUNCED_WITHIN, "still served from the cache"
            time.sleep(0.05)
        assert codes == [refusal]
        me = _post(api, token, ME)["data"]["me"]
    if change == "role":
        assert me["roles"] == [] and len(me["legalEntities"]) == 2
    else:
        assert me == {"roles": ["ACCOUNTANT"], "legalEntities": [{"code": "DEPM"}]}
