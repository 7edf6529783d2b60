"""The authorization matrix (docs/authorization.md) is the API's: every query, mutation and
subscription of the printed schema has one row, and answers each role as the row says.

Every field is called with placeholder arguments built from schema.graphql and the ids of real
rows (tests/support/estate.py, USPM), by a user of each role: allowed means no FORBIDDEN or
UNAUTHENTICATED in the answer, refused means only that and nothing written. A row's condition
(own report, approver, the line's project manager) is made to hold and to fail on the sample
rows before the call. The legal entity column is checked with an admin and accountant of DEPM
only: `all` (global master data) is FORBIDDEN, `yours` NOT_FOUND. Each call runs in a
savepoint rolled back after it, so every call meets the same data."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from starlette.testclient import TestClient

from config import Settings
from tests.conftest import _session_on
from tests.support import expenses as ex
from tests.support.authorization import (
    CALLERS,
    CELLS,
    CLOSED,
    CONDITIONS,
    ENTITY_RULES,
    ONE_ENTITY_ADMIN,
    SOMEONE_ELSE,
    Answer,
    Rule,
    Setting,
    codes,
    make_condition,
    not_found,
    read_matrix,
    verdict,
    with_condition_input,
    wrong_answer,
)
from tests.support.client import GraphQLClient
from tests.support.estate import Samples, build_estate, samples, undone
from tests.support.fuzz_checks import table_digest
from tests.support.jobs import committed
from tests.support.journals import committed_world
from tests.support.schema_calls import (
    KINDS,
    Call,
    build_call,
    errors_of,
    id_paths,
    learn_id_types,
    placeholder,
    printed_schema,
    root_fields,
    root_type,
)
from tests.support.subscribing import subscription_answers
from tests.support.world import World

__all__ = ["committed", "committed_world"]
deferrals = ex.deferrals  # the estate posts reports, which defers the approval job (E5)
ENTITY_ARGUMENT = frozenset({"legalEntity"})


def test_every_field_of_the_printed_schema_has_one_rule_in_the_matrix() -> None:
    schema, rules = printed_schema(), read_matrix()
    fields = {(kind.title(), field) for kind in KINDS for field in root_fields(schema, kind)}
    assert sorted(fields - rules.keys()) == [], "fields without a row in docs/authorization.md"
    assert sorted(rules.keys() - fields) == [], "rows of fields the schema no longer has"
    for rule in rules.values():
        assert set(rule.cells.values()) <= CELLS, rule
        assert rule.condition in CONDITIONS and rule.entities in ENTITY_RULES, rule
        assert ("if" in rule.cells.values()) == (rule.condition != "—"), rule
        # An admin may do whatever a narrower role may (Actor.require_role).
        assert rule.cells["admin"] == "yes" or set(rule.cells.values()) == {"no"}, rule


@pytest.fixture
async def estate(
    client: GraphQLClient,
    session: AsyncSession,
    connection: AsyncConnection,
    world: World,
    settings: Settings,
    deferrals: None,
) -> Samples:
    await build_estate(client, session, connection, world, settings)
    return await samples(session, world, "USPM")


async def _sample_call(
    client: GraphQLClient, world: World, kind: str, field: str, rows: Samples
) -> Call:
    """The field called with the sample rows' ids; an ID whose type the server does not tell
    (`node` takes any) names the sample project."""
    schema = printed_schema()
    call_of = partial(build_call, schema, kind, field, leaf=placeholder(rows.entity))
    paths = id_paths(schema, kind, field)
    types = await learn_id_types(client, world.tokens["admin"], call_of, paths, rows.gid)
    return call_of({path: rows.gid(types.get(path, "Project")) for path in paths})


async def _ask(
    client: GraphQLClient,
    connection: AsyncConnection,
    call: Call,
    token: str | None,
    expected: str,
    condition: tuple[Setting, dict[str, int], dict[str, int]] | None = None,
) -> Answer:
    """The call's errors, made in a savepoint after the condition's statements, and whether
    it changed any row (only looked at where a refusal is `expected`: it reads every table)."""
    async with undone(connection):
        if condition is not None:
            await make_condition(connection, *condition)
        before = await _digest(connection) if expected == "no" else {}
        body = await client.execute(call.document, call.variables, token)
        errors = errors_of(call, body)
        return errors, expected == "no" and await _digest(connection) != before


async def _digest(connection: AsyncConnection) -> dict[str, str]:
    session = _session_on(connection)
    try:
        return await table_digest(session)
    finally:
        await session.close()


async def _walk_roles(
    client: GraphQLClient,
    connection: AsyncConnection,
    world: World,
    rule: Rule,
    call: tuple[Call, Samples],
) -> list[str | None]:
    """Each role column: `if` with its condition holding, then failing; `yes` with it
    failing and `no` with it holding, so that neither depends on the condition."""
    found = []
    for column, cell in rule.cells.items():
        user = CALLERS[column]
        for holds in (True, False) if cell == "if" else (cell == "no",):
            expected = "yes" if cell == "yes" or (cell == "if" and holds) else "no"
            people = {"caller": world.users[user].id if user else 0}
            people["other"] = world.users[SOMEONE_ELSE].id
            setting = CONDITIONS[rule.condition][holds] if user else []
            condition = (setting, people, call[1].keys)
            token = world.tokens.get(user or "")
            refresh = world.refresh_tokens[SOMEONE_ELSE]
            sent = with_condition_input(call[0], rule.condition, holds, refresh)
            answer = await _ask(client, connection, sent, token, expected, condition)
            found.append(wrong_answer(rule, f"{column} ({user}, {holds=})", expected, answer))
    return found


async def _walk_entities(
    client: GraphQLClient, connection: AsyncConnection, world: World, rule: Rule, call: Call
) -> str | None:
    """An admin and accountant of the other legal entity only, on USPM's rows."""
    refused = rule.entities == "all" or (rule.entities == "yours" and rule.kind == "Mutation")
    token = world.tokens[ONE_ENTITY_ADMIN]
    errors, written = await _ask(client, connection, call, token, "no" if refused else "yes")
    name = f"{rule.kind}.{rule.field} as {ONE_ENTITY_ADMIN} ({rule.entities})"
    if rule.entities == "all":
        ok = codes(errors) == {"FORBIDDEN"} and not written
    elif rule.entities == "yours" and rule.kind == "Mutation":
        ok = "NOT_FOUND" in codes(errors) and not written
    else:
        ok = verdict(errors) == ("yes" if rule.cells["admin"] == "yes" else "no")
    return None if ok else f"{name}: got {errors} {written=}"


@pytest.mark.parametrize("kind", ["mutation", "query"])
async def test_m1_every_mutation_and_query_answers_each_role_as_the_matrix_says(
    client: GraphQLClient,
    connection: AsyncConnection,
    world: World,
    estate: Samples,
    kind: str,
) -> None:
    rules, wrong = read_matrix(), []
    for field in root_fields(printed_schema(), kind):
        rule, rows = rules[kind.title(), field], estate.for_field(field)
        async with undone(connection):
            call = await _sample_call(client, world, kind, field, rows)
        wrong += await _walk_roles(client, connection, world, rule, (call, rows))
        wrong.append(await _walk_entities(client, connection, world, rule, call))
    problems = [problem for problem in wrong if problem is not None]
    assert problems == [], "\n".join(problems)


@pytest.fixture
def api(database_url: str) -> Iterator[TestClient]:
    """The app with its lifespan (its event listener): subscriptions need one."""
    from app import create_app

    settings = Settings(env="test", run_worker=False, database_url=database_url)
    with TestClient(create_app(settings)) as client:
        yield client


def test_m1_k3_every_subscription_answers_each_role_as_the_matrix_says(
    api: TestClient, committed_world: World
) -> None:
    schema, rules = printed_schema(), read_matrix()
    calls = [build_call(schema, "subscription", field, {}, placeholder("USPM"))
             for field in root_fields(schema, "subscription")]  # fmt: skip
    wrong = []
    for column, user in CALLERS.items():
        token = committed_world.tokens[user] if user else None
        for call, errors in zip(calls, subscription_answers(api, token, calls), strict=True):
            rule = rules["Subscription", call.field]
            expected = "no" if rule.cells[column] == "no" else "yes"
            wrong.append(wrong_answer(rule, column, expected, (errors, False), CLOSED))
    # A legal entity not the caller's is refused as not found (`filtered`).
    foreign = [
        build_call(schema, "subscription", field, {}, placeholder("USPM"), ENTITY_ARGUMENT)
        for field, definition in root_type(schema, "subscription").fields.items()
        if ENTITY_ARGUMENT & definition.args.keys()
    ]
    token = committed_world.tokens[ONE_ENTITY_ADMIN]
    for call, errors in zip(foreign, subscription_answers(api, token, foreign), strict=True):
        if not errors or not all(not_found(error) for error in errors):
            wrong.append(f"Subscription.{call.field}(legalEntity: USPM) as outsider: {errors}")
    problems = [problem for problem in wrong if problem is not None]
    assert problems == [], "\n".join(problems)
