"""M1 across the schema: another legal entity's id answers exactly like an id that names no row.

For every mutation of schema.graphql and every ID its input takes (learned from the printed
schema, see tests/support/schema_calls.py), the call is sent twice by the same caller, every
other ID naming the caller's own sample rows: once with the real id of a row of a legal entity
the caller is not in, once with a made-up id of the same type. The two answers must carry the
same errors (code, field and message), so no answer tells whether the other company's row
exists (issue 12, point 9). Each call runs in a savepoint rolled back after it, so every call
meets the same data. Global master data (units, categories, rates) belongs to no legal entity
and is left out; job runs are not company rows either (K1 decides who sees one)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from config import Settings
from schema.relay import encode_id
from tests.support import expenses as ex
from tests.support.client import GraphQLClient
from tests.support.estate import GLOBAL_TYPES, Samples, build_estate, samples, undone
from tests.support.schema_calls import (
    Call,
    IdPath,
    build_call,
    errors_of,
    id_paths,
    learn_id_types,
    placeholder,
    printed_schema,
    root_fields,
)
from tests.support.world import World

deferrals = ex.deferrals  # the estate posts reports, which defers the approval job (E5)
MADE_UP_PK = 987_654_321  # names no row of any table of the estate
# caller -> (their legal entity, the other one)
Answer = list[dict[str, Any]]  # the errors of an answer, as a client reads them
CALLERS = {
    "outsider": ("DEPM", "USPM"),  # admin and accountant: every call reaches its ids
    "manager": ("USPM", "DEPM"),
    "employee": ("USPM", "DEPM"),
}


def _shown(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parts of an error a client reads: code, field and message."""
    return [
        {
            "code": error.get("code") or error.get("extensions", {}).get("code"),
            "field": error.get("field") or error.get("path"),
            "message": error.get("message"),
        }
        for error in errors
    ]


@pytest.fixture
async def estate(
    client: GraphQLClient,
    session: AsyncSession,
    connection: AsyncConnection,
    world: World,
    settings: Settings,
    deferrals: None,
) -> dict[str, Samples]:
    await build_estate(client, session, connection, world, settings)
    return {code: await samples(session, world, code) for code in ("USPM", "DEPM")}


async def _answer(
    client: GraphQLClient, connection: AsyncConnection, token: str, call: Call
) -> Answer:
    async with undone(connection):
        body = await client.execute(call.document, call.variables, token)
    return _shown(errors_of(call, body))


def _configurations(
    paths: list[IdPath], required: list[IdPath], varied: IdPath
) -> Iterator[list[IdPath]]:
    """The other ids a call gives, until one reaches the look-up of `varied`: all of them,
    only the required ones, all but one optional one. A check that compares ids without
    looking one up (V2: "may not differ from the subcontract line's") may answer first."""
    others = [path for path in paths if path != varied]
    yield others
    yield [path for path in required if path != varied]
    for left_out in others:
        if left_out not in required:
            yield [path for path in others if path != left_out]


@pytest.mark.parametrize("caller", list(CALLERS))
async def test_m1_foreign_ids_answer_exactly_like_missing_ids_in_every_mutation(
    client: GraphQLClient,
    connection: AsyncConnection,
    world: World,
    estate: dict[str, Samples],
    caller: str,
) -> None:
    schema, token = printed_schema(), world.tokens[caller]
    ours, theirs = (estate[code] for code in CALLERS[caller])
    differences: list[tuple[str, IdPath, Answer, Answer]] = []
    unreached: list[tuple[str, IdPath, Answer]] = []  # refused before the id was looked up
    compared = 0
    for field in root_fields(schema, "mutation"):
        paths = id_paths(schema, "mutation", field)
        if not paths:
            continue
        own, foreign = ours.for_field(field), theirs.for_field(field)
        call_of = partial(build_call, schema, "mutation", field, leaf=placeholder(own.entity))
        async with undone(connection):
            types = await learn_id_types(client, token, call_of, paths, own.gid)
        assert set(types) == set(paths), f"{field}: no type learned for {set(paths) - set(types)}"
        required = id_paths(schema, "mutation", field, required_only=True)
        for path, type_name in types.items():
            if type_name in GLOBAL_TYPES:
                continue
            assert foreign.gid(type_name) is not None, f"no {type_name} in {foreign.entity}"
            reached = False
            for others in _configurations(paths, required, path):
                if reached:
                    break
                ids = {other: own.gid(types[other]) for other in others}
                foreign_, made_up = [
                    await _answer(client, connection, token, call_of(ids | {path: gid}))
                    for gid in (foreign.gid(type_name), str(encode_id(type_name, MADE_UP_PK)))
                ]
                compared += 1
                if foreign_ != made_up or not made_up:
                    differences.append((field, path, foreign_, made_up))
                reached |= any(error["code"] == "NOT_FOUND" for error in made_up)
            if not reached:
                unreached.append((field, path, made_up))
    assert compared > 40
    assert differences == [], "\n".join(
        f"{field} {'.'.join(map(str, path))}:\n  foreign: {foreign_}\n  made up: {made_up}"
        for field, path, foreign_, made_up in differences
    )
    if caller == "outsider":  # an admin passes every role check: each id is looked up
        assert unreached == [], "\n".join(map(str, unreached))
