"""Issue 12, point 1, on both read paths: a nested list reads its first `first` items (1 to
100, default 100) with LIMIT in the compiled statement and in the DataLoader's batch; a
`first` out of range, one level too deep and one node too many are refused alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app import create_app
from config import Settings
from db.models.prices import PriceContext
from domain.journals_import import import_pending_actuals
from schema.relay import encode_id
from tests.conftest import _session_on
from tests.support import projects as make
from tests.support.client import GraphQLClient
from tests.support.counter import StatementCounter
from tests.support.journals import add_actuals, set_parameters, staging
from tests.support.read_paths import both, reference
from tests.support.world import World

__all__ = ["reference"]

LINES = """query($first: Int!) { journals(first: 10) { nodes { number
  lines(first: $first) { id voucherNumber journal { number lines(first: 1) { id } } } } } }"""
PROJECT = """query($id: ID!, $first: Int!) { project(id: $id) { code
  tasks(first: $first) { code } priceLists(first: $first) { name } } }"""


@pytest.fixture
async def journals(session: AsyncSession, world: World) -> World:
    """Seven actuals in journals of three lines: 3, 3 and 1."""
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, lines_per_journal=3)
    await add_actuals(session, base, [Decimal(10 + n) for n in range(7)])
    await import_pending_actuals(session, base.legal_entity_id)
    await session.commit()
    return world


async def test_a_nested_list_reads_its_first_items_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, journals: World
) -> None:
    token = journals.tokens["accountant"]
    sizes = {}
    for first in (1, 2, 3, 100):
        body, path = await both(client, reference, LINES, {"first": first}, token)
        assert path == "compiled", body
        nodes = body["data"]["journals"]["nodes"]
        sizes[first] = [len(node["lines"]) for node in nodes]
        assert all(len(line["journal"]["lines"]) == 1 for node in nodes for line in node["lines"])
    assert sizes == {1: [1, 1, 1], 2: [2, 2, 1], 3: [3, 3, 1], 100: [3, 3, 1]}


async def test_tasks_and_price_lists_are_bounded_in_their_order_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, session: AsyncSession, world: World
) -> None:
    project = await make.project(session, world, "P1", tasks=3)
    for context in PriceContext:  # one list of each context, in id order
        plist = await make.price_list(session, world, context.value.title(), context=context)
        await make.assign(session, world, project, plist)
    await session.commit()
    variables = {"id": encode_id("Project", project.id), "first": 2}
    body, path = await both(client, reference, PROJECT, variables, world.tokens["admin"])
    assert path == "compiled", body
    read = body["data"]["project"]
    assert [task["code"] for task in read["tasks"]] == ["T1", "T2"]
    names = [context.value.title() for context in PriceContext][:2]
    assert [plist["name"] for plist in read["priceLists"]] == names


@pytest.mark.parametrize("first", [0, 101, -1])
async def test_a_nested_first_out_of_range_is_the_same_typed_error_on_both_paths(
    first: int, client: GraphQLClient, reference: GraphQLClient, journals: World
) -> None:
    token = journals.tokens["accountant"]
    body, path = await both(client, reference, LINES, {"first": first}, token)
    assert path is None  # refused while planning: strawberry answers
    reasons = {(e["extensions"]["code"], e["extensions"]["reason"]) for e in body["errors"]}
    assert reasons == {("BAD_USER_INPUT", "OUT_OF_RANGE")}, body
    assert body["errors"][0]["extensions"]["field"] == ["first"]


def _levels(levels: int) -> str:
    """journals > nodes > (lines > journal)... > number: `levels` fields on the path."""
    pairs = (levels - 3) // 2
    inner = "number" if levels % 2 else "lines(first: 1) { id }"
    nested = "lines(first: 1) { journal { " * pairs
    return "{ journals(first: 2) { nodes { " + nested + inner + " } }" * pairs + " } } }"


async def test_max_query_depth_levels_are_allowed_and_one_more_is_refused_on_both_paths(
    client: GraphQLClient, reference: GraphQLClient, journals: World, settings: Settings
) -> None:
    token = journals.tokens["accountant"]
    deepest, path = await both(client, reference, _levels(settings.max_query_depth), {}, token)
    assert path == "compiled" and "errors" not in deepest, deepest
    deeper, path = await both(client, reference, _levels(settings.max_query_depth + 1), {}, token)
    assert path is None and deeper["data"] is None
    message = f"exceeds maximum operation depth of {settings.max_query_depth}"
    assert [error["message"] for error in deeper["errors"]] == [f"'anonymous' {message}"]


@pytest.fixture
async def limited(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[tuple[GraphQLClient, GraphQLClient]]:
    """Both apps with MAX_QUERY_COST 10,102: a query of 10,101 nodes plus one."""
    tight = settings.model_copy(update={"max_query_cost": 10_102})

    def app(compiled: bool) -> Any:
        sessions = lambda: _session_on(connection)  # noqa: E731
        return create_app(tight, engine=engine, sessions=sessions, compiled_reads=compiled)

    async with GraphQLClient.for_app(app(True)) as fast, GraphQLClient.for_app(app(False)) as ref:
        yield fast, ref


PAGE = "journals(first: 100) { nodes { lines(first: 100) { id } } }"  # 1 + 100 x (1 + 100)


async def test_the_cost_limit_allows_its_value_and_refuses_one_node_more_on_both_paths(
    limited: tuple[GraphQLClient, GraphQLClient], journals: World
) -> None:
    token = journals.tokens["accountant"]
    at_limit, path = await both(*limited, "{ " + PAGE + " me { id } }", {}, token)
    assert path == "compiled" and "errors" not in at_limit, at_limit
    over, path = await both(*limited, "{ " + PAGE + " me { id } m: me { id } }", {}, token)
    assert path is None and over["data"] is None
    assert over["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 10_103,
        "limit": 10_102,
    }


async def test_a_bounded_nested_list_costs_the_same_statements_for_1_or_3_journals(
    reference: GraphQLClient, session: AsyncSession, world: World, statements: StatementCounter
) -> None:
    """One windowed statement per level for every parent of the level (the DataLoader)."""
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, lines_per_journal=3)
    token = world.tokens["accountant"]
    counts = []
    for amounts in ([Decimal(1)], [Decimal(n) for n in range(2, 10)]):
        await add_actuals(session, base, amounts)
        await import_pending_actuals(session, base.legal_entity_id)
        await session.commit()
        statements.reset()
        data = await reference.data(LINES, {"first": 2}, token=token)
        counts.append(statements.count)
    assert [len(node["lines"]) for node in data["journals"]["nodes"]] == [2, 2, 2]
    assert counts[0] == counts[1], statements.statements
