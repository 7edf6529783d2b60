"""Issue 12, points 1 and 6: no single query can exhaust memory or CPU. Every list is bounded,
an operation's cost (the most nodes it can return) is refused above MAX_QUERY_COST before it
runs, the depth limit is exact, and a document's size is refused before it is validated."""

from __future__ import annotations

import gc
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import graphql
import pytest
from graphql import GraphQLList, GraphQLObjectType, get_named_type, get_nullable_type, is_leaf_type
from sqlalchemy.ext.asyncio import AsyncSession

from config import Settings
from domain.journals_import import import_pending_actuals
from schema import schema
from schema.query_cost import VALUE_LISTS, list_bound
from schema.request_limits import cost_of
from tests.support.client import GraphQLClient
from tests.support.journals import add_actuals, set_parameters, staging
from tests.support.read_paths import reference
from tests.support.validations import validations
from tests.support.world import World

__all__ = ["reference", "validations"]

CYCLE = "lines(first: 100) { journal { "  # two levels, a hundred times the nodes below


def cycle(levels: int, aliases: int = 1) -> str:
    """The attack of issue 12: journals > nodes > (lines > journal)... > id, `levels` fields
    deep, under `aliases` root fields."""
    pairs = (levels - 3) // 2
    inner = "id" if (levels - 3) % 2 == 0 else "lines(first: 100) { id }"
    body = "journals(first: 100) { nodes { " + CYCLE * pairs + inner + " } }" * pairs + " } }"
    return "{ " + " ".join(f"a{n}: {body}" for n in range(aliases)) + " }"


def rss_kb() -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


ATTACKS = {  # levels, aliases -> the refusal
    (13, 20): "exceeds maximum operation depth",
    (12, 20): "nodes; at most",  # 100^6 journal lines and more
    (12, 30): "selections (fields and fragments)",  # 360, before validation
}


@pytest.mark.parametrize(("levels", "aliases"), sorted(ATTACKS))
async def test_the_nested_cycle_attack_is_refused_at_once_and_costs_no_memory(
    levels: int, aliases: int, client: GraphQLClient, reference: GraphQLClient, world: World
) -> None:
    """13 levels under 30 aliases grew the process to 2.7 GB in 52 s; now a limit refuses it
    before anything runs, in milliseconds, and the process does not grow."""
    document = cycle(levels, aliases)
    for gql in (client, reference):
        before, started = rss_kb(), time.perf_counter()
        body = await gql.execute(document, token=world.tokens["employee"])
        elapsed, grown = time.perf_counter() - started, rss_kb() - before
        assert body["data"] is None
        (error,) = body["errors"]
        assert ATTACKS[levels, aliases] in error["message"], error
        assert elapsed < 0.5 and grown < 10_000, (elapsed, grown)


async def test_a_refusal_names_the_cost_and_the_limit(
    reference: GraphQLClient, world: World, settings: Settings
) -> None:
    body = await reference.execute(cycle(7), token=world.tokens["accountant"])
    (error,) = body["errors"]
    cost = 1 + 100 * (1 + 100 * (1 + 1 * (1 + 100 * (1 + 1))))  # journals > lines > journal...
    assert error["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": cost,
        "limit": settings.max_query_cost,
    }
    assert f"{cost:,} nodes" in error["message"], error


def test_the_cost_counts_each_fragment_once_and_follows_variables() -> None:
    """A fragment spread twice in each of 40 fragments is 2^40 nodes, measured in 40 steps."""
    fragments = ["fragment F0 on Journal { id lines(first: 1) { id } }"] + [
        f"fragment F{n} on Journal {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 40)
    ]
    bomb = "{ journals(first: 1) { nodes { ...F39 } } } " + " ".join(fragments)
    started = time.perf_counter()
    assert cost_of(schema._schema, graphql.parse(bomb), None, {}) == 1 + 1 * (1 + 2**39)
    assert time.perf_counter() - started < 0.1
    paged = "query($n: Int!) { journals(first: $n) { nodes { lines(first: $n) { id } } } }"
    document = graphql.parse(paged)
    assert cost_of(schema._schema, document, None, {"n": 7}) == 1 + 7 * (1 + 7)
    assert cost_of(schema._schema, document, None, {"n": "seven"}) is None  # refused anyway


def test_a_connections_last_costs_like_first_and_neither_its_default_page() -> None:
    """`last: n` reads n rows as `first: n` does; without either a connection reads 50."""

    def cost(arguments: str) -> int | None:
        lines = "{ nodes { lines(first: 3) { id } } }"
        document = graphql.parse(f"{{ journals{arguments} {lines} }}")
        return cost_of(schema._schema, document, None, {})

    assert cost("(last: 7)") == cost("(first: 7)") == 1 + 7 * (1 + 3)
    assert cost("") == cost("(first: null, last: null)") == 1 + 50 * (1 + 3)
    assert cost("(last: 1000)") == 1 + 100 * (1 + 3)  # refused when it runs; capped here


def _list_fields() -> list[tuple[GraphQLObjectType, str]]:
    types = schema._schema.type_map.values()
    return [
        (type_, name)
        for type_ in types
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for name, field in type_.fields.items()
        if isinstance(get_nullable_type(field.type), GraphQLList)
    ]


def test_every_list_field_of_the_schema_is_bounded() -> None:
    """A list takes `first` (capped at 100), is a connection's page (its `first`), or has a
    bound the domain fixes (schema/query_cost.py). A new list without one fails here."""
    unbounded = []
    for type_, name in _list_fields():
        field = type_.fields[name]
        if "first" in field.args or type_.name.endswith("Connection"):
            continue
        leaf = is_leaf_type(get_named_type(field.type))
        key = f"{type_.name}.{name}"
        if (leaf and key in VALUE_LISTS) or (not leaf and list_bound(type_.name, name)):
            continue
        unbounded.append(key)
    assert unbounded == []
    assert len(_list_fields()) > 100  # the walk saw the schema


def test_every_connection_takes_first_last_and_order_by() -> None:
    query = schema._schema.query_type
    assert query is not None
    for type_ in schema._schema.type_map.values():
        if isinstance(type_, GraphQLObjectType) and type_.name.endswith("Connection"):
            for parent in schema._schema.type_map.values():
                if not isinstance(parent, GraphQLObjectType) or parent.name.startswith("__"):
                    continue
                for name, field in parent.fields.items():
                    if get_named_type(field.type) is type_:
                        paging = {"first", "after", "last", "before", "orderBy"}
                        assert paging <= set(field.args), f"{parent.name}.{name}"


async def test_a_document_of_too_many_selections_is_refused_before_validation(
    reference: GraphQLClient, settings: Settings, validations: list[Any]
) -> None:
    """Anonymous: the refusal needs no token, and validation never starts."""
    fields, name = settings.max_query_selections, f"query Fields{uuid.uuid4().hex} "
    body = await reference.execute(name + "{ " + " ".join(["__typename"] * fields) + " }")
    assert body["data"] == {"__typename": "Query"}, body
    assert len(validations) == 1
    body = await reference.execute(name + "{ " + " ".join(["__typename"] * (fields + 1)) + " }")
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
    assert f"{fields + 1:,} selections" in body["errors"][0]["message"]
    assert len(validations) == 1


async def test_a_fragment_bomb_is_validated_in_linear_time(reference: GraphQLClient) -> None:
    """24 fragments each spreading the one before twice cost strawberry's depth and alias
    limiters 2^24 visits (52 s): measured once per fragment, they are refused at once."""
    fragments = ["fragment F0 on User { a: roles }"] + [
        f"fragment F{n} on User {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 30)
    ]
    started = time.perf_counter()
    body = await reference.execute("{ me { ...F29 } } " + " ".join(fragments))
    assert time.perf_counter() - started < 0.5
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"], body
    assert f"{2**29} aliases found" in body["errors"][0]["message"]


def peak_growth_kb(before: int) -> int:
    """Peak RSS since `reset_peak()`, above `before`."""
    status = Path("/proc/self/status").read_text()
    peak = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    return peak - before


def reset_peak() -> int:
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux)
    return rss_kb()


BLOCK = "journals(first: {n}) {{ nodes {{ lines(first: 100) {{ id status voucherNumber }} }} }}"


async def test_the_largest_query_allowed_runs_within_the_budget(
    client: GraphQLClient,
    reference: GraphQLClient,
    session: AsyncSession,
    world: World,
    settings: Settings,
) -> None:
    """MAX_QUERY_COST nodes, every one of them in the data (100 journals of 100 lines): nine
    pages of 10,101 nodes and one of 9,091 make 100,000. Time and peak memory are printed."""
    base = await staging(session, world)
    await set_parameters(session, base.legal_entity_id, lines_per_journal=100)
    await add_actuals(session, base, [Decimal(1)] * 10_000)
    await import_pending_actuals(session, base.legal_entity_id)
    await session.commit()
    blocks = [BLOCK.format(n=100)] * 9 + [BLOCK.format(n=90)]
    document = "{ " + " ".join(f"a{n}: {block}" for n, block in enumerate(blocks)) + " }"
    assert cost_of(schema._schema, graphql.parse(document), None, {}) == settings.max_query_cost
    for name, gql in (("compiled", client), ("reference", reference)):
        gc.collect()
        before, started = reset_peak(), time.perf_counter()
        body = await gql.execute(document, token=world.tokens["accountant"])
        elapsed, grown = time.perf_counter() - started, peak_growth_kb(before)
        lines = [len(j["lines"]) for page in body["data"].values() for j in page["nodes"]]
        # Every node the cost counts was read: ten pages, their journals, their lines.
        assert len(body["data"]) + len(lines) + sum(lines) == settings.max_query_cost
        print(f"\nlargest query, {name} path: {elapsed:.2f} s, peak RSS +{grown // 1024} MB")
        assert elapsed < settings.request_timeout_seconds and grown < 300_000, (elapsed, grown)
