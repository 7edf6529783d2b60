"""Two read paths, one answer (ARCHITECTURE.md): random queries drawn from the schema, sent by
callers of every role in both legal entities, get the same JSON (data and errors) from the app
with compiled reads as from strawberry alone, the reference. The reference keeps M1 (a caller
never sees another legal entity's rows) and E1/E2 (an employee sees only their own reports), so
equal answers hold the compiled SQL to them; the second test checks them outright."""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app import create_app
from config import Settings
from db.models.master_data import Task
from schema import schema
from schema.relay import encode_id
from tests.conftest import _session_on
from tests.support import expenses as ex
from tests.support import projects
from tests.support.client import GraphQLClient
from tests.support.differential_data import (
    ENTITIES,
    REPORTS,
    add_journals,
    add_master_data,
    add_reports,
    add_users,
)
from tests.support.journals import LAST_MONTH, add_rate
from tests.support.queries import Pool, Query, queries
from tests.support.query_values import pool_from
from tests.support.world import World

deferrals = ex.deferrals  # posting defers the automatic approval job (E5)
EXAMPLES = 300  # queries per run, each sent by three callers
Apps = tuple[GraphQLClient, GraphQLClient]  # compiled reads, reference
Answer = dict[str, Any]


@pytest.fixture
async def apps(
    connection: AsyncConnection, engine: AsyncEngine, settings: Settings
) -> AsyncIterator[Apps]:
    def app(compiled: bool) -> Any:
        sessions = lambda: _session_on(connection)  # noqa: E731
        return create_app(settings, engine=engine, sessions=sessions, compiled_reads=compiled)

    async with GraphQLClient.for_app(app(True)) as fast, GraphQLClient.for_app(app(False)) as ref:
        yield fast, ref


@pytest.fixture
async def pool(
    apps: Apps, session: AsyncSession, world: World, settings: Settings,
    connection: AsyncConnection, deferrals: None,
) -> Pool:  # fmt: skip
    """The varied data set, built in the test's transaction (rolled back after) through the
    reference app and the support helpers, and the argument values queries draw from it."""
    await add_users(session, world, settings)
    setup = await ex.expense_setup(session, world)
    de = await projects.project(session, world, "DE1", entity="DEPM", manager="de_manager", tasks=2)
    de_task = await session.scalar(select(Task.id).where(Task.project_id == de.id))
    await add_rate(session, "USD", "EUR", "0.9228", LAST_MONTH)
    await session.commit()
    await add_reports(apps[1], setup, de.id, de_task or 0)
    await add_journals(apps[1], session, connection, setup)
    await add_master_data(session, setup, de)
    return await pool_from(apps[1], world)


def _normal(body: Answer) -> Answer:
    """The body with errors cut to message, path and extensions, without error ids."""
    errors = [
        {
            "message": re.sub("error id [0-9a-f]+", "error id", error.get("message", "")),
            "path": error.get("path"),
            "extensions": {k: v for k, v in error.get("extensions", {}).items() if k != "errorId"},
        }
        for error in body.get("errors", [])
    ]
    return {**body, "errors": errors} if "errors" in body else body


async def _ask(gql: GraphQLClient, query: Query, token: str) -> tuple[Answer, bool]:
    sent, auth = {"query": query.document, "variables": query.variables}, f"Bearer {token}"
    response = await gql.http.post("/graphql", json=sent, headers={"Authorization": auth})
    body: Answer = {"status": response.status_code, **response.json()}
    return _normal(body), response.headers.get("x-read-path") == "compiled"


async def _same(apps: Apps, query: Query, caller: str, world: World) -> tuple[Answer, bool]:
    """The reference's answer, once the compiled path's is asserted to be the same JSON."""
    fast, compiled = await _ask(apps[0], query, world.tokens[caller])
    reference, _ = await _ask(apps[1], query, world.tokens[caller])
    assert json.dumps(fast) == json.dumps(reference), (
        f"{'same values, other key order' if fast == reference else 'different answers'}\n"
        f"caller: {caller} {world.users[caller].roles} {ENTITIES[caller]}\n"
        f"query: {query.document}\nvariables: {json.dumps(query.variables)}\n"
        f"compiled path: {json.dumps(fast)}\nreference: {json.dumps(reference)}"
    )
    return reference, compiled


async def test_random_queries_get_one_answer_from_both_read_paths_m1_e1_e2(
    apps: Apps, pool: Pool, world: World
) -> None:
    """Every random query, sent by three callers, answers the same JSON on both paths."""
    loop, tally = asyncio.get_running_loop(), Counter[str]()
    callers = st.lists(st.sampled_from(sorted(world.tokens)), min_size=3, max_size=3, unique=True)

    async def compare(query: Query, callers: list[str]) -> None:
        for caller in callers:
            reference, compiled = await _same(apps, query, caller, world)
            tally.update([caller], requests=1, valid="errors" not in reference, compiled=compiled)

    @hypothesis_settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(queries(schema._schema, pool), callers)
    def check(query: Query, callers: list[str]) -> None:
        asyncio.run_coroutine_threadsafe(compare(query, callers), loop).result()

    await asyncio.to_thread(check)  # hypothesis drives (and shrinks) from a thread
    share = f"{tally['compiled']} of {tally['valid']} valid, {tally['requests']} requests"
    assert tally["compiled"] > 0, f"the compiled path answered none: {share}"
    assert all(tally[caller] for caller in world.tokens), tally


SCOPE = """query($after: String) { expenseReports(first: 3, after: $after) {
  nodes { id legalEntity { code } employee { id } } pageInfo { hasNextPage endCursor } }
  journals(first: 100) { nodes { id legalEntity { code } } } }"""


async def test_m1_e1_e2_callers_see_their_legal_entities_and_employees_their_own_reports(
    apps: Apps, pool: Pool, world: World
) -> None:
    """M1: every report and journal a caller gets, page by page with the cursors from the
    answers, is of a legal entity of theirs; E1/E2: an employee without an approving role gets
    exactly their own reports; node(id:) shows the same rows, tried with every id there is."""
    for caller in sorted(world.tokens):
        codes, user = ENTITIES[caller], world.users[caller]
        reports: list[Answer] = []
        after: str | None = None
        while after != "done":
            answer, _ = await _same(apps, Query(SCOPE, {"after": after}), caller, world)
            page = answer["data"]["expenseReports"]
            reports += page["nodes"]
            after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else "done"
        journals = answer["data"]["journals"]["nodes"]
        only_own = set(user.roles) == {"employee"}
        expected = [r for r in REPORTS if r[1] in codes and (r[0] == caller or not only_own)]
        assert len(reports) == len(expected), (caller, reports)
        assert {report["legalEntity"]["code"] for report in reports} <= set(codes), caller
        assert journals and {j["legalEntity"]["code"] for j in journals} <= set(codes)
        if only_own:
            assert {report["employee"]["id"] for report in reports} == {encode_id("User", user.id)}
        seen: set[str] = set()
        for start in range(0, len(pool.good["id"]), 25):  # the alias limit is 30
            chunk = enumerate(pool.good["id"][start : start + 25])
            nodes = " ".join(f'n{i}: node(id: "{gid}") {{ __typename id }}' for i, gid in chunk)
            answer, _ = await _same(apps, Query(f"{{ {nodes} }}", {}), caller, world)
            found = [node for node in answer["data"].values() if node]
            seen |= {n["id"] for n in found if n["__typename"] in ("ExpenseReport", "Journal")}
        assert seen == {row["id"] for row in reports + journals}, caller
