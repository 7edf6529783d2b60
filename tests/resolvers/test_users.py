"""Users through the API (issue 11): an admin creates and edits users, in and of its own
legal entities only (M1), audited; nobody else may. Roles and legal entities are granted and
revoked in test_users_access.py."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from db.models.audit import AuditRecord
from db.models.master_data import AppUser, UserLegalEntity
from resolvers.sessions import sign_in
from schema.relay import encode_id
from tests.support.client import GraphQLClient
from tests.support.served import Served, served
from tests.support.world import World

__all__ = ["served"]  # a fixture, used by name

USER = "user { id email name roles legalEntities { code } }"
ERRORS = "errors { code field message }"
CREATE = f"mutation($i: CreateUserInput!) {{ createUser(input: $i) {{ {USER} {ERRORS} }} }}"
UPDATE = f"mutation($i: UpdateUserInput!) {{ updateUser(input: $i) {{ {USER} {ERRORS} }} }}"
CHANGE = "mutation($i: {input}!) {{ {field}(input: $i) {{ {user} {errors} }} }}"
MISSING = [{"code": "NOT_FOUND", "field": ["id"], "message": "The user does not exist."}]
MUTATIONS = (
    "grantUserRoles",
    "revokeUserRoles",
    "grantUserLegalEntities",
    "revokeUserLegalEntities",
)


def gid(world: World, name: str) -> str:
    return str(encode_id("User", world.users[name].id))


async def change(gql: GraphQLClient, token: str, field: str, user: str, *values: str) -> Any:
    """One of MUTATIONS, given role names or legal entity codes."""
    of_roles = "Roles" in field
    query = CHANGE.format(
        input="UserRolesInput" if of_roles else "UserLegalEntitiesInput",
        field=field,
        user=USER,
        errors=ERRORS,
    )
    given = {"id": user, "roles" if of_roles else "legalEntities": list(values)}
    return await gql.mutate(query, {"i": given}, token)


async def audit_rows(session: AsyncSession, user_id: int) -> list[AuditRecord]:
    rows = await session.scalars(
        select(AuditRecord)
        .where(AuditRecord.entity_type == "user", AuditRecord.entity_id == user_id)
        .order_by(AuditRecord.id)
    )
    return list(rows)


async def counts(session: AsyncSession) -> tuple[int | None, ...]:
    """Users, memberships and audit records: what a refused mutation must leave alone."""
    return tuple(
        [
            await session.scalar(select(func.count()).select_from(model))
            for model in (AppUser, UserLegalEntity, AuditRecord)
        ]
        + [await session.scalar(select(func.sum(func.cardinality(AppUser.roles))))]
    )


async def test_an_admin_creates_a_user_who_signs_in_with_those_rights_on_both_read_paths(
    client: GraphQLClient,
    world: World,
    session: AsyncSession,
    served: Served,
    settings: Settings,
) -> None:
    new = {
        "email": "  Nora.New@Example.COM ",
        "name": " Nora New ",
        "roles": ["PROJECT_MANAGER", "EMPLOYEE", "EMPLOYEE"],
        "legalEntities": ["depm", "USPM"],
    }
    payload = await client.mutate(CREATE, {"i": new}, world.tokens["admin"])
    assert payload["errors"] == []
    user = payload["user"]
    assert (user["email"], user["name"]) == ("nora.new@example.com", "Nora New")
    assert user["roles"] == ["EMPLOYEE", "PROJECT_MANAGER"]
    assert user["legalEntities"] == [{"code": "DEPM"}, {"code": "USPM"}]
    row = await session.scalar(select(AppUser).where(AppUser.email == "nora.new@example.com"))
    assert row is not None and str(encode_id("User", row.id)) == user["id"]
    (audit,) = await audit_rows(session, row.id)
    assert (audit.action, audit.actor_user_id) == ("user_created", world.users["admin"].id)
    assert audit.details == {
        "before": None,
        "after": {
            "email": "nora.new@example.com",
            "name": "Nora New",
            "roles": ["employee", "project_manager"],
            "legalEntities": ["DEPM", "USPM"],
        },
    }
    token = (await sign_in(session, settings, row.id)).access_token
    await session.commit()
    read = f'{{ me {{ id roles }} node(id: "{user["id"]}") {{ ... on User {{ email }} }} }}'
    listed = "{ users(role: PROJECT_MANAGER) { nodes { email } } }"
    for compiled in (True, False):
        async with served(compiled_reads=compiled) as gql:
            data = await gql.data(read, token=token)
            assert data["me"] == {"id": user["id"], "roles": ["EMPLOYEE", "PROJECT_MANAGER"]}
            assert data["node"] == {"email": "nora.new@example.com"}
            users = await gql.data(listed, token=world.tokens["outsider"])
            assert {"email": "nora.new@example.com"} in users["users"]["nodes"]


async def test_create_user_lists_every_refusal_and_writes_nothing(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before = await counts(session)
    taken = {"email": " ADMIN@example.com", "name": "  ", "roles": [], "legalEntities": []}
    payload = await client.mutate(CREATE, {"i": taken}, world.tokens["admin"])
    assert payload["user"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("REQUIRED", ["name"]),
        ("REQUIRED", ["legalEntities"]),
        ("DUPLICATE", ["email"]),
    ]
    assert "admin@example.com exists" in payload["errors"][2]["message"]
    bad = {"email": "no address", "name": "X", "roles": [], "legalEntities": ["USPM", "NOPE"]}
    payload = await client.mutate(CREATE, {"i": bad}, world.tokens["admin"])
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID", ["email"]),
        ("NOT_FOUND", ["legalEntities", "1"]),
    ]
    assert await counts(session) == before


async def test_m1_an_admin_creates_users_only_in_its_own_legal_entities(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    """The outsider is an admin of DEPM only: USPM is as unknown to it as a made-up code."""
    before = await counts(session)
    answers = []
    for code in ("USPM", "XXPM"):
        new = {"email": "x@example.com", "name": "X", "roles": [], "legalEntities": [code]}
        answers.append(await client.mutate(CREATE, {"i": new}, world.tokens["outsider"]))
    assert [a["errors"] for a in answers] == [
        [
            {
                "code": "NOT_FOUND",
                "field": ["legalEntities", "0"],
                "message": f"Legal entity '{code}' is not one of yours.",
            }
        ]
        for code in ("USPM", "XXPM")
    ]
    assert await counts(session) == before


async def test_only_an_admin_manages_users(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    before, token, user = await counts(session), world.tokens["accountant"], gid(world, "employee")
    new = {"email": "x@example.com", "name": "X", "roles": [], "legalEntities": ["USPM"]}
    answers = [
        await client.mutate(CREATE, {"i": new}, token),
        await client.mutate(UPDATE, {"i": {"id": user, "name": "Y"}}, token),
        *[await change(client, token, field, user, "ADMIN") for field in MUTATIONS[:2]],
        *[await change(client, token, field, user, "USPM") for field in MUTATIONS[2:]],
    ]
    assert [[e["code"] for e in answer["errors"]] for answer in answers] == [["FORBIDDEN"]] * 6
    assert await counts(session) == before


async def test_m1_a_user_of_other_legal_entities_answers_exactly_like_a_missing_one(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    """The outsider (admin of DEPM) and the manager (of USPM only) share no legal entity."""
    before, token = await counts(session), world.tokens["outsider"]
    made_up = str(encode_id("User", 987_654_321))
    for user in (gid(world, "manager"), made_up):
        payload = await client.mutate(UPDATE, {"i": {"id": user, "name": "Y"}}, token)
        assert payload == {"user": None, "errors": MISSING}
        for field in MUTATIONS[:2]:
            assert (await change(client, token, field, user, "ACCOUNTANT"))["errors"] == MISSING
        for field in MUTATIONS[2:]:
            assert (await change(client, token, field, user, "DEPM"))["errors"] == MISSING
    assert await counts(session) == before


async def test_update_user_changes_name_and_email_audited(
    client: GraphQLClient, world: World, session: AsyncSession
) -> None:
    token, user = world.tokens["admin"], gid(world, "employee")
    changed = await client.mutate(
        UPDATE, {"i": {"id": user, "name": " Emma Ployee ", "email": "EMMA@Example.com "}}, token
    )
    assert changed["errors"] == []
    assert (changed["user"]["name"], changed["user"]["email"]) == (
        "Emma Ployee",
        "emma@example.com",
    )
    same = await client.mutate(UPDATE, {"i": {"id": user, "email": "Emma@example.com"}}, token)
    assert same["errors"] == []  # their own address is no duplicate; nothing changed
    refused = await client.mutate(
        UPDATE, {"i": {"id": user, "name": " ", "email": "Manager@Example.com"}}, token
    )
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [
        ("REQUIRED", ["name"]),
        ("DUPLICATE", ["email"]),
    ]
    (row,) = await audit_rows(session, world.users["employee"].id)
    assert row.action == "user_updated"
    assert {key: row.details[key]["email"] for key in ("before", "after")} == {
        "before": "employee@example.com",
        "after": "emma@example.com",
    }
    assert row.details["after"]["name"] == "Emma Ployee"
